import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127230604_initial } from './Migration20261127230604_initial';
import { Migration20261127234219_duty_list } from './Migration20261127234219_duty_list';
import { Migration20261128012316_outbox } from './Migration20261128012316_outbox';
import { Migration20261128012921_heatmap } from './Migration20261128012921_heatmap';
import { Migration20261128025031_intake_keys } from './Migration20261128025031_intake_keys';
import { Migration20261128031249_pseudonyms } from './Migration20261128031249_pseudonyms';
import { Migration20261128031721_api_keys } from './Migration20261128031721_api_keys';
import { Migration20261128035808_personal_data } from './Migration20261128035808_personal_data';
import { Migration20261128040611_risk_alerts } from './Migration20261128040611_risk_alerts';
import { Migration20261128041037_task_forces } from './Migration20261128041037_task_forces';
import { Migration20261128041400_clues } from './Migration20261128041400_clues';
import { Migration20261128041711_duplicates } from './Migration20261128041711_duplicates';
import { Migration20261128071335_place_and_caller_indexes } from './Migration20261128071335_place_and_caller_indexes';
import { Migration20261128080942_redundant_ticket_indexes } from './Migration20261128080942_redundant_ticket_indexes';
import { Migration20261128081500_outbox_position_index } from './Migration20261128081500_outbox_position_index';
import { Migration20261128103717_ticket_returns_to } from './Migration20261128103717_ticket_returns_to';
import { Migration20261128103950_supervisions_per_deadline } from './Migration20261128103950_supervisions_per_deadline';
import { Migration20261128123334_clue_actions } from './Migration20261128123334_clue_actions';
import { Migration20261128124312_retention_texts } from './Migration20261128124312_retention_texts';
import { Migration20261128125000_street_office_seats } from './Migration20261128125000_street_office_seats';
import { Migration20261128130000_personal_data_accesses_append_only } from './Migration20261128130000_personal_data_accesses_append_only';
import { Migration20261128131359_clue_ticket_index } from './Migration20261128131359_clue_ticket_index';
import { Migration20261128145133_risk_signals_by_ticket } from './Migration20261128145133_risk_signals_by_ticket';
import { Migration20261128151913_actors_as_text } from './Migration20261128151913_actors_as_text';
import { Migration20261128180000_retention_duplicates } from './Migration20261128180000_retention_duplicates';

/**
 * Every migration, in order. `minsheng migration:create` writes a new file here and adds it
 * to this list; the list (not a folder scan) is what runs, in source and compiled form alike.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261127230604_initial', class: Migration20261127230604_initial },
  { name: 'Migration20261127234219_duty_list', class: Migration20261127234219_duty_list },
  { name: 'Migration20261128012316_outbox', class: Migration20261128012316_outbox },
  { name: 'Migration20261128012921_heatmap', class: Migration20261128012921_heatmap },
  { name: 'Migration20261128025031_intake_keys', class: Migration20261128025031_intake_keys },
  { name: 'Migration20261128031249_pseudonyms', class: Migration20261128031249_pseudonyms },
  { name: 'Migration20261128031721_api_keys', class: Migration20261128031721_api_keys },
  { name: 'Migration20261128035808_personal_data', class: Migration20261128035808_personal_data },
  { name: 'Migration20261128040611_risk_alerts', class: Migration20261128040611_risk_alerts },
  { name: 'Migration20261128041037_task_forces', class: Migration20261128041037_task_forces },
  { name: 'Migration20261128041400_clues', class: Migration20261128041400_clues },
  { name: 'Migration20261128041711_duplicates', class: Migration20261128041711_duplicates },
  { name: 'Migration20261128071335_place_and_caller_indexes', class: Migration20261128071335_place_and_caller_indexes },
  { name: 'Migration20261128080942_redundant_ticket_indexes', class: Migration20261128080942_redundant_ticket_indexes },
  { name: 'Migration20261128081500_outbox_position_index', class: Migration20261128081500_outbox_position_index },
  { name: 'Migration20261128103717_ticket_returns_to', class: Migration20261128103717_ticket_returns_to },
  { name: 'Migration20261128103950_supervisions_per_deadline', class: Migration20261128103950_supervisions_per_deadline },
  { name: 'Migration20261128123334_clue_actions', class: Migration20261128123334_clue_actions },
  { name: 'Migration20261128124312_retention_texts', class: Migration20261128124312_retention_texts },
  { name: 'Migration20261128125000_street_office_seats', class: Migration20261128125000_street_office_seats },
  { name: 'Migration20261128130000_personal_data_accesses_append_only', class: Migration20261128130000_personal_data_accesses_append_only },
  { name: 'Migration20261128131359_clue_ticket_index', class: Migration20261128131359_clue_ticket_index },
  { name: 'Migration20261128145133_risk_signals_by_ticket', class: Migration20261128145133_risk_signals_by_ticket },
  { name: 'Migration20261128151913_actors_as_text', class: Migration20261128151913_actors_as_text },
  { name: 'Migration20261128180000_retention_duplicates', class: Migration20261128180000_retention_duplicates },
];
