import { Migration } from '@mikro-orm/migrations';

export class Migration20261128012921_heatmap extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "consumer_checkpoints" ("name" varchar(64) not null, "position" bigint not null, constraint "consumer_checkpoints_pkey" primary key ("name"));`);

    this.addSql(`create table "heatmap_daily" ("day" timestamptz not null, "cell" varchar(16) not null, "district_id" uuid not null, "count" int not null, constraint "heatmap_daily_pkey" primary key ("day", "cell", "district_id"));`);

    this.addSql(`create table "heatmap_hourly" ("hour" timestamptz not null, "cell" varchar(16) not null, "district_id" uuid not null, "matter_id" uuid not null, "count" int not null, constraint "heatmap_hourly_pkey" primary key ("hour", "cell", "district_id", "matter_id"));`);
    this.addSql(`create index "heatmap_hourly_matter_id_hour_index" on "heatmap_hourly" ("matter_id", "hour");`);

    this.addSql(`alter table "tickets" add column "cell" varchar(16) null;`);
    this.addSql(`create index "tickets_located_created_at" on "tickets" ("created_at") include ("cell", "district_id", "matter_id") where "cell" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "consumer_checkpoints" cascade;`);

    this.addSql(`drop table if exists "heatmap_daily" cascade;`);

    this.addSql(`drop table if exists "heatmap_hourly" cascade;`);

    this.addSql(`drop index "tickets_located_created_at";`);
    this.addSql(`alter table "tickets" drop column "cell";`);
  }

}
