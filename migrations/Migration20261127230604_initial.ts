import { Migration } from '@mikro-orm/migrations';

export class Migration20261127230604_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "districts" ("id" uuid not null, "code" varchar(12) not null, "name" varchar(64) not null, "city_code" varchar(12) not null, "city_name" varchar(64) not null, "centroid_lat" double precision not null, "centroid_lng" double precision not null, "boundary" jsonb null, constraint "districts_pkey" primary key ("id"));`);
    this.addSql(`alter table "districts" add constraint "districts_code_unique" unique ("code");`);

    this.addSql(`create table "departments" ("id" uuid not null, "code" varchar(32) not null, "name" varchar(128) not null, "kind" text check ("kind" in ('ECOLOGY_ENVIRONMENT', 'URBAN_MANAGEMENT', 'HIGHWAY', 'HUMAN_RESOURCES', 'HOUSING', 'MARKET_REGULATION', 'TRANSPORT', 'EDUCATION', 'HEALTH', 'MEDICAL_INSURANCE', 'WATER', 'PUBLIC_SECURITY', 'EXIT_ENTRY', 'PORT_AVIATION_RAILWAY', 'CIVIL_AFFAIRS', 'PLANNING_NATURAL_RESOURCES', 'FORESTRY_GARDENS', 'EMERGENCY_MANAGEMENT', 'JUSTICE', 'STREET_OFFICE')) not null, "level" text check ("level" in ('CITY', 'DISTRICT', 'STREET')) not null, "district_id" uuid null, constraint "departments_pkey" primary key ("id"));`);
    this.addSql(`alter table "departments" add constraint "departments_code_unique" unique ("code");`);
    this.addSql(`create index "departments_district_id_index" on "departments" ("district_id");`);

    this.addSql(`create table "tickets" ("id" uuid not null, "number" varchar(32) not null, "channel" text check ("channel" in ('PHONE', 'WEB', 'WECHAT', 'QR_CODE', 'APP', 'EMAIL', 'ONLINE_CLUE', 'OPEN311')) not null, "category" text check ("category" in ('CONSULTATION', 'HELP_REQUEST', 'COMPLAINT', 'REPORT', 'SUGGESTION')) not null, "title" varchar(200) not null, "content" text not null, "citizen_name" varchar(64) null, "citizen_phone" varchar(20) null, "citizen_address" varchar(256) null, "lat" double precision null, "lng" double precision null, "district_id" uuid not null, "urgency" text check ("urgency" in ('NORMAL', 'URGENT')) not null default 'NORMAL', "access_needs" text[] not null, "status" text check ("status" in ('RECEIVED', 'DISPATCHED', 'ACCEPTED', 'IN_PROGRESS', 'ARBITRATION', 'RESOLVED', 'REOPENED', 'CLOSED', 'MERGED')) not null default 'RECEIVED', "lead_department_id" uuid null, "first_department_id" uuid null, "co_department_ids" uuid[] not null, "rejected_department_ids" uuid[] not null, "reject_count" int not null default 0, "reroute_count" int not null default 0, "binding_department_id" uuid null, "parent_id" uuid null, "dispatched_at" timestamptz null, "accept_deadline" timestamptz null, "resolve_deadline" timestamptz null, "return_visit_deadline" timestamptz null, "due_at" timestamptz null, "accepted_at" timestamptz null, "resolved_at" timestamptz null, "closed_at" timestamptz null, "reply" text null, "satisfaction" text check ("satisfaction" in ('SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED')) null, "resolution" text check ("resolution" in ('RESOLVED', 'PARTLY_RESOLVED', 'NOT_RESOLVED')) null, "reopen_count" int not null default 0, "extension_pending" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, constraint "tickets_pkey" primary key ("id"));`);
    this.addSql(`alter table "tickets" add constraint "tickets_number_unique" unique ("number");`);
    this.addSql(`create index "tickets_district_id_index" on "tickets" ("district_id");`);
    this.addSql(`create index "tickets_lead_department_id_index" on "tickets" ("lead_department_id");`);
    this.addSql(`create index "tickets_parent_id_index" on "tickets" ("parent_id");`);
    this.addSql(`create index "tickets_created_at_id_index" on "tickets" ("created_at", "id");`);
    this.addSql(`create index "tickets_status_due_at_index" on "tickets" ("status", "due_at");`);

    this.addSql(`create table "return_visits" ("id" uuid not null, "ticket_id" uuid not null, "satisfaction" text check ("satisfaction" in ('SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED')) not null, "resolution" text check ("resolution" in ('RESOLVED', 'PARTLY_RESOLVED', 'NOT_RESOLVED')) not null, "note" text null, "visited_by" varchar(160) not null, "visited_at" timestamptz not null, constraint "return_visits_pkey" primary key ("id"));`);
    this.addSql(`create index "return_visits_ticket_id_index" on "return_visits" ("ticket_id");`);

    this.addSql(`create table "extension_requests" ("id" uuid not null, "ticket_id" uuid not null, "department_id" uuid not null, "days" int not null, "reason" text not null, "status" text check ("status" in ('PENDING', 'APPROVED', 'DENIED', 'LAPSED')) not null default 'PENDING', "requested_by" varchar(160) not null, "requested_at" timestamptz not null, "decided_by" varchar(160) null, "decision_note" text null, "decided_at" timestamptz null, constraint "extension_requests_pkey" primary key ("id"));`);
    this.addSql(`create index "extension_requests_ticket_id_index" on "extension_requests" ("ticket_id");`);

    this.addSql(`create table "ticket_events" ("id" bigserial primary key, "ticket_id" uuid not null, "seq" int not null, "type" text check ("type" in ('CREATED', 'DISPATCHED', 'REDISPATCHED', 'ACCEPTED', 'STARTED', 'REJECTED', 'REJECT_DISPUTED', 'ARBITRATED', 'CO_DEPARTMENTS_ADDED', 'EXTENSION_REQUESTED', 'EXTENSION_DECIDED', 'RESOLVED', 'RESOLVED_ON_CALL', 'PARENT_RESOLVED', 'RETURN_VISITED', 'CLOSED', 'MERGED')) not null, "from_status" text check ("from_status" in ('RECEIVED', 'DISPATCHED', 'ACCEPTED', 'IN_PROGRESS', 'ARBITRATION', 'RESOLVED', 'REOPENED', 'CLOSED', 'MERGED')) null, "to_status" text check ("to_status" in ('RECEIVED', 'DISPATCHED', 'ACCEPTED', 'IN_PROGRESS', 'ARBITRATION', 'RESOLVED', 'REOPENED', 'CLOSED', 'MERGED')) not null, "actor" varchar(160) not null, "note" text null, "changes" jsonb not null, "occurred_at" timestamptz not null);`);
    this.addSql(`create index "ticket_events_occurred_at_index" on "ticket_events" ("occurred_at");`);
    this.addSql(`alter table "ticket_events" add constraint "ticket_events_ticket_id_seq_unique" unique ("ticket_id", "seq");`);

    this.addSql(`alter table "departments" add constraint "departments_district_id_foreign" foreign key ("district_id") references "districts" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "tickets" add constraint "tickets_district_id_foreign" foreign key ("district_id") references "districts" ("id") on update cascade;`);
    this.addSql(`alter table "tickets" add constraint "tickets_lead_department_id_foreign" foreign key ("lead_department_id") references "departments" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "tickets" add constraint "tickets_first_department_id_foreign" foreign key ("first_department_id") references "departments" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "tickets" add constraint "tickets_binding_department_id_foreign" foreign key ("binding_department_id") references "departments" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "tickets" add constraint "tickets_parent_id_foreign" foreign key ("parent_id") references "tickets" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "return_visits" add constraint "return_visits_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade;`);

    this.addSql(`alter table "extension_requests" add constraint "extension_requests_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade;`);
    this.addSql(`alter table "extension_requests" add constraint "extension_requests_department_id_foreign" foreign key ("department_id") references "departments" ("id") on update cascade;`);

    this.addSql(`alter table "ticket_events" add constraint "ticket_events_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade;`);

    // Ticket numbers (GZ-20260131-000123) draw from a sequence: no lock on the intake path.
    this.addSql(`create sequence "ticket_number_seq";`);
    // The audit log is append-only, enforced by the database itself.
    this.addSql(`create function "ticket_events_append_only"() returns trigger language plpgsql as $$ begin raise exception 'ticket_events is append-only'; end $$;`);
    this.addSql(`create trigger "ticket_events_append_only" before update or delete on "ticket_events" for each row execute function "ticket_events_append_only"();`);
  }

}
