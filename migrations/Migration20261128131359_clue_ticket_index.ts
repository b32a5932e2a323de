import { Migration } from '@mikro-orm/migrations';

export class Migration20261128131359_clue_ticket_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "clues_ticket_id_index" on "clues" ("ticket_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "clues_ticket_id_index";`);
  }

}
