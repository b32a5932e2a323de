import { Migration } from '@mikro-orm/migrations';

export class Migration20261128130000_personal_data_accesses_append_only extends Migration {

  override async up(): Promise<void> {
    // Who unmasked whose data is evidence: like the tickets' audit log, it is append-only,
    // enforced by the database itself.
    this.addSql(`create function "personal_data_accesses_append_only"() returns trigger language plpgsql as $$ begin raise exception 'personal_data_accesses is append-only'; end $$;`);
    this.addSql(`create trigger "personal_data_accesses_append_only" before update or delete on "personal_data_accesses" for each row execute function "personal_data_accesses_append_only"();`);
    this.addSql(`create trigger "personal_data_accesses_no_truncate" before truncate on "personal_data_accesses" for each statement execute function "refuse_truncate"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "personal_data_accesses_no_truncate" on "personal_data_accesses";`);
    this.addSql(`drop trigger if exists "personal_data_accesses_append_only" on "personal_data_accesses";`);
    this.addSql(`drop function if exists "personal_data_accesses_append_only"();`);
  }

}
