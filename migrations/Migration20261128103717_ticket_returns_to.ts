import { Migration } from '@mikro-orm/migrations';

export class Migration20261128103717_ticket_returns_to extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "tickets" add column "returns_to_department_id" uuid null;`);
    this.addSql(`alter table "tickets" add constraint "tickets_returns_to_department_id_foreign" foreign key ("returns_to_department_id") references "departments" ("id") on update cascade on delete set null;`);
    // tickets re-opened before: they return to their lead, as the rule held until now
    this.addSql(`update "tickets" set "returns_to_department_id" = "lead_department_id" where "reopen_count" > 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "tickets" drop constraint "tickets_returns_to_department_id_foreign";`);

    this.addSql(`alter table "tickets" drop column "returns_to_department_id";`);
  }

}
