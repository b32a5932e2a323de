import { Migration } from '@mikro-orm/migrations';

export class Migration20261128012316_outbox extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "outbox_events" ("id" bigserial primary key, "position" bigint null, "topic" varchar(16) not null, "type" varchar(48) not null, "aggregate_id" uuid not null, "district_id" uuid null, "department_ids" uuid[] not null, "matter_id" uuid null, "payload" jsonb not null, "occurred_at" timestamptz not null);`);
    this.addSql(`alter table "outbox_events" add constraint "outbox_events_position_unique" unique ("position");`);
    this.addSql(`create index "outbox_events_occurred_at_index" on "outbox_events" ("occurred_at");`);
    this.addSql(`create index "outbox_events_unpositioned" on "outbox_events" ("id") where "position" is null;`);

    this.addSql(`create table "outbox_relay" ("id" smallint not null, "published" bigint not null, constraint "outbox_relay_pkey" primary key ("id"));`);
    // a transaction that wrote events wakes the relay when it commits (one NOTIFY per transaction)
    this.addSql(`create function "outbox_events_notify"() returns trigger language plpgsql as $$
      begin perform pg_notify('minsheng_outbox', ''); return null; end $$;`);
    this.addSql(`create trigger "outbox_events_notify" after insert on "outbox_events" for each statement execute function "outbox_events_notify"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "outbox_events" cascade;`);

    this.addSql(`drop table if exists "outbox_relay" cascade;`);
    this.addSql(`drop function if exists "outbox_events_notify"();`);
  }

}
