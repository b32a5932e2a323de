import { Migration } from '@mikro-orm/migrations';

export class Migration20261128151913_actors_as_text extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "clues" alter column "submitted_by" type text using ("submitted_by"::text);`);
    this.addSql(`alter table "clues" alter column "verified_by" type text using ("verified_by"::text);`);

    this.addSql(`alter table "clue_actions" alter column "actor" type text using ("actor"::text);`);

    this.addSql(`alter table "duty_list_versions" alter column "author" type text using ("author"::text);`);

    this.addSql(`alter table "intake_keys" alter column "actor" type text using ("actor"::text);`);

    this.addSql(`alter table "risk_alert_actions" alter column "actor" type text using ("actor"::text);`);

    this.addSql(`alter table "task_forces" alter column "formed_by" type text using ("formed_by"::text);`);

    this.addSql(`alter table "task_force_actions" alter column "actor" type text using ("actor"::text);`);

    this.addSql(`alter table "return_visits" alter column "visited_by" type text using ("visited_by"::text);`);

    this.addSql(`alter table "personal_data_accesses" alter column "actor" type text using ("actor"::text);`);
    this.addSql(`alter table "personal_data_accesses" alter column "subject" type text using ("subject"::text);`);

    this.addSql(`alter table "extension_requests" alter column "requested_by" type text using ("requested_by"::text);`);
    this.addSql(`alter table "extension_requests" alter column "decided_by" type text using ("decided_by"::text);`);

    this.addSql(`alter table "ticket_events" alter column "actor" type text using ("actor"::text);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "clue_actions" alter column "actor" type varchar(160) using ("actor"::varchar(160));`);

    this.addSql(`alter table "clues" alter column "submitted_by" type varchar(160) using ("submitted_by"::varchar(160));`);
    this.addSql(`alter table "clues" alter column "verified_by" type varchar(160) using ("verified_by"::varchar(160));`);

    this.addSql(`alter table "duty_list_versions" alter column "author" type varchar(160) using ("author"::varchar(160));`);

    this.addSql(`alter table "extension_requests" alter column "requested_by" type varchar(160) using ("requested_by"::varchar(160));`);
    this.addSql(`alter table "extension_requests" alter column "decided_by" type varchar(160) using ("decided_by"::varchar(160));`);

    this.addSql(`alter table "intake_keys" alter column "actor" type varchar(160) using ("actor"::varchar(160));`);

    this.addSql(`alter table "personal_data_accesses" alter column "actor" type varchar(160) using ("actor"::varchar(160));`);
    this.addSql(`alter table "personal_data_accesses" alter column "subject" type varchar(160) using ("subject"::varchar(160));`);

    this.addSql(`alter table "return_visits" alter column "visited_by" type varchar(160) using ("visited_by"::varchar(160));`);

    this.addSql(`alter table "risk_alert_actions" alter column "actor" type varchar(160) using ("actor"::varchar(160));`);

    this.addSql(`alter table "task_force_actions" alter column "actor" type varchar(160) using ("actor"::varchar(160));`);

    this.addSql(`alter table "task_forces" alter column "formed_by" type varchar(160) using ("formed_by"::varchar(160));`);

    this.addSql(`alter table "ticket_events" alter column "actor" type varchar(160) using ("actor"::varchar(160));`);
  }

}
