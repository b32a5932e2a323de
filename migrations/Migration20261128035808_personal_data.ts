import { Migration } from '@mikro-orm/migrations';

export class Migration20261128035808_personal_data extends Migration {

  override async up(): Promise<void> {
    // counters need not survive a crash: unlogged, no WAL
    this.addSql(`create unlogged table "rate_limits" ("key" varchar(255) not null, "points" int not null default 0, "expire" bigint null, constraint "rate_limits_pkey" primary key ("key"));`);

    this.addSql(`create table "personal_data_accesses" ("id" bigserial primary key, "ticket_id" uuid not null, "ticket_number" varchar(32) not null, "actor" varchar(160) not null, "role" text check ("role" in ('OPERATOR', 'DEPARTMENT_STAFF', 'DISTRICT_OFFICE', 'SUPERVISOR', 'ANALYST', 'ADMIN')) not null, "subject" varchar(160) not null, "purpose" text check ("purpose" in ('RETURN_VISIT', 'HANDLING', 'VERIFICATION', 'SUPERVISION', 'LEGAL_REQUEST')) not null, "reason" text not null, "at" timestamptz not null);`);
    this.addSql(`create index "personal_data_accesses_subject_at_index" on "personal_data_accesses" ("subject", "at");`);
    this.addSql(`create index "personal_data_accesses_ticket_id_at_index" on "personal_data_accesses" ("ticket_id", "at");`);

    this.addSql(`alter table "personal_data_accesses" add constraint "personal_data_accesses_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade;`);

    this.addSql(`alter table "api_keys" drop constraint if exists "api_keys_role_check";`);
    this.addSql(`update "api_keys" set "role" = 'DEPARTMENT_STAFF' where "role" = 'DEPARTMENT';`);

    this.addSql(`alter table "api_keys" add constraint "api_keys_role_check" check("role" in ('OPERATOR', 'DEPARTMENT_STAFF', 'DISTRICT_OFFICE', 'SUPERVISOR', 'ANALYST', 'ADMIN'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limits" cascade;`);

    this.addSql(`drop table if exists "personal_data_accesses" cascade;`);

    this.addSql(`alter table "api_keys" drop constraint if exists "api_keys_role_check";`);
    this.addSql(`update "api_keys" set "role" = 'DEPARTMENT' where "role" = 'DEPARTMENT_STAFF';`);

    this.addSql(`alter table "api_keys" add constraint "api_keys_role_check" check("role" in ('OPERATOR', 'DEPARTMENT', 'DISTRICT_OFFICE', 'SUPERVISOR', 'ANALYST', 'ADMIN'));`);
  }

}
