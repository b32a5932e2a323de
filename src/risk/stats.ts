/**
 * Statistics behind surge (激增) and recurring-problem (反复投诉) alerts.
 *
 * A surge is a count of tickets about one matter in one area that its baseline cannot explain:
 * the count is compared with a Poisson law whose mean is the expected count (an EWMA of past
 * periods). A recurring problem is one reported in many distinct weeks; weeks are ISO weeks in
 * China Standard Time (UTC+8, no daylight saving).
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EPSILON = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 1_000_000;

/** ln Γ(x) for x > 0, by Stirling's series after shifting x to at least 10 (error < 1e-15). */
export function lnGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shift = 0;
  let z = x;
  while (z < 10) {
    shift += Math.log(z);
    z += 1;
  }
  return (z - 0.5) * Math.log(z) - z + LN_SQRT_2PI + stirlingCorrection(z) - shift;
}

/** Coefficients of Stirling's series: B₂ₙ / (2n (2n − 1)). */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];

/** ln Γ(a) − ((a − ½) ln a − a + ½ ln 2π), for a ≥ 10 (the next term is < 3e-17 there). */
function stirlingCorrection(a: number): number {
  const inv2 = 1 / (a * a);
  let sum = 0;
  for (let i = STIRLING.length - 1; i >= 0; i--) sum = sum * inv2 + STIRLING[i];
  return sum / a;
}

/**
 * ln(xᵃ e⁻ˣ / Γ(a)), the factor in front of both incomplete gamma expansions. For a ≥ 10 it
 * is written as −a·(t − 1 − ln t) + ½ ln(a / 2π) − correction with t = x / a, which keeps full
 * precision when a and x are both large (a = x = 1e5 would otherwise cancel ~1e6-sized terms).
 */
function logGammaPrefactor(a: number, x: number): number {
  if (a < 10) return a * Math.log(x) - x - lnGamma(a);
  const u = (x - a) / a;
  return -a * (u - Math.log1p(u)) + 0.5 * Math.log(a / (2 * Math.PI)) - stirlingCorrection(a);
}

/**
 * ln P(X ≥ k) for X ~ Poisson(λ), which is the regularized lower incomplete gamma P(k, λ):
 * its series when λ < k + 1, else 1 − Q(k, λ) by the continued fraction (modified Lentz).
 * Stays finite where P(X ≥ k) underflows (k = 1e5, λ = 10 gives ≈ −9.5e5).
 */
export function logPoissonUpperTail(k: number, lambda: number): number {
  if (Number.isNaN(k) || Number.isNaN(lambda) || lambda < 0) return Number.NaN;
  const a = Math.ceil(k);
  if (a <= 0) return 0;
  if (lambda === 0) return Number.NEGATIVE_INFINITY;
  if (lambda === Number.POSITIVE_INFINITY) return 0;
  if (a === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  const prefactor = logGammaPrefactor(a, lambda);
  if (lambda < a + 1) {
    // P(a, x) = prefactor · Σ xⁿ / (a (a+1) … (a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n++) {
      term *= lambda / (a + n);
      sum += term;
      if (term < sum * EPSILON) break;
    }
    return prefactor + Math.log(sum);
  }
  // Q(a, x) = prefactor · 1 / (x + 1 − a − 1·(1 − a) / (x + 3 − a − …))
  let b = lambda + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  const q = Math.exp(prefactor) * h;
  return Math.log1p(-Math.min(q, 1));
}

/**
 * P(X ≥ k) for X ~ Poisson(λ): the chance of seeing at least k tickets when λ are expected.
 * Exact to ~1e-12 relative for λ and k up to 1e5 and beyond; 1 for k ≤ 0; a non-integer k
 * counts as ⌈k⌉. `poissonUpperTail(10, 2)` ≈ 4.65e-5.
 */
export function poissonUpperTail(k: number, lambda: number): number {
  return Math.exp(logPoissonUpperTail(k, lambda));
}

/** How surprising an observed count is against its expected count. */
export interface SurgeScore {
  observed: number;
  /** The expected count used: the given one, at least `expectedFloor`. */
  expected: number;
  /** observed / expected. */
  ratio: number;
  /** (observed − expected) / √expected: standard deviations above the mean, Poisson-wise. */
  z: number;
  /** P(X ≥ observed) for X ~ Poisson(expected). */
  pValue: number;
}

