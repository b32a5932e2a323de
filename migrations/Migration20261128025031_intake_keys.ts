import { Migration } from '@mikro-orm/migrations';

export class Migration20261128025031_intake_keys extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "intake_keys" ("actor" varchar(160) not null, "key" varchar(100) not null, "request_hash" varchar(64) not null, "ticket_id" uuid not null, "created_at" timestamptz not null, constraint "intake_keys_pkey" primary key ("actor", "key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "intake_keys" cascade;`);
  }

}
