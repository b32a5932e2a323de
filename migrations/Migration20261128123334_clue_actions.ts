import { Migration } from '@mikro-orm/migrations';

export class Migration20261128123334_clue_actions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "clue_actions" ("id" bigserial primary key, "clue_id" uuid not null, "type" text check ("type" in ('RECEIVED', 'RESUBMITTED', 'FILED', 'DUPLICATE', 'DISMISSED')) not null, "actor" varchar(160) not null, "version" int not null, "likes" int null, "previous_likes" int null, "note" text null, "at" timestamptz not null);`);
    this.addSql(`alter table "clue_actions" add constraint "clue_actions_clue_id_version_unique" unique ("clue_id", "version");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "clue_actions" cascade;`);
  }

}
