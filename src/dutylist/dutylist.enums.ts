import { registerEnumType } from 'type-graphql';

/** DRAFT (editable) → PUBLISHED (in force from its effective time) → RETIRED. */
export enum DutyListStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  RETIRED = 'RETIRED',
}
registerEnumType(DutyListStatus, { name: 'DutyListStatus' });

/** How a ticket got its matter and department. */
export enum RoutingMethod {
  /** the router was confident: dispatched at intake */
  AUTO = 'AUTO',
  /** the operator chose (with or without the router's suggestions) */
  MANUAL = 'MANUAL',
  /** set by an arbitration decision */
  ARBITRATION = 'ARBITRATION',
}
registerEnumType(RoutingMethod, { name: 'RoutingMethod' });

export enum DutyListFormat {
  CSV = 'CSV',
  JSON = 'JSON',
}
registerEnumType(DutyListFormat, { name: 'DutyListFormat' });
