/**
 * The router on small synthetic data (./fixtures): right label on unseen sentences, useful
 * explanations, calibrated-looking confidences, JSON round trip, determinism, tiny duty lists.
 */
import { TextClassifier } from '../classifier';
import type { SerializedClassifier, TrainingExample } from '../classifier';
import { MATTERS, UNSEEN, trainingExamples } from './fixtures';

const model = TextClassifier.train(trainingExamples());

describe('TextClassifier on six matters × eight sentences', () => {
  test('labels are the matters, sorted', () => {
    expect(model.labels).toEqual(Object.keys(MATTERS).sort());
  });

  test.each(UNSEEN)('unseen "%s" → %s', (text, label) => {
    const [best] = model.predict(text);
    expect(best.label).toBe(label);
  });

  test('the three kinds of noise are told apart by their source', () => {
    expect(model.predict('工地夜间施工噪音太大')[0].label).toBe('CONSTRUCTION_NOISE');
    expect(model.predict('广场舞噪音太大')[0].label).toBe('SQUARE_DANCE');
    expect(model.predict('直升机噪音太大')[0].label).toBe('AIRCRAFT_NOISE');
  });

  test('k predictions, best first, confidences in [0, 1] summing to 1 over all labels', () => {
    const top3 = model.predict('我家楼下的路灯坏了好几天，晚上不敢出门');
    expect(top3).toHaveLength(3);
    const all = model.predict('我家楼下的路灯坏了好几天，晚上不敢出门', 10);
    expect(all).toHaveLength(6);
    for (let i = 1; i < all.length; i++) expect(all[i - 1].confidence).toBeGreaterThanOrEqual(all[i].confidence);
    for (const p of all) {
      expect(p.confidence).toBeGreaterThanOrEqual(0);
      expect(p.confidence).toBeLessThanOrEqual(1);
    }
    expect(all.reduce((s, p) => s + p.confidence, 0)).toBeCloseTo(1, 9);
    expect(top3.map((p) => p.label)).toEqual(all.slice(0, 3).map((p) => p.label));
  });

  test('a clear message is confident, a vague one is not', () => {
    const clear = model.predict('护照过期了，想换发新护照，出入境大厅怎么预约')[0];
    const vague = model.predict('你好，我想反映一个情况')[0];
    expect(clear.confidence).toBeGreaterThan(0.5);
    expect(vague.confidence).toBeLessThan(clear.confidence);
  });

  test('a text with no known feature still gets valid predictions', () => {
    for (const text of ['', '   ', 'zzzz qqqq', '😀😀']) {
      const preds = model.predict(text, 6);
      expect(preds).toHaveLength(6);
      expect(preds.reduce((s, p) => s + p.confidence, 0)).toBeCloseTo(1, 9);
      expect(preds[0].explanation.keywords).toEqual([]);
    }
  });

  test('k must be a positive integer', () => {
    expect(() => model.predict('路灯', 0)).toThrow(RangeError);
    expect(() => model.predict('路灯', 1.5)).toThrow(RangeError);
  });
});

