import { Migration } from '@mikro-orm/migrations';

export class Migration20261128071335_place_and_caller_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index "tickets_citizen_key_index";`);
    this.addSql(`drop index "tickets_matter_id_cell_created_at_index";`);

    this.addSql(`create index "tickets_citizen_key_district_id_created_at_index" on "tickets" ("citizen_key", "district_id", "created_at");`);
    this.addSql(`create index "tickets_matter_id_cell_district_id_created_at_index" on "tickets" ("matter_id", "cell", "district_id", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "tickets_citizen_key_district_id_created_at_index";`);
    this.addSql(`drop index "tickets_matter_id_cell_district_id_created_at_index";`);

    this.addSql(`create index "tickets_citizen_key_index" on "tickets" ("citizen_key");`);
    this.addSql(`create index "tickets_matter_id_cell_created_at_index" on "tickets" ("matter_id", "cell", "created_at");`);
  }

}
