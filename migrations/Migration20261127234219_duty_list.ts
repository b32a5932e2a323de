import { Migration } from '@mikro-orm/migrations';

export class Migration20261127234219_duty_list extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "duty_list_versions" ("id" uuid not null, "number" int not null, "status" text check ("status" in ('DRAFT', 'PUBLISHED', 'RETIRED')) not null default 'DRAFT', "effective_at" timestamptz null, "published_at" timestamptz null, "author" varchar(160) not null, "notes" text null, "created_at" timestamptz not null, "version" int not null default 1, constraint "duty_list_versions_pkey" primary key ("id"));`);
    this.addSql(`alter table "duty_list_versions" add constraint "duty_list_versions_number_unique" unique ("number");`);

    this.addSql(`create table "matters" ("id" uuid not null, "version_id" uuid not null, "code" varchar(64) not null, "parent_code" varchar(64) null, "name" varchar(128) not null, "description" text null, "keywords" text[] not null, "examples" text[] not null, "department_kind" text check ("department_kind" in ('ECOLOGY_ENVIRONMENT', 'URBAN_MANAGEMENT', 'HIGHWAY', 'HUMAN_RESOURCES', 'HOUSING', 'MARKET_REGULATION', 'TRANSPORT', 'EDUCATION', 'HEALTH', 'MEDICAL_INSURANCE', 'WATER', 'PUBLIC_SECURITY', 'EXIT_ENTRY', 'PORT_AVIATION_RAILWAY', 'CIVIL_AFFAIRS', 'PLANNING_NATURAL_RESOURCES', 'FORESTRY_GARDENS', 'EMERGENCY_MANAGEMENT', 'JUSTICE', 'STREET_OFFICE')) null, "level" text check ("level" in ('CITY', 'DISTRICT', 'STREET')) null, "co_handling_kinds" text[] not null, "resolve_days" int null, "active" boolean not null default true, "position" int not null default 0, constraint "matters_pkey" primary key ("id"));`);
    this.addSql(`alter table "matters" add constraint "matters_version_id_code_unique" unique ("version_id", "code");`);

    this.addSql(`create table "routing_models" ("id" uuid not null, "version_id" uuid not null, "trained_at" timestamptz not null, "list_examples" int not null, "history_examples" int not null, "model" jsonb not null, constraint "routing_models_pkey" primary key ("id"));`);
    this.addSql(`create index "routing_models_version_id_index" on "routing_models" ("version_id");`);

    this.addSql(`create table "matter_disputes" ("id" uuid not null, "ticket_id" uuid not null, "matter_code" varchar(64) null, "rejected_by_id" uuid not null, "decided_id" uuid not null, "reject_reason" text null, "decision" text not null, "decided_at" timestamptz not null, constraint "matter_disputes_pkey" primary key ("id"));`);
    this.addSql(`create index "matter_disputes_ticket_id_index" on "matter_disputes" ("ticket_id");`);
    this.addSql(`create index "matter_disputes_matter_code_index" on "matter_disputes" ("matter_code");`);

    this.addSql(`alter table "matters" add constraint "matters_version_id_foreign" foreign key ("version_id") references "duty_list_versions" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "routing_models" add constraint "routing_models_version_id_foreign" foreign key ("version_id") references "duty_list_versions" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "matter_disputes" add constraint "matter_disputes_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade;`);
    this.addSql(`alter table "matter_disputes" add constraint "matter_disputes_rejected_by_id_foreign" foreign key ("rejected_by_id") references "departments" ("id") on update cascade;`);
    this.addSql(`alter table "matter_disputes" add constraint "matter_disputes_decided_id_foreign" foreign key ("decided_id") references "departments" ("id") on update cascade;`);

    this.addSql(`alter table "tickets" add column "matter_id" uuid null, add column "duty_list_version_id" uuid null, add column "routing" jsonb null;`);
    this.addSql(`alter table "tickets" add constraint "tickets_matter_id_foreign" foreign key ("matter_id") references "matters" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "tickets" add constraint "tickets_duty_list_version_id_foreign" foreign key ("duty_list_version_id") references "duty_list_versions" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "tickets_matter_id_index" on "tickets" ("matter_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "matters" drop constraint "matters_version_id_foreign";`);

    this.addSql(`alter table "routing_models" drop constraint "routing_models_version_id_foreign";`);

    this.addSql(`alter table "tickets" drop constraint "tickets_duty_list_version_id_foreign";`);

    this.addSql(`alter table "tickets" drop constraint "tickets_matter_id_foreign";`);

    this.addSql(`drop table if exists "duty_list_versions" cascade;`);

    this.addSql(`drop table if exists "matters" cascade;`);

    this.addSql(`drop table if exists "routing_models" cascade;`);

    this.addSql(`drop table if exists "matter_disputes" cascade;`);

    this.addSql(`drop index "tickets_matter_id_index";`);
    this.addSql(`alter table "tickets" drop column "matter_id", drop column "duty_list_version_id", drop column "routing";`);
  }

}
