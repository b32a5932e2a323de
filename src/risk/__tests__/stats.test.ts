/**
 * Surge statistics and week counting. Reference tail probabilities are the regularized lower
 * incomplete gamma P(k, λ) evaluated at 40 significant digits.
 */
import {
  distinctWeeks,
  ewma,
  isSurge,
  isoWeek,
  lnGamma,
  logPoissonUpperTail,
  poissonUpperTail,
  surgeScore,
} from '../stats';

/** P(X ≥ k) by summing the probabilities from k upwards (no subtraction, so no cancellation). */
function directUpperTail(k: number, lambda: number): number {
  let pmf = Math.exp(-lambda);
  for (let i = 1; i <= k; i++) pmf *= lambda / i;
  let sum = 0;
  for (let i = k; i < k + 1000; i++) {
    sum += pmf;
    pmf *= lambda / (i + 1);
    if (pmf < sum * 1e-18) break;
  }
  return sum;
}

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe('lnGamma', () => {
  test('matches factorials and Γ(½) = √π', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 170; n++) {
      logFactorial += Math.log(n);
      expect(Math.abs(lnGamma(n + 1) - logFactorial)).toBeLessThan(1e-13 * Math.max(1, logFactorial));
    }
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(2)).toBeCloseTo(0, 14);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lnGamma(0)).toBeNaN();
  });
});

describe('poissonUpperTail', () => {
  test('P(X ≥ 10 | λ = 2) ≈ 4.65e-5', () => {
    expect(relativeError(poissonUpperTail(10, 2), 4.6498075017263805e-5)).toBeLessThan(1e-12);
  });

  test.each<[number, number, number]>([
    [50, 10, 1.8547268838697993e-19],
    [5, 0.1, 7.66780168618931e-8],
    [1000, 900, 0.0005499022657117829],
    [100_000, 100_000, 0.5004205221103651],
    [101_000, 100_000, 0.000799801041554541],
    [100_000, 99_000, 0.0007574199211747679],
  ])('P(X ≥ %d | λ = %d) against its reference value', (k, lambda, reference) => {
    expect(relativeError(poissonUpperTail(k, lambda), reference)).toBeLessThan(1e-9);
  });

  test('agrees with a direct sum for small λ', () => {
    for (const lambda of [0.01, 0.1, 0.5, 1, 2, 3.7, 5, 10, 20, 50]) {
      for (let k = 1; k <= 120; k++) {
        const direct = directUpperTail(k, lambda);
        if (direct < 1e-290) continue;
        expect(relativeError(poissonUpperTail(k, lambda), direct)).toBeLessThan(1e-10);
      }
    }
  });

  test('agrees with a log-space direct sum for λ = 1e4', () => {
    const lambda = 10_000;
    const logLambda = Math.log(lambda);
    let logFactorial = 0;
    const logPmf: number[] = [];
    for (let i = 0; i <= 11_000; i++) {
      if (i > 0) logFactorial += Math.log(i);
      logPmf.push(i * logLambda - lambda - logFactorial);
    }
    for (const k of [9_000, 9_800, 10_000, 10_100, 10_300, 10_500]) {
      const top = logPmf[k];
      let sum = 0;
      for (let i = k; i <= 11_000; i++) sum += Math.exp(logPmf[i] - top);
      const direct = Math.exp(top) * sum;
      expect(relativeError(poissonUpperTail(k, lambda), direct)).toBeLessThan(1e-8);
    }
  });

  test('edge cases: k ≤ 0, λ = 0, non-integer k, NaN', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(-5, 3)).toBe(1);
    expect(poissonUpperTail(1, 0)).toBe(0);
    expect(poissonUpperTail(0, 0)).toBe(1);
    expect(poissonUpperTail(2.5, 2)).toBe(poissonUpperTail(3, 2));
    expect(poissonUpperTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 14);
    expect(poissonUpperTail(Number.NaN, 2)).toBeNaN();
    expect(poissonUpperTail(3, -1)).toBeNaN();
  });

  test('decreases in k and increases in λ', () => {
    for (const lambda of [0.3, 4, 77, 5000, 100_000]) {
      let previous = 1;
      const mid = Math.round(lambda);
      for (let k = Math.max(1, mid - 300); k <= mid + 300; k += 7) {
        const p = poissonUpperTail(k, lambda);
        expect(p).toBeLessThanOrEqual(previous);
        expect(p).toBeGreaterThanOrEqual(0);
        previous = p;
      }
    }
    expect(poissonUpperTail(20, 5)).toBeLessThan(poissonUpperTail(20, 6));
  });

  test('λ and k up to 1e5 give probabilities and the log stays finite where the tail underflows', () => {
    for (let k = 90_000; k <= 110_000; k += 1_000) {
      const p = poissonUpperTail(k, 100_000);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    expect(poissonUpperTail(100_000, 10)).toBe(0);
    expect(relativeError(logPoissonUpperTail(100_000, 10), -821050.7124997133)).toBeLessThan(1e-12);
    expect(logPoissonUpperTail(10, 2)).toBeCloseTo(-9.97609964370606, 10);
  });
});

