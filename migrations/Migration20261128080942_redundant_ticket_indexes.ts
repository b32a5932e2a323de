import { Migration } from '@mikro-orm/migrations';

export class Migration20261128080942_redundant_ticket_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index "tickets_district_id_index";`);
    this.addSql(`drop index "tickets_matter_id_index";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "tickets_district_id_index" on "tickets" ("district_id");`);
    this.addSql(`create index "tickets_matter_id_index" on "tickets" ("matter_id");`);
  }

}
