import { Migration } from '@mikro-orm/migrations';

export class Migration20261128125000_street_office_seats extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "departments" add column "lat" double precision null, add column "lng" double precision null, add column "boundary" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "departments" drop column "lat", drop column "lng", drop column "boundary";`);
  }

}
