/**
 * Evaluation of the router: pure functions (no I/O) that the CLI and the benchmark call.
 */
import { performance } from 'node:perf_hooks';
import { TextClassifier } from './classifier';
import type { ClassifierOptions, TrainingExample } from './classifier';
import { stratifiedFolds } from './random';

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of test examples with this true label. */
  support: number;
}

/** Scores of one cross-validation fold. */
export interface FoldReport {
  macroF1: number;
  accuracy: number;
  n: number;
  trainMs: number;
}

export interface EvalReport {
  /**
   * Unweighted mean of the per-label F1 over the labels that occur as truth or prediction.
   * For cross-validation: the mean of the folds' macro-F1.
   */
  macroF1: number;
  /** Share of exact top-1 hits (cross-validation: the mean over folds). */
  accuracy: number;
  /** Per label, sorted by label; cross-validation: pooled over all folds. */
  perClass: ClassMetrics[];
  /** `matrix[true][predicted]` counts, rows and columns in `labels` order (pooled over folds). */
  confusion: { labels: string[]; matrix: number[][] };
  /** Wall time of one `predict` call (tokenising included), over all test messages. */
  msPerMessage: { median: number; p99: number };
  /** Training time in ms (cross-validation: the mean per fold). */
  trainMs: number;
  /** Number of test messages scored (cross-validation: all examples). */
  n: number;
  /** Cross-validation only: each fold's scores. */
  folds?: FoldReport[];
}

/**
 * Trains on `train`, predicts every `test` text (top 1) and scores it against its label.
 * Example weights count in training, not in the scores.
 */
export function evaluate(
  train: readonly TrainingExample[],
  test: readonly TrainingExample[],
  options: Partial<ClassifierOptions> = {},
): EvalReport {
  const run = runFold(train, test, options);
  const m = metrics(run.truth, run.predicted);
  return {
    macroF1: m.macroF1,
    accuracy: m.accuracy,
    perClass: m.perClass,
    confusion: m.confusion,
    msPerMessage: latencySummary(run.latencies),
    trainMs: run.trainMs,
    n: test.length,
  };
}

/**
 * Stratified k-fold cross-validation: every example is predicted once by a model trained on
 * the other folds. Folds are drawn with `seed`, so reruns are comparable.
 */
export function crossValidate(
  examples: readonly TrainingExample[],
  folds: number,
  options: Partial<ClassifierOptions> = {},
  seed = 1,
): EvalReport {
  const assignment = stratifiedFolds(
    examples.map((e) => e.label),
    folds,
    seed,
  );
  const truth: string[] = [];
  const predicted: string[] = [];
  const latencies: number[] = [];
  const foldReports: FoldReport[] = [];
  for (let f = 0; f < folds; f++) {
    const train = examples.filter((_, i) => assignment[i] !== f);
    const test = examples.filter((_, i) => assignment[i] === f);
    if (test.length === 0) throw new Error(`fold ${f + 1} of ${folds} is empty: fewer examples than folds`);
    const run = runFold(train, test, options);
    const m = metrics(run.truth, run.predicted);
    foldReports.push({ macroF1: m.macroF1, accuracy: m.accuracy, n: test.length, trainMs: run.trainMs });
    truth.push(...run.truth);
    predicted.push(...run.predicted);
    latencies.push(...run.latencies);
  }
  const pooled = metrics(truth, predicted);
  const mean = (pick: (r: FoldReport) => number) => foldReports.reduce((s, r) => s + pick(r), 0) / foldReports.length;
  return {
    macroF1: mean((r) => r.macroF1),
    accuracy: mean((r) => r.accuracy),
    perClass: pooled.perClass,
    confusion: pooled.confusion,
    msPerMessage: latencySummary(latencies),
    trainMs: mean((r) => r.trainMs),
    n: truth.length,
    folds: foldReports,
  };
}

