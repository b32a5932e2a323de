import { Migration } from '@mikro-orm/migrations';

export class Migration20261128041037_task_forces extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "task_forces" ("id" uuid not null, "name" varchar(200) not null, "status" text check ("status" in ('ACTIVE', 'CLOSED')) not null, "district_id" uuid not null, "lead_department_id" uuid not null, "department_ids" uuid[] not null, "ticket_ids" uuid[] not null, "alert_ids" uuid[] not null, "formed_by" varchar(160) not null, "created_at" timestamptz not null, "closed_at" timestamptz null, "version" int not null, constraint "task_forces_pkey" primary key ("id"));`);
    this.addSql(`create index "task_forces_departments" on "task_forces" using gin ("department_ids");`);
    this.addSql(`create index "task_forces_district_id_created_at_index" on "task_forces" ("district_id", "created_at");`);

    this.addSql(`create table "task_force_actions" ("id" bigserial primary key, "task_force_id" uuid not null, "type" varchar(32) not null, "actor" varchar(160) not null, "note" text null, "at" timestamptz not null);`);
    this.addSql(`create index "task_force_actions_task_force_id_id_index" on "task_force_actions" ("task_force_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "task_forces" cascade;`);

    this.addSql(`drop table if exists "task_force_actions" cascade;`);
  }

}
