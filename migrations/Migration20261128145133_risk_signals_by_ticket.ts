import { Migration } from '@mikro-orm/migrations';

export class Migration20261128145133_risk_signals_by_ticket extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "risk_signals_ticket_id_index" on "risk_signals" ("ticket_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "risk_signals_ticket_id_index";`);
  }

}