describe('surgeScore and isSurge', () => {
  test('ratio, z and p-value', () => {
    const score = surgeScore({ observed: 10, expected: 2 });
    expect(score.ratio).toBe(5);
    expect(score.z).toBeCloseTo(8 / Math.sqrt(2), 12);
    expect(relativeError(score.pValue, 4.6498075017263805e-5)).toBeLessThan(1e-12);
    expect(score.expected).toBe(2);
  });

  test('expected counts are floored, so an area with no history can still surge', () => {
    const score = surgeScore({ observed: 6, expected: 0 });
    expect(score.expected).toBe(0.5);
    expect(score.ratio).toBe(12);
    expect(score.pValue).toBeGreaterThan(0);
    expect(score.pValue).toBeLessThan(1e-4);
    expect(surgeScore({ observed: 6, expected: 0, expectedFloor: 0 }).pValue).toBe(0);
    expect(surgeScore({ observed: 0, expected: 0, expectedFloor: 0 }).pValue).toBe(1);
  });

  test.each<[number, number, boolean]>([
    [10, 2, true],
    [20, 5, true],
    [4, 0.1, false], // too few tickets
    [30, 20, false], // only 1.5× the baseline
    [8, 4, false], // 2×, but p ≈ 0.05
    [12, 6, false], // 2×, but p ≈ 0.02
    [0, 0, false],
  ])('observed %d, expected %d → %s', (observed, expected, surge) => {
    expect(isSurge({ observed, expected })).toBe(surge);
  });

  test('thresholds can be changed', () => {
    expect(isSurge({ observed: 4, expected: 0.1, minObserved: 3 })).toBe(false); // floored to 0.5: p ≈ 0.0018
    expect(isSurge({ observed: 4, expected: 0.1, minObserved: 3, expectedFloor: 0.1 })).toBe(true);
    expect(isSurge({ observed: 12, expected: 6, pValue: 0.05 })).toBe(true);
    expect(isSurge({ observed: 10, expected: 2, minRatio: 6 })).toBe(false);
  });
});

describe('ewma', () => {
  test('starts at the first value, then weighs new values by α', () => {
    expect(ewma(undefined, 10, 0.3)).toBe(10);
    expect(ewma(null, 10, 0.3)).toBe(10);
    expect(ewma(10, 20, 0.3)).toBeCloseTo(13, 12);
    expect(ewma(10, 20, 1)).toBe(20);
    let baseline: number | undefined;
    for (let i = 0; i < 200; i++) baseline = ewma(baseline, 7, 0.2);
    expect(baseline).toBeCloseTo(7, 12);
  });

  test('α outside (0, 1] is an error', () => {
    expect(() => ewma(1, 2, 0)).toThrow(RangeError);
    expect(() => ewma(1, 2, 1.5)).toThrow(RangeError);
    expect(() => ewma(1, 2, Number.NaN)).toThrow(RangeError);
  });
});

