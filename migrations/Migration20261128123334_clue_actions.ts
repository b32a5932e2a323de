import { Migration } from '@mikro-orm/migrations';

export class Migration20261128123334_clue_actions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "clue_actions" ("id" bigserial primary key, "clue_id" uuid not null, "type" text check ("type" in ('RECEIVED', 'RESUBMITTED', 'FILED', 'DUPLICATE', 'DISMISSED')) not null, "actor" varchar(160) not null, "version" int not null, "likes" int null, "previous_likes" int null, "note" text null, "at" timestamptz not null);`);
    this.addSql(`alter table "clue_actions" add constraint "clue_actions_clue_id_version_unique" unique ("clue_id", "version");`);
    // clues from before the history: their receipt (as version 1, with the likes they have now)
    // and, for those decided, the decision at the version it made
    this.addSql(`insert into "clue_actions" ("clue_id", "type", "actor", "version", "likes", "at")
      select "id", 'RECEIVED', "submitted_by", 1, "likes", "received_at" from "clues";`);
    this.addSql(`insert into "clue_actions" ("clue_id", "type", "actor", "version", "note", "at")
      select "id", "status", coalesce("verified_by", 'system/history'), "version", "note", coalesce("verified_at", "received_at") from "clues"
       where "status" <> 'RECEIVED' and "version" > 1
      on conflict ("clue_id", "version") do nothing;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "clue_actions" cascade;`);
  }

}