describe('explanations', () => {
  test('explanations are worked out when first read, once, and equal to a fresh prediction\'s', () => {
    const text = '我家楼下的路灯坏了好几天，晚上不敢出门';
    const explain = jest.spyOn(model as unknown as { explain: (...a: unknown[]) => unknown }, 'explain');
    try {
      const preds = model.predict(text, 3);
      expect(explain).not.toHaveBeenCalled();
      const best = preds[0].explanation;
      expect(explain).toHaveBeenCalledTimes(1);
      expect(preds[0].explanation).toBe(best);
      expect(explain).toHaveBeenCalledTimes(1);
      expect(preds[1].explanation.features.length).toBeGreaterThan(0);
      expect(explain).toHaveBeenCalledTimes(2);
      expect(JSON.parse(JSON.stringify(preds))).toEqual(JSON.parse(JSON.stringify(model.predict(text, 3))));
    } finally {
      explain.mockRestore();
    }
  });

  test('the keywords of the text that point to the label come first', () => {
    const [light] = model.predict('我家楼下的路灯坏了好几天，晚上不敢出门');
    expect(light.explanation.keywords).toContain('路灯');
    expect(light.explanation.keywords.length).toBeLessThanOrEqual(8);

    const [dance] = model.predict('广场舞大妈的音响太吵了，晚上十点还在跳');
    expect(dance.explanation.keywords.slice(0, 3).some((k) => k.includes('广场') || k.includes('音响'))).toBe(true);

    const [passport] = model.predict('请问护照到期了在哪里换新的');
    expect(passport.explanation.keywords[0]).toBe('护照');
  });

  test('keywords come from the text and do not repeat each other', () => {
    const text = '老板拖欠我们两个月工资一直不给';
    const { keywords } = model.predict(text)[0].explanation;
    for (const k of keywords) {
      expect(text).toContain(k);
      expect(keywords.filter((other) => other !== k && (other.includes(k) || k.includes(other)))).toEqual([]);
    }
  });

  test('features are the strongest positive contributions, strongest first (≤ 8)', () => {
    const { features } = model.predict('隔壁工地凌晨两点还在施工打桩，根本睡不着觉')[0].explanation;
    expect(features.length).toBeGreaterThan(0);
    expect(features.length).toBeLessThanOrEqual(8);
    for (let i = 1; i < features.length; i++) expect(features[i - 1].weight).toBeGreaterThanOrEqual(features[i].weight);
    for (const f of features) {
      expect(f.weight).toBeGreaterThan(0);
      expect(f.feature).toMatch(/^[wc]:/);
    }
    expect(features.map((f) => f.feature)).toEqual(expect.arrayContaining(['w:工地']));
  });
});

