import { Migration } from '@mikro-orm/migrations';

export class Migration20261128031721_api_keys extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "api_keys" ("prefix" varchar(16) not null, "name" varchar(100) not null, "secret_hash" varchar(64) not null, "role" text check ("role" in ('OPERATOR', 'DEPARTMENT', 'DISTRICT_OFFICE', 'SUPERVISOR', 'ANALYST', 'ADMIN')) not null, "department_code" varchar(32) null, "district_codes" text[] not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_keys_pkey" primary key ("prefix"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "api_keys" cascade;`);
  }

}