describe('isoWeek and distinctWeeks', () => {
  /** Noon, China Standard Time, of a calendar date. */
  const cst = (day: string) => new Date(`${day}T12:00:00+08:00`);

  test.each<[string, string]>([
    ['2026-01-01', '2026-W01'], // Thursday
    ['2025-12-29', '2026-W01'], // Monday before it
    ['2025-12-28', '2025-W52'], // Sunday
    ['2024-12-30', '2025-W01'],
    ['2026-12-31', '2026-W53'], // 2026 starts on a Thursday: 53 weeks
    ['2027-01-01', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2020-12-31', '2020-W53'],
    ['2021-01-03', '2020-W53'],
    ['2022-01-02', '2021-W52'],
    ['2023-01-01', '2022-W52'],
    ['2024-02-29', '2024-W09'],
  ])('%s is in %s', (day, key) => {
    expect(isoWeek(cst(day))?.key).toBe(key);
  });

  test('weeks turn at Monday 00:00 in Shanghai, not in UTC', () => {
    const sundayNight = new Date('2025-12-28T15:59:59Z'); // Sun 23:59:59 CST
    const mondayMorning = new Date('2025-12-28T16:00:00Z'); // Mon 00:00 CST, still Sunday in UTC
    expect(isoWeek(sundayNight)?.key).toBe('2025-W52');
    expect(isoWeek(mondayMorning)?.key).toBe('2026-W01');
    expect(isoWeek(mondayMorning, 'UTC')?.key).toBe('2025-W52');
    expect(distinctWeeks([sundayNight, mondayMorning])).toBe(2);
    expect(distinctWeeks([sundayNight, mondayMorning], 'UTC')).toBe(1);
  });

  test('agrees with the ordinal-date rule for every day of 2015-2035', () => {
    const weeksIn = (y: number) => {
      const p = (yy: number) => (yy + Math.floor(yy / 4) - Math.floor(yy / 100) + Math.floor(yy / 400)) % 7;
      return p(y) === 4 || p(y - 1) === 3 ? 53 : 52;
    };
    for (let t = Date.UTC(2015, 0, 1); t <= Date.UTC(2035, 11, 31); t += 86_400_000) {
      const d = new Date(t);
      const year = d.getUTCFullYear();
      const ordinal = Math.round((t - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
      const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
      let week = Math.floor((ordinal - weekday + 10) / 7);
      let weekYear = year;
      if (week < 1) {
        weekYear = year - 1;
        week = weeksIn(weekYear);
      } else if (week > weeksIn(year)) {
        weekYear = year + 1;
        week = 1;
      }
      const got = isoWeek(new Date(t - 8 * 3_600_000 + 1)); // 00:00:00.001 CST of that day
      expect(got).toEqual({ year: weekYear, week, key: `${weekYear}-W${String(week).padStart(2, '0')}` });
    }
  });

  test('counts distinct weeks across a year end, ignoring invalid dates', () => {
    const days = ['2025-12-29', '2025-12-31', '2026-01-02', '2026-01-04'].map(cst);
    expect(distinctWeeks(days)).toBe(1);
    expect(distinctWeeks([...days, cst('2026-01-05')])).toBe(2);
    const aroundNewYear2027 = ['2026-12-31', '2027-01-03', '2027-01-04', '2025-12-31'].map(cst);
    expect(distinctWeeks(aroundNewYear2027)).toBe(3); // 2026-W53, 2027-W01, 2026-W01
    expect(distinctWeeks([cst('2023-01-01'), cst('2024-01-01'), cst('2025-01-01')])).toBe(3);
    expect(distinctWeeks([new Date(Number.NaN), cst('2026-03-02')])).toBe(1);
    expect(distinctWeeks([])).toBe(0);
  });
});
