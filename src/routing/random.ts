/**
 * Seeded randomness for the router: training and cross-validation must give the same result
 * for the same data and seed, on every machine.
 */

/** A small, fast PRNG (mulberry32): returns a function giving uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(items: { length: number; [index: number]: T }, random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
}

/**
 * Stratified fold assignment: `result[i]` is the fold (0..folds-1) of item `i`. Each label's
 * items are shuffled, then dealt round-robin, continuing where the previous label stopped, so
 * every fold gets its share of every label (±1) and the fold sizes differ by at most one.
 */
export function stratifiedFolds(labels: readonly string[], folds: number, seed: number): number[] {
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`folds must be an integer ≥ 2, got ${folds}`);
  const random = seededRandom(seed);
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const list = byLabel.get(label);
    if (list) list.push(i);
    else byLabel.set(label, [i]);
  });
  const assignment = new Array<number>(labels.length).fill(0);
  let next = 0;
  for (const label of [...byLabel.keys()].sort()) {
    const items = byLabel.get(label) ?? [];
    shuffleInPlace(items, random);
    for (const i of items) {
      assignment[i] = next;
      next = (next + 1) % folds;
    }
  }
  return assignment;
}
