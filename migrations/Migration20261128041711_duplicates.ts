import { Migration } from '@mikro-orm/migrations';

export class Migration20261128041711_duplicates extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "duplicate_suggestions" ("ticket_id" uuid not null, "parent_id" uuid not null, "similarity" double precision not null, "distance_meters" int null, "merged" boolean not null, "at" timestamptz not null, constraint "duplicate_suggestions_pkey" primary key ("ticket_id"));`);
    this.addSql(`create index "duplicate_suggestions_parent_id_index" on "duplicate_suggestions" ("parent_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "duplicate_suggestions" cascade;`);
  }

}
