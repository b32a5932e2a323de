import { Migration } from '@mikro-orm/migrations';

export class Migration20261128031249_pseudonyms extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "tickets" add column "citizen_key" varchar(64) null, add column "pseudonymised_at" timestamptz null;`);
    this.addSql(`create index "tickets_citizen_key_index" on "tickets" ("citizen_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "tickets_citizen_key_index";`);
    this.addSql(`alter table "tickets" drop column "citizen_key", drop column "pseudonymised_at";`);
  }

}
