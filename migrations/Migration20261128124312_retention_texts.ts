import { Migration } from '@mikro-orm/migrations';

export class Migration20261128124312_retention_texts extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "tickets_awaiting_retention" on "tickets" ("closed_at") where "status" = 'CLOSED' and "pseudonymised_at" is null;`);
    // The audit log stays append-only, with one exception: the retention job (a transaction that
    // sets minsheng.retention) may rewrite an event's note and changes — nothing else — to take a
    // caller's personal data out of them.
    this.addSql(`create or replace function "ticket_events_append_only"() returns trigger language plpgsql as $$
      begin
        if TG_OP = 'UPDATE' and current_setting('minsheng.retention', true) = 'on'
           and (to_jsonb(NEW) - 'note' - 'changes') = (to_jsonb(OLD) - 'note' - 'changes') then
          return NEW;
        end if;
        raise exception 'ticket_events is append-only';
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "tickets_awaiting_retention";`);
    this.addSql(`create or replace function "ticket_events_append_only"() returns trigger language plpgsql as $$ begin raise exception 'ticket_events is append-only'; end $$;`);
  }

}
