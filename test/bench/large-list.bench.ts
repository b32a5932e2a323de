/**
 * The router on a duty list the size of a province's: training time, model size, memory, and
 * what dropping the negligible weights (`weightCutoff`) changes.
 *
 *   npm run build && node dist/test/bench/large-list.bench.js [--copies 1] [--history 5000] [--compare]
 *
 * The list: the 517 third-level categories of the Teddy Cup messages' taxonomy as leaf matters
 * (`--copies N`: N renamed copies of them), each trained on as the router trains on a published
 * list — its name with its parent's as context, the name as a keyword, its place in the tree —
 * plus `--history` real messages as confirmed tickets, each given the leaf of its own first-level
 * category whose name shares most characters with its title (a plausible, noisy history). Then
 * 662 other messages are routed. `--compare` also trains with every non-zero weight kept
 * (`weightCutoff: 0`) and counts the held-out messages whose best matter differs. Reads
 * ../shared/data (MINSHENG_DATA_DIR overrides). Prints a table and one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import { TextClassifier } from '../../src/routing';
import type { TrainingExample } from '../../src/routing';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

function dataDir(): string {
  const dir = process.env.MINSHENG_DATA_DIR ?? path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'data');
  const fallback = path.resolve(process.cwd(), '..', 'shared', 'data');
  for (const d of [dir, fallback]) if (fs.existsSync(path.join(d, 'teddycup2020c', 'taxonomy.csv'))) return d;
  console.error('large-list bench: ../shared/data/teddycup2020c not found (or set MINSHENG_DATA_DIR). Nothing measured.');
  process.exit(2);
}

type Row = Record<string, string>;

function main(): void {
  const copies = arg('copies', 1);
  const history = arg('history', 5000);
  const dir = path.join(dataDir(), 'teddycup2020c');
  const read = (file: string) => parse(fs.readFileSync(path.join(dir, file)), { columns: true, bom: true }) as Row[];
  const taxonomy = read('taxonomy.csv');
  const messages = read('messages_train.csv');

  const examples: TrainingExample[] = [];
  const leaves: { code: string; level1: string; name: string }[] = [];
  for (let copy = 0; copy < copies; copy++) {
    taxonomy.forEach((t, i) => {
      const code = `M${copy}-${i}`;
      const parent = copy ? `${t.level2}${copy}` : t.level2;
      leaves.push({ code, level1: t.level1, name: t.level3 });
      examples.push({ text: `${parent} ${t.level3}`, label: code });
      examples.push({ text: t.level3, label: code, weight: 0.5 });
      examples.push({ text: `${t.level1} ${t.level2}`, label: code, weight: 0.5 });
    });
  }
  const shared = (a: string, b: string) => {
    const s = new Set(a);
    return [...b].filter((ch) => s.has(ch)).length;
  };
  for (const m of messages.slice(0, history)) {
    let best: (typeof leaves)[number] | null = null;
    let most = -1;
    for (const l of leaves) {
      if (l.level1 !== m.label_level1) continue;
      const n = shared(l.name, m.title);
      if (n > most) [best, most] = [l, n];
    }
    if (best) examples.push({ text: `${m.title} ${m.detail ?? ''}`, label: best.code });
  }
  const heldOut = messages.slice(Math.max(history, 5000)).map((m) => `${m.title} ${m.detail ?? ''}`);

  const t0 = performance.now();
  const model = TextClassifier.train(examples);
  const trainS = (performance.now() - t0) / 1000;
  const rssMB = process.memoryUsage().rss / 1e6;
  const t1 = performance.now();
  const json = JSON.stringify(model.toJSON());
  const serializeS = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  const restored = TextClassifier.fromJSON(JSON.parse(json));
  const restoreS = (performance.now() - t2) / 1000;
  for (const text of heldOut.slice(0, 50)) restored.predict(text);
  const latencies = heldOut.map((text) => {
    const s = performance.now();
    void restored.predict(text)[0].explanation;
    return performance.now() - s;
  });
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];

  let compare: { keptAll: number; differentBest: number; maxConfidenceGap: number } | null = null;
  if (process.argv.includes('--compare')) {
    const all = TextClassifier.train(examples, { weightCutoff: 0 });
    let differentBest = 0;
    let maxConfidenceGap = 0;
    for (const text of heldOut) {
      const [a] = restored.predict(text, 1);
      const [b] = all.predict(text, 1);
      if (a.label !== b.label) differentBest++;
      maxConfidenceGap = Math.max(maxConfidenceGap, Math.abs(a.confidence - b.confidence));
    }
    compare = { keptAll: all.weightCount, differentBest, maxConfidenceGap };
  }

  const matters = leaves.length;
  const rows: [string, string][] = [
    ['matters / training examples', `${matters} / ${examples.length} (${examples.length - 3 * matters} confirmed tickets)`],
    ['train (one thread)', `${trainS.toFixed(1)} s`],
    ['weights kept', `${model.weightCount.toLocaleString('en')} of ${(model.toJSON().vocabulary.length * matters).toLocaleString('en')} (features × matters)`],
    ['model JSON', `${(json.length / 1e6).toFixed(1)} MB (serialize ${serializeS.toFixed(2)} s, restore ${restoreS.toFixed(2)} s)`],
    ['process RSS after training', `${rssMB.toFixed(0)} MB`],
    [`predict, ${heldOut.length} held-out messages`, `p50 ${pct(0.5).toFixed(2)} ms, p99 ${pct(0.99).toFixed(2)} ms`],
    ['every non-zero weight kept', compare ? `${compare.keptAll.toLocaleString('en')} weights; best matter differs for ${compare.differentBest} of ${heldOut.length}, confidence by ≤ ${compare.maxConfidenceGap.toFixed(4)}` : 'not compared (--compare)'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('large duty list bench');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log(JSON.stringify({ bench: 'large-list', matters, examples: examples.length, trainS, weights: model.weightCount, modelBytes: json.length, rssMB, predictMs: { p50: pct(0.5), p99: pct(0.99) }, compare }));
}

main();
