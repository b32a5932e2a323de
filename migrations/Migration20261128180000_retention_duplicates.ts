import { Migration } from '@mikro-orm/migrations';

export class Migration20261128180000_retention_duplicates extends Migration {

  override async up(): Promise<void> {
    // As before, and one more exception: when the retention job pseudonymises a ticket, its merged
    // duplicates that are not yet due hold a copy of its reply (their PARENT_RESOLVED event): the
    // job may rewrite that reply's text — only the reply, not the note — in the same transaction,
    // to take the parent's caller out of it while it still knows who that is.
    this.addSql(`create or replace function "ticket_events_append_only"() returns trigger language plpgsql as $$
      begin
        if TG_OP = 'UPDATE' and current_setting('minsheng.retention', true) = 'on'
           and (to_jsonb(NEW) - 'note' - 'changes') = (to_jsonb(OLD) - 'note' - 'changes')
           and (NEW.changes - 'reply') = (OLD.changes - 'reply')
           and (NEW.changes ? 'reply') = (OLD.changes ? 'reply')
           and (NEW.note is null) = (OLD.note is null)
           and (exists (select 1 from tickets where id = OLD.ticket_id and pseudonymised_at is not null
                          and xmin::text::bigint = txid_current() % 4294967296)
                or (NEW.note is not distinct from OLD.note
                    and exists (select 1 from tickets c join tickets p on p.id = c.parent_id
                                 where c.id = OLD.ticket_id and p.pseudonymised_at is not null
                                   and p.xmin::text::bigint = txid_current() % 4294967296))) then
          return NEW;
        end if;
        raise exception 'ticket_events is append-only';
      end $$;`);
  }

  override async down(): Promise<void> {
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
  }

}