/** Expected counts below this are raised to it: an area with no history is not infinitely surprised. */
export const DEFAULT_EXPECTED_FLOOR = 0.5;

/** The z-like score and the one-sided Poisson p-value of `observed` against `expected`. */
export function surgeScore(input: {
  observed: number;
  expected: number;
  expectedFloor?: number;
}): SurgeScore {
  const floor = input.expectedFloor ?? DEFAULT_EXPECTED_FLOOR;
  const expected = Math.max(Number.isFinite(input.expected) ? input.expected : 0, floor);
  const observed = input.observed;
  if (expected <= 0) {
    const surprising = observed > 0;
    return {
      observed,
      expected,
      ratio: surprising ? Number.POSITIVE_INFINITY : 0,
      z: surprising ? Number.POSITIVE_INFINITY : 0,
      pValue: surprising ? 0 : 1,
    };
  }
  return {
    observed,
    expected,
    ratio: observed / expected,
    z: (observed - expected) / Math.sqrt(expected),
    pValue: poissonUpperTail(observed, expected),
  };
}

/**
 * One step of an exponentially weighted moving average (EWMA), the baseline a period's count
 * is compared with: α·value + (1 − α)·prev. With no previous value the value itself.
 * α in (0, 1]: larger follows recent periods faster.
 */
export function ewma(prev: number | null | undefined, value: number, alpha: number): number {
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  if (prev === null || prev === undefined || !Number.isFinite(prev)) return value;
  return alpha * value + (1 - alpha) * prev;
}

/** Thresholds of {@link isSurge}. */
export interface SurgeInput {
  observed: number;
  expected: number;
  /** At least this many tickets (default 5): three calls are never a surge. */
  minObserved?: number;
  /** At most this p-value (default 1e-3). */
  pValue?: number;
  /** At least this many times the expected count (default 2). */
  minRatio?: number;
  /** See {@link surgeScore}. */
  expectedFloor?: number;
}

/** Whether a count is a surge: enough tickets, improbable under the baseline, and a multiple of it. */
export function isSurge(input: SurgeInput): boolean {
  const { observed, minObserved = 5, pValue = 1e-3, minRatio = 2 } = input;
  if (!(observed >= minObserved)) return false;
  const score = surgeScore(input);
  return score.pValue <= pValue && score.ratio >= minRatio;
}

// ---------------------------------------------------------------------------------------------
// Weeks

/** The time zones weeks can be counted in; China has one, without daylight saving. */
export type WeekTimeZone = 'Asia/Shanghai' | 'UTC';

const DAY_MS = 86_400_000;
const OFFSET_MS: Readonly<Record<WeekTimeZone, number>> = { 'Asia/Shanghai': 8 * 3_600_000, UTC: 0 };

/** The ISO week of an instant in local time: year, week 1–53, and a key like `2026-W01`. */
export interface IsoWeek {
  year: number;
  week: number;
  key: string;
}

/**
 * The ISO 8601 week of an instant, in China Standard Time by default: weeks start on Monday,
 * and week 1 is the one with the year's first Thursday (so 2026-12-31 is in 2026-W53 and
 * 2027-01-01 too; 2024-12-30 is in 2025-W01). Null for an invalid date.
 */
export function isoWeek(date: Date, timeZone: WeekTimeZone = 'Asia/Shanghai'): IsoWeek | null {
  const t = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(t)) return null;
  const offset = OFFSET_MS[timeZone];
  if (offset === undefined) throw new RangeError(`unsupported time zone ${String(timeZone)}`);
  const localDay = Math.floor((t + offset) / DAY_MS); // days since 1970-01-01 (a Thursday), local
  const weekday = ((((localDay + 3) % 7) + 7) % 7) + 1; // 1 = Monday … 7 = Sunday
  const thursday = localDay + 4 - weekday;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = Math.floor(Date.UTC(year, 0, 1) / DAY_MS);
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return { year, week, key: `${year}-W${String(week).padStart(2, '0')}` };
}

/**
 * How many distinct ISO weeks the instants fall in (China Standard Time by default): the
 * measure of a recurring problem (same matter, same place, reported in ≥ N distinct weeks).
 * Invalid dates are ignored.
 */
export function distinctWeeks(dates: readonly Date[], timeZone: WeekTimeZone = 'Asia/Shanghai'): number {
  const weeks = new Set<string>();
  for (const date of dates) {
    const week = isoWeek(date, timeZone);
    if (week !== null) weeks.add(week.key);
  }
  return weeks.size;
}
