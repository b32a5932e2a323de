import { Migration } from '@mikro-orm/migrations';

export class Migration20261128124312_retention_texts extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "tickets_awaiting_retention" on "tickets" ("closed_at") where "status" = 'CLOSED' and "pseudonymised_at" is null;`);
    // The audit log stays append-only, with one exception: the retention job (a transaction that
    // sets minsheng.retention) may rewrite the text of an event's note and of the reply in its
    // changes — not add or remove either, nothing else — of a ticket it pseudonymises in that same
    // transaction, to take a caller's personal data out of them. (A guard against the
    // application's own mistakes: whoever owns the database can drop a trigger.) Emptying the
    // table at once is refused too.
    this.addSql(`create or replace function "ticket_events_append_only"() returns trigger language plpgsql as $$
      begin
        if TG_OP = 'UPDATE' and current_setting('minsheng.retention', true) = 'on'
           and (to_jsonb(NEW) - 'note' - 'changes') = (to_jsonb(OLD) - 'note' - 'changes')
           and (NEW.changes - 'reply') = (OLD.changes - 'reply')
           and (NEW.changes ? 'reply') = (OLD.changes ? 'reply')
           and (NEW.note is null) = (OLD.note is null)
           and exists (select 1 from tickets where id = OLD.ticket_id and pseudonymised_at is not null
                         and xmin::text::bigint = txid_current() % 4294967296) then
          return NEW;
        end if;
        raise exception 'ticket_events is append-only';
      end $$;`);
    this.addSql(`create function "refuse_truncate"() returns trigger language plpgsql as $$ begin raise exception '% is append-only', TG_TABLE_NAME; end $$;`);
    this.addSql(`create trigger "ticket_events_no_truncate" before truncate on "ticket_events" for each statement execute function "refuse_truncate"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "tickets_awaiting_retention";`);
    this.addSql(`drop trigger if exists "ticket_events_no_truncate" on "ticket_events";`);
    this.addSql(`drop function if exists "refuse_truncate"();`);
    this.addSql(`create or replace function "ticket_events_append_only"() returns trigger language plpgsql as $$ begin raise exception 'ticket_events is append-only'; end $$;`);
  }

}