describe('persistence and determinism', () => {
  const probes = [...UNSEEN.map(([t]) => t), '你好，我想反映一个情况', '', 'Noise - Residential'];

  test('toJSON is plain JSON; fromJSON restores identical predictions', () => {
    const json = model.toJSON();
    const text = JSON.stringify(json);
    const restored = TextClassifier.fromJSON(JSON.parse(text) as SerializedClassifier);
    expect(restored.labels).toEqual(model.labels);
    for (const p of probes) expect(restored.predict(p, 6)).toEqual(model.predict(p, 6));
    expect(JSON.stringify(restored.toJSON())).toBe(text);
  });

  test('the same examples and options give the same model', () => {
    const again = TextClassifier.train(trainingExamples());
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(model.toJSON()));
  });

  test('another seed gives the same top labels (the solution is unique; only the path differs)', () => {
    const other = TextClassifier.train(trainingExamples(), { seed: 7 });
    for (const [text, label] of UNSEEN) expect(other.predict(text)[0].label).toBe(label);
  });

  test('weights below a thousandth of their label’s strongest are dropped; the predictions stay', () => {
    const all = TextClassifier.train(trainingExamples(), { weightCutoff: 0 });
    expect(model.weightCount).toBeLessThan(all.weightCount);
    for (const p of probes) {
      const [a, b] = [model.predict(p, 6), all.predict(p, 6)];
      expect(a.map((x) => x.label)).toEqual(b.map((x) => x.label));
      a.forEach((x, i) => expect(x.confidence).toBeCloseTo(b[i].confidence, 2));
    }
    expect(() => TextClassifier.train(trainingExamples(), { weightCutoff: 1 })).toThrow(/weightCutoff/);
  });

  test('a model stored in the dense form of earlier releases (version 1) loads with the same predictions', () => {
    const all = TextClassifier.train(trainingExamples(), { weightCutoff: 0 });
    const json = all.toJSON();
    const K = json.labels.length;
    const dense = new Float32Array(json.vocabulary.length * K);
    json.vocabulary.forEach((f, j) => json.labels.forEach((label, c) => (dense[j * K + c] = all.weightOf(f, label))));
    const v1 = { ...json, version: 1, weights: Buffer.from(dense.buffer).toString('base64') } as SerializedClassifier;
    const { weightCutoff: _, ...olderOptions } = json.options;
    const restored = TextClassifier.fromJSON(JSON.parse(JSON.stringify({ ...v1, options: olderOptions })) as SerializedClassifier);
    for (const p of probes) expect(restored.predict(p, 6)).toEqual(all.predict(p, 6));
    expect(restored.weightCount).toBe(all.weightCount);
    // it kept every weight, and says so
    expect(restored.toJSON().options.weightCutoff).toBe(0);
    // a weight that is not a number is refused, not dropped
    dense[3] = NaN;
    expect(() => TextClassifier.fromJSON({ ...v1, weights: Buffer.from(dense.buffer).toString('base64') })).toThrow(/finite/);
  });

  test('malformed sparse weights are refused', () => {
    const good = model.toJSON();
    const w = good.weights as { start: string; labels: string; values: string };
    const int32 = (values: number[]) => Buffer.from(Int32Array.from(values).buffer).toString('base64');
    const D = good.vocabulary.length;
    // a label index out of range / labels not ascending within a feature
    const pairs = (labels: number[]) => ({ start: int32([0, labels.length, ...Array(D - 1).fill(labels.length)]), labels: int32(labels), values: Buffer.from(new Float32Array(labels.length).buffer).toString('base64') });
    expect(() => TextClassifier.fromJSON({ ...good, weights: pairs([good.labels.length]) })).toThrow(/weights\.labels/);
    expect(() => TextClassifier.fromJSON({ ...good, weights: pairs([1, 0]) })).toThrow(/weights\.labels/);
    expect(() => TextClassifier.fromJSON({ ...good, weights: { ...w, start: int32([0, 1]) } })).toThrow(/weights\.start/);
    expect(() => TextClassifier.fromJSON({ ...good, weights: { ...w, values: '' } })).toThrow(/weights\.values/);
    const float32 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer).toString('base64');
    const one = (value: number) => ({ start: int32([0, 1, ...Array(D - 1).fill(1)]), labels: int32([0]), values: float32([value]) });
    expect(TextClassifier.fromJSON({ ...good, weights: one(0.5) }).weightCount).toBe(1);
    for (const value of [NaN, Infinity]) expect(() => TextClassifier.fromJSON({ ...good, weights: one(value) })).toThrow(/finite/);
    expect(() => TextClassifier.fromJSON({ ...good, weights: { ...w, start: `!!!!${w.start}` } })).toThrow(/base64/);
  });

  test('fromJSON rejects what is not a serialized classifier', () => {
    const good = model.toJSON();
    expect(() => TextClassifier.fromJSON({ ...good, format: 'other' } as unknown as SerializedClassifier)).toThrow(/format/);
    expect(() => TextClassifier.fromJSON({ ...good, version: 3 } as unknown as SerializedClassifier)).toThrow(/version/);
    expect(() => TextClassifier.fromJSON({ ...good, weights: good.idf })).toThrow(/weights/);
    expect(() => TextClassifier.fromJSON(null as unknown as SerializedClassifier)).toThrow(/object/);
  });
});

