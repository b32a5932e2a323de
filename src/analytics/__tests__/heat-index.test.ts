import { cellToParent, latLngToCell } from 'h3-js';
import { HeatIndex } from '../heat-index';

const H = 3_600_000;
const T0 = Date.parse('2026-03-10T00:00:00Z');

/** A small deterministic generator (no Math.random in tests). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function tickets(n: number, seed = 7): { t: number; cell: string }[] {
  const r = lcg(seed);
  return Array.from({ length: n }, () => ({
    // 9 days before T0 up to 2 days after, unordered
    t: T0 - 9 * 24 * H + Math.floor(r() * 11 * 24 * H),
    cell: latLngToCell(23.0 + r() * 0.4, 113.2 + r() * 0.4, 8),
  }));
}

function brute(all: { t: number; cell: string }[], from: number, to: number, res = 8): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of all) {
    if (x.t < from || x.t >= to) continue;
    const c = res === 8 ? x.cell : cellToParent(x.cell, res);
    m.set(c, (m.get(c) ?? 0) + 1);
  }
  return m;
}

test('counts over any covered window equal counting the tickets one by one, at the stored and coarser resolutions', () => {
  const all = tickets(20_000);
  const index = new HeatIndex(T0, 8 * 24 * H);
  for (const x of all) index.add(x.t, x.cell);
  index.loaded(T0 - 8 * 24 * H);
  const r = lcg(11);
  for (let i = 0; i < 40; i++) {
    const from = T0 - 8 * 24 * H + Math.floor(r() * 9 * 24 * H);
    const to = from + Math.floor(r() * 7 * 24 * H) + 1;
    for (const res of [8, 6]) expect(index.counts(from, to, res, 8)).toEqual(brute(all, from, to, res));
  }
  // exact hour boundaries too
  expect(index.counts(T0 - 24 * H, T0, 8, 8)).toEqual(brute(all, T0 - 24 * H, T0));
});

test('a window reaching before what is covered, or an index not yet loaded, answers null', () => {
  const index = new HeatIndex(T0, 8 * 24 * H);
  index.add(T0 + 1000, latLngToCell(23.1, 113.3, 8));
  expect(index.counts(T0, T0 + H, 8, 8)).toBeNull();
  index.loaded(T0 - 8 * 24 * H);
  expect(index.counts(T0 - 9 * 24 * H, T0 + H, 8, 8)).toBeNull();
  expect([...index.counts(T0, T0 + H, 8, 8)!.values()]).toEqual([1]);
});

test('prune drops old hours and narrows what is covered', () => {
  const index = new HeatIndex(T0, 2 * 24 * H);
  const cell = latLngToCell(23.1, 113.3, 8);
  index.add(T0 - 47 * H, cell);
  index.add(T0 - 3 * H, cell);
  index.loaded(T0 - 2 * 24 * H);
  index.prune(T0 + 10 * H);
  expect(index.size()).toBe(1);
  expect(index.covers).toBe(T0 + 10 * H - 2 * 24 * H);
  expect(index.counts(T0 - 24 * H, T0, 8, 8)).toEqual(new Map([[cell, 1]]));
});
