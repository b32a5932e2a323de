import { Migration } from '@mikro-orm/migrations';

export class Migration20261128040611_risk_alerts extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "risk_alerts" ("id" uuid not null, "kind" text check ("kind" in ('LABOUR_DISPUTE', 'SURGE', 'RECURRING', 'OVERDUE', 'REPEAT_CALLER', 'DISSATISFIED')) not null, "severity" text check ("severity" in ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')) not null, "status" text check ("status" in ('OPEN', 'ACKNOWLEDGED', 'TASK_FORCE', 'RESOLVED', 'DISMISSED')) not null, "district_id" uuid not null, "dedupe_key" varchar(200) not null, "title" text not null, "figures" jsonb not null, "evidence_ticket_ids" uuid[] not null, "ticket_count" int not null, "people_affected" int null, "task_force_id" uuid null, "first_seen_at" timestamptz not null, "last_seen_at" timestamptz not null, "version" int not null, "updated_at" timestamptz not null, constraint "risk_alerts_pkey" primary key ("id"));`);
    this.addSql(`create unique index "risk_alerts_active_key" on "risk_alerts" ("dedupe_key") where "status" in ('OPEN', 'ACKNOWLEDGED', 'TASK_FORCE');`);
    this.addSql(`create index "risk_alerts_last_seen_at_index" on "risk_alerts" ("last_seen_at");`);
    this.addSql(`create index "risk_alerts_district_id_last_seen_at_index" on "risk_alerts" ("district_id", "last_seen_at");`);

    this.addSql(`create table "risk_alert_actions" ("id" bigserial primary key, "alert_id" uuid not null, "type" varchar(32) not null, "actor" varchar(160) not null, "note" text null, "status" text check ("status" in ('OPEN', 'ACKNOWLEDGED', 'TASK_FORCE', 'RESOLVED', 'DISMISSED')) not null, "severity" text check ("severity" in ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')) not null, "at" timestamptz not null);`);
    this.addSql(`create index "risk_alert_actions_alert_id_id_index" on "risk_alert_actions" ("alert_id", "id");`);

    this.addSql(`create table "risk_signals" ("id" bigserial primary key, "kind" varchar(32) not null, "key" varchar(200) not null, "ticket_id" uuid not null, "district_id" uuid not null, "people" int null, "facts" jsonb not null, "at" timestamptz not null);`);
    this.addSql(`create index "risk_signals_key_at_index" on "risk_signals" ("key", "at");`);

    this.addSql(`create table "supervisions" ("ticket_id" uuid not null, "level" varchar(16) not null, "due_at" timestamptz not null, "at" timestamptz not null, constraint "supervisions_pkey" primary key ("ticket_id", "level"));`);

    this.addSql(`create index "tickets_matter_id_cell_created_at_index" on "tickets" ("matter_id", "cell", "created_at");`);
    this.addSql(`create index "tickets_district_id_matter_id_created_at_index" on "tickets" ("district_id", "matter_id", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "risk_alerts" cascade;`);

    this.addSql(`drop table if exists "risk_alert_actions" cascade;`);

    this.addSql(`drop table if exists "risk_signals" cascade;`);

    this.addSql(`drop table if exists "supervisions" cascade;`);

    this.addSql(`drop index "tickets_matter_id_cell_created_at_index";`);
    this.addSql(`drop index "tickets_district_id_matter_id_created_at_index";`);
  }

}
