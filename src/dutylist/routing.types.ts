import type { RoutingMethod } from './dutylist.enums';

/** One ranked suggestion of the router, as recorded on a ticket and shown to operators. */
export interface CandidateRecord {
  matterCode: string;
  matterName: string;
  departmentCode: string | null;
  departmentName: string | null;
  confidence: number;
  keywords: string[];
  features: { feature: string; weight: number }[];
  /** where the place decided the department (street offices): how, or why it could not */
  jurisdictionNote?: string;
}

/** Why a ticket went where it went: stored with the ticket at intake. */
export interface RoutingRecord {
  /** null while the ticket waits for an operator */
  method: RoutingMethod | null;
  versionNumber: number | null;
  threshold: number;
  candidates: CandidateRecord[];
  at: string;
}