describe('training data edge cases', () => {
  test('a tiny duty list: keywords and one sentence per matter are enough', () => {
    const list: TrainingExample[] = [
      { text: '路灯', label: 'LIGHT', weight: 0.5 },
      { text: '照明', label: 'LIGHT', weight: 0.5 },
      { text: '路灯不亮', label: 'LIGHT' },
      { text: '工资', label: 'WAGES', weight: 0.5 },
      { text: '欠薪', label: 'WAGES', weight: 0.5 },
      { text: '拖欠工资', label: 'WAGES' },
      { text: '护照', label: 'PASSPORT', weight: 0.5 },
      { text: '签证', label: 'PASSPORT', weight: 0.5 },
      { text: '办理护照', label: 'PASSPORT' },
    ];
    const tiny = TextClassifier.train(list);
    expect(tiny.predict('我们小区门口那盏路灯坏了')[0].label).toBe('LIGHT');
    expect(tiny.predict('老板三个月不发工资')[0].label).toBe('WAGES');
    expect(tiny.predict('签证快到期了怎么续')[0].label).toBe('PASSPORT');
    expect(tiny.predict('我们小区门口那盏路灯坏了')[0].explanation.keywords).toContain('路灯');
  });

  test('weights count: weight 0 drops an example, a heavy example wins a conflict', () => {
    const base = trainingExamples();
    const dropped = TextClassifier.train([...base, { text: '垃圾桶满了', label: 'GARBAGE', weight: 0 }]);
    expect(dropped.labels).not.toContain('GARBAGE');

    const conflict = (w: number) =>
      TextClassifier.train([
        ...base,
        { text: '井盖', label: 'STREET_LIGHT', weight: 1 },
        { text: '井盖', label: 'CONSTRUCTION_NOISE', weight: w },
      ]).predict('井盖')[0].label;
    expect(conflict(5)).toBe('CONSTRUCTION_NOISE');
    expect(conflict(0.1)).toBe('STREET_LIGHT');
  });

  test('a single label predicts itself with confidence 1', () => {
    const one = TextClassifier.train([{ text: '路灯不亮', label: 'LIGHT' }]);
    expect(one.predict('随便什么话')).toEqual([expect.objectContaining({ label: 'LIGHT', confidence: 1 })]);
  });

  test('NB-SVM scaling: a word every matter uses weighs less than under the plain SVM; 0 turns it off', () => {
    // every message opens the same way, as callers do: 反映 then says nothing about the matter
    const opened = trainingExamples().map((e) => ({ ...e, text: `你好，我想反映一下，${e.text}` }));
    const strongest = (m: TextClassifier, feature: string) => {
      expect(m.toJSON().vocabulary).toContain(feature);
      return Math.max(...m.labels.map((label) => Math.abs(m.weightOf(feature, label))));
    };
    const scaled = TextClassifier.train(opened, { nbSmoothing: 0.1 });
    const plain = TextClassifier.train(opened, { nbSmoothing: 0 });
    // by default ('auto') eight texts a matter are too few for the ratios: the plain SVM
    expect(TextClassifier.train(opened).toJSON().weights).toEqual(plain.toJSON().weights);
    expect(strongest(scaled, 'w:反映')).toBeLessThan(strongest(plain, 'w:反映') / 2);
    // what tells the matters apart still does
    expect(strongest(scaled, 'w:路灯')).toBeGreaterThan(10 * strongest(scaled, 'w:反映'));
    for (const [text, label] of UNSEEN) expect(scaled.predict(`我想反映一下，${text}`)[0].label).toBe(label);
    expect(() => TextClassifier.train(opened, { nbSmoothing: -1 })).toThrow(/nbSmoothing/);
  });

  test('bad input is refused with a clear error', () => {
    expect(() => TextClassifier.train([])).toThrow(/no training example/);
    expect(() => TextClassifier.train([{ text: 'x', label: 'A', weight: 0 }])).toThrow(/no training example/);
    expect(() => TextClassifier.train([{ text: 'x', label: '' }])).toThrow(/no label/);
    expect(() => TextClassifier.train([{ text: 'x', label: 'A', weight: -1 }])).toThrow(/weight/);
    expect(() => TextClassifier.train(trainingExamples(), { C: 0 })).toThrow(/C/);
    expect(() => TextClassifier.train(trainingExamples(), { words: false, charNgrams: [0, 0] })).toThrow(/no feature/);
  });

  test('options travel with the model: a words-only model tokenizes the same after a round trip', () => {
    const wordsOnly = TextClassifier.train(trainingExamples(), { charNgrams: [0, 0], calibrationFolds: 0, temperature: 0.5 });
    const json = wordsOnly.toJSON();
    expect(json.options.charNgrams).toEqual([0, 0]);
    expect(json.temperature).toBe(0.5);
    const restored = TextClassifier.fromJSON(JSON.parse(JSON.stringify(json)) as SerializedClassifier);
    for (const [text] of UNSEEN) expect(restored.predict(text)).toEqual(wordsOnly.predict(text));
    expect(wordsOnly.predict('老板拖欠我们两个月工资')[0].explanation.features.every((f) => f.feature.startsWith('w:'))).toBe(true);
  });
});
