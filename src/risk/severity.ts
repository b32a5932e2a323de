/**
 * Severity of a risk alert (风险预警等级), from LOW to CRITICAL. District offices sort and
 * escalate by it: a CRITICAL labour dispute is a candidate for a task force (工作专班).
 */

export type Severity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** The severities from least to most severe. */
export const SEVERITIES: readonly Severity[] = Object.freeze(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const);

/** 0 for LOW … 3 for CRITICAL, for sorting and comparing; -1 for anything else. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The more severe of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/**
 * The severity of a labour dispute (劳资纠纷) by the people it concerns and the tickets about it:
 * CRITICAL from 100 people or 10 tickets, HIGH from 30 people, MEDIUM from 10 people or
 * 3 tickets, else LOW. An unknown number of people counts as none.
 */
export function labourSeverity(input: { people?: number | null; tickets: number }): Severity {
  const people = Number.isFinite(input.people) ? (input.people as number) : 0;
  const tickets = Number.isFinite(input.tickets) ? input.tickets : 0;
  if (people >= 100 || tickets >= 10) return 'CRITICAL';
  if (people >= 30) return 'HIGH';
  if (people >= 10 || tickets >= 3) return 'MEDIUM';
  return 'LOW';
}

/**
 * The severity of a surge (激增) by how many times its baseline it is and how improbable:
 * CRITICAL from 5× at p ≤ 1e-6, HIGH from 3× at p ≤ 1e-4, MEDIUM from 2× at p ≤ 1e-3, else LOW.
 */
export function surgeSeverity(ratio: number, pValue: number): Severity {
  if (Number.isNaN(ratio) || Number.isNaN(pValue)) return 'LOW';
  if (ratio >= 5 && pValue <= 1e-6) return 'CRITICAL';
  if (ratio >= 3 && pValue <= 1e-4) return 'HIGH';
  if (ratio >= 2 && pValue <= 1e-3) return 'MEDIUM';
  return 'LOW';
}
