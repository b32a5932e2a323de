import { Migration } from '@mikro-orm/migrations';

/**
 * The outbox's unique index on `position` held every not-yet-positioned row too (NULL), and
 * each row's unpositioned version stays in it until vacuum after the relay sets its position.
 * The relay's search for unpositioned events then took a bitmap scan of that index, visiting
 * every such dead version (11 ms per pass after a few thousand intakes). Positioned rows only in
 * the unique index leave the partial index on unpositioned ids as the one way in (an ordered index
 * scan that stops at the batch size); and the table, a queue that rewrites each row once, is
 * vacuumed after 2 % of its rows changed rather than 20 %.
 */
export class Migration20261128081500_outbox_position_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "outbox_events" drop constraint "outbox_events_position_unique";`);
    this.addSql(`create unique index "outbox_events_position_unique" on "outbox_events" ("position") where "position" is not null;`);
    this.addSql(`alter table "outbox_events" set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "outbox_events" reset (autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor);`);
    this.addSql(`drop index "outbox_events_position_unique";`);
    this.addSql(`alter table "outbox_events" add constraint "outbox_events_position_unique" unique ("position");`);
  }
}
