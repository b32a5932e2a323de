/** Alert severities: labour disputes by people and tickets, surges by ratio and p-value. */
import { SEVERITIES, labourSeverity, maxSeverity, severityRank, surgeSeverity } from '../severity';
import type { Severity } from '../severity';

describe('labourSeverity', () => {
  test.each<[number | null, number, Severity]>([
    [null, 1, 'LOW'],
    [1, 1, 'LOW'],
    [9, 2, 'LOW'],
    [10, 1, 'MEDIUM'],
    [null, 3, 'MEDIUM'],
    [29, 9, 'MEDIUM'],
    [30, 1, 'HIGH'],
    [72, 1, 'HIGH'], // the Dongguan relocation dispute
    [99, 9, 'HIGH'],
    [100, 1, 'CRITICAL'],
    [null, 10, 'CRITICAL'],
    [5, 12, 'CRITICAL'],
    [1200, 40, 'CRITICAL'],
  ])('%p people, %d tickets → %s', (people, tickets, severity) => {
    expect(labourSeverity({ people, tickets })).toBe(severity);
  });

  test('unknown or invalid numbers count as none', () => {
    expect(labourSeverity({ tickets: 0 })).toBe('LOW');
    expect(labourSeverity({ people: Number.NaN, tickets: Number.NaN })).toBe('LOW');
    expect(labourSeverity({ people: undefined, tickets: 3 })).toBe('MEDIUM');
  });
});

describe('surgeSeverity', () => {
  test.each<[number, number, Severity]>([
    [1.5, 1e-9, 'LOW'],
    [2, 1e-2, 'LOW'],
    [2, 1e-3, 'MEDIUM'],
    [2.9, 1e-8, 'MEDIUM'],
    [3, 1e-4, 'HIGH'],
    [4.9, 1e-12, 'HIGH'],
    [5, 1e-5, 'HIGH'],
    [5, 1e-6, 'CRITICAL'],
    [Number.POSITIVE_INFINITY, 0, 'CRITICAL'],
    [Number.NaN, 0, 'LOW'],
  ])('ratio %d, p %d → %s', (ratio, pValue, severity) => {
    expect(surgeSeverity(ratio, pValue)).toBe(severity);
  });
});

describe('severityRank and maxSeverity', () => {
  test('LOW < MEDIUM < HIGH < CRITICAL', () => {
    expect(SEVERITIES.map(severityRank)).toEqual([0, 1, 2, 3]);
    expect([...SEVERITIES].reverse().sort((a, b) => severityRank(a) - severityRank(b))).toEqual(SEVERITIES);
    expect(severityRank('URGENT' as Severity)).toBe(-1);
  });

  test('the more severe of two', () => {
    expect(maxSeverity('LOW', 'HIGH')).toBe('HIGH');
    expect(maxSeverity('CRITICAL', 'MEDIUM')).toBe('CRITICAL');
    expect(maxSeverity('MEDIUM', 'MEDIUM')).toBe('MEDIUM');
  });
});
