import { Migration } from '@mikro-orm/migrations';

export class Migration20261128103950_supervisions_per_deadline extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "supervisions" drop constraint "supervisions_pkey";`);

    this.addSql(`alter table "supervisions" add constraint "supervisions_pkey" primary key ("ticket_id", "level", "due_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "supervisions" drop constraint "supervisions_pkey";`);

    this.addSql(`alter table "supervisions" add constraint "supervisions_pkey" primary key ("ticket_id", "level");`);
  }

}
