import { Migration } from '@mikro-orm/migrations';

export class Migration20261128041400_clues extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "clues" ("id" uuid not null, "source_platform" varchar(64) not null, "source_url" varchar(1000) null, "text" text not null, "author_handle" varchar(100) null, "likes" int not null, "lat" double precision null, "lng" double precision null, "district_id" uuid null, "status" text check ("status" in ('RECEIVED', 'FILED', 'DUPLICATE', 'DISMISSED')) not null, "ticket_id" uuid null, "submitted_by" varchar(160) not null, "verified_by" varchar(160) null, "note" text null, "posted_at" timestamptz null, "received_at" timestamptz not null, "verified_at" timestamptz null, "version" int not null, constraint "clues_pkey" primary key ("id"));`);
    this.addSql(`create index "clues_received_at_index" on "clues" ("received_at");`);
    this.addSql(`create index "clues_status_received_at_index" on "clues" ("status", "received_at");`);
    this.addSql(`alter table "clues" add constraint "clues_source_platform_source_url_unique" unique ("source_platform", "source_url");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "clues" cascade;`);
  }

}
