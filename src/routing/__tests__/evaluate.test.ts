/** Metrics on hand-checkable cases; evaluate and crossValidate on the synthetic matters. */
import { crossValidate, evaluate, formatReport, latencySummary, metrics } from '../evaluate';
import { stratifiedFolds } from '../random';
import { MATTERS, UNSEEN, trainingExamples } from './fixtures';

describe('metrics', () => {
  test('a hand-checked two-label case', () => {
    // truth a a b b, predicted a b b b:
    //   a: P 1/1, R 1/2, F1 2/3;  b: P 2/3, R 2/2, F1 0.8;  macro (2/3 + 0.8) / 2 = 0.7333…
    const m = metrics(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
    expect(m.accuracy).toBe(0.75);
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2, 12);
    expect(m.perClass).toEqual([
      { label: 'a', precision: 1, recall: 0.5, f1: expect.closeTo(2 / 3, 12) as number, support: 2 },
      { label: 'b', precision: expect.closeTo(2 / 3, 12) as number, recall: 1, f1: expect.closeTo(0.8, 12) as number, support: 2 },
    ]);
    expect(m.confusion).toEqual({ labels: ['a', 'b'], matrix: [[1, 1], [0, 2]] });
  });

  test('a label only ever predicted counts in the macro average with F1 0', () => {
    const m = metrics(['a', 'a'], ['a', 'c']);
    expect(m.confusion.labels).toEqual(['a', 'c']);
    expect(m.perClass[1]).toEqual({ label: 'c', precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0) / 2, 12);
  });

  test('latency summary: nearest-rank median and p99', () => {
    const ms = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(latencySummary(ms)).toEqual({ median: 50, p99: 99 });
    expect(latencySummary([3])).toEqual({ median: 3, p99: 3 });
    expect(latencySummary([])).toEqual({ median: 0, p99: 0 });
  });
});

describe('evaluate', () => {
  const test6 = UNSEEN.map(([text, label]) => ({ text, label }));
  const report = evaluate(trainingExamples(), test6);

  test('all six unseen sentences right', () => {
    expect(report.n).toBe(6);
    expect(report.accuracy).toBe(1);
    expect(report.macroF1).toBe(1);
    expect(report.confusion.labels).toEqual(Object.keys(MATTERS).sort());
    report.confusion.matrix.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(i === j ? 1 : 0)));
    expect(report.perClass.every((c) => c.support === 1 && c.f1 === 1)).toBe(true);
  });

  test('times are measured', () => {
    expect(report.trainMs).toBeGreaterThan(0);
    expect(report.msPerMessage.median).toBeGreaterThan(0);
    expect(report.msPerMessage.p99).toBeGreaterThanOrEqual(report.msPerMessage.median);
    expect(report.folds).toBeUndefined();
  });

  test('formatReport shows the headline, the per-label table and the confusion matrix', () => {
    const text = formatReport(report);
    expect(text).toContain('macro-F1: 1.0000');
    expect(text).toContain('accuracy: 1.0000');
    expect(text).toMatch(/p99 [0-9.]+ ms/);
    for (const label of Object.keys(MATTERS)) expect(text).toContain(label);
    expect(text).toContain('confusion');
  });

  test('a test label the model never saw is an error, not a crash', () => {
    const r = evaluate(trainingExamples(), [...test6, { text: '垃圾桶满了没人清理', label: 'GARBAGE' }]);
    expect(r.n).toBe(7);
    expect(r.accuracy).toBeCloseTo(6 / 7, 12);
    expect(r.perClass.find((c) => c.label === 'GARBAGE')).toEqual({ label: 'GARBAGE', precision: 0, recall: 0, f1: 0, support: 1 });
  });
});

describe('crossValidate', () => {
  test('stratified folds: each of 4 folds holds 2 sentences of each matter', () => {
    const labels = trainingExamples().map((e) => e.label);
    const folds = stratifiedFolds(labels, 4, 1);
    for (let f = 0; f < 4; f++) {
      for (const m of Object.keys(MATTERS)) expect(labels.filter((l, i) => l === m && folds[i] === f)).toHaveLength(2);
    }
    expect(stratifiedFolds(labels, 4, 1)).toEqual(folds);
    expect(stratifiedFolds(labels, 4, 2)).not.toEqual(folds);
  });

  test('every example is predicted once; figures are consistent and reproducible', () => {
    const r = crossValidate(trainingExamples(), 4, {}, 1);
    expect(r.n).toBe(48);
    expect(r.folds).toHaveLength(4);
    expect(r.folds?.every((f) => f.n === 12)).toBe(true);
    expect(r.confusion.matrix.flat().reduce((a, b) => a + b, 0)).toBe(48);
    expect(r.perClass.map((c) => c.support)).toEqual([8, 8, 8, 8, 8, 8]);
    const mean = (r.folds ?? []).reduce((s, f) => s + f.macroF1, 0) / 4;
    expect(r.macroF1).toBeCloseTo(mean, 12);
    expect(r.accuracy).toBeGreaterThan(0.7); // 6 sentences per matter are enough for most
    const again = crossValidate(trainingExamples(), 4, {}, 1);
    expect(again.macroF1).toBe(r.macroF1);
    expect(again.confusion).toEqual(r.confusion);
  });

  test('fewer examples than folds is refused', () => {
    expect(() => crossValidate(trainingExamples().slice(0, 3), 5)).toThrow(/fewer examples than folds/);
    expect(() => crossValidate(trainingExamples(), 1)).toThrow(/folds/);
  });
});