function runFold(train: readonly TrainingExample[], test: readonly TrainingExample[], options: Partial<ClassifierOptions>) {
  const t0 = performance.now();
  const model = TextClassifier.train(train, options);
  const trainMs = performance.now() - t0;
  const truth: string[] = [];
  const predicted: string[] = [];
  const latencies: number[] = [];
  for (const e of test) {
    const start = performance.now();
    const [best] = model.predict(e.text, 1);
    void best.explanation; // timed as at intake: the best candidate comes with its why
    latencies.push(performance.now() - start);
    truth.push(e.label);
    predicted.push(best.label);
  }
  return { trainMs, truth, predicted, latencies };
}

/** Metrics of top-1 predictions against the truth (labels = those occurring in either, sorted). */
export function metrics(
  truth: readonly string[],
  predicted: readonly string[],
): Pick<EvalReport, 'macroF1' | 'accuracy' | 'perClass' | 'confusion'> {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  const labels = [...new Set([...truth, ...predicted])].sort();
  const at = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  let hits = 0;
  truth.forEach((t, i) => {
    matrix[at.get(t) ?? 0][at.get(predicted[i]) ?? 0]++;
    if (t === predicted[i]) hits++;
  });
  const perClass = labels.map((label, c) => {
    const tp = matrix[c][c];
    const support = matrix[c].reduce((s, v) => s + v, 0);
    const predictedCount = matrix.reduce((s, row) => s + row[c], 0);
    const precision = predictedCount > 0 ? tp / predictedCount : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  return {
    macroF1: perClass.length > 0 ? perClass.reduce((s, c) => s + c.f1, 0) / perClass.length : 0,
    accuracy: truth.length > 0 ? hits / truth.length : 0,
    perClass,
    confusion: { labels, matrix },
  };
}

/** Median and 99th percentile (nearest rank) of durations in ms. */
export function latencySummary(ms: readonly number[]): { median: number; p99: number } {
  if (ms.length === 0) return { median: 0, p99: 0 };
  const sorted = [...ms].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return { median: rank(0.5), p99: rank(0.99) };
}

/** A readable plain-text report: headline figures, per-label P/R/F1, the confusion matrix. */
export function formatReport(r: EvalReport): string {
  const pct = (v: number) => (v * 100).toFixed(1).padStart(5);
  const lines: string[] = [];
  lines.push(`examples scored: ${r.n}`);
  lines.push(`macro-F1: ${r.macroF1.toFixed(4)}   accuracy: ${r.accuracy.toFixed(4)}`);
  if (r.folds) {
    lines.push(`folds: ${r.folds.map((f, i) => `#${i + 1} F1 ${f.macroF1.toFixed(4)} acc ${f.accuracy.toFixed(4)}`).join(' | ')}`);
  }
  lines.push(
    `predict: median ${r.msPerMessage.median.toFixed(3)} ms, p99 ${r.msPerMessage.p99.toFixed(3)} ms per message; ` +
      `training ${(r.trainMs / 1000).toFixed(2)} s${r.folds ? ' per fold' : ''}`,
  );
  lines.push('');
  const width = Math.max(5, ...r.perClass.map((c) => displayWidth(c.label)));
  lines.push(`${padDisplay('label', width)}  prec.  recall    F1  support`);
  for (const c of r.perClass) {
    lines.push(`${padDisplay(c.label, width)}  ${pct(c.precision)}  ${pct(c.recall)}  ${pct(c.f1)}  ${String(c.support).padStart(7)}`);
  }
  lines.push('');
  lines.push('confusion (rows: true label, columns: predicted, in the order numbered):');
  const { labels, matrix } = r.confusion;
  const cell = Math.max(4, ...matrix.flat().map((v) => String(v).length + 1));
  lines.push(`${' '.repeat(width + 5)}${labels.map((_, i) => String(i + 1).padStart(cell)).join('')}`);
  labels.forEach((label, i) => {
    lines.push(`${String(i + 1).padStart(3)}. ${padDisplay(label, width)}${matrix[i].map((v) => String(v).padStart(cell)).join('')}`);
  });
  return lines.join('\n');
}

/** Terminal width of a string: CJK and full-width characters take two columns. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

function padDisplay(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}
