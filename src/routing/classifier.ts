/**
 * The router: an in-memory text classifier mapping a citizen's message to a label (a duty-list
 * matter code in production, a CSV label in evaluation).
 *
 * Model: TF-IDF features from {@link tokenize} (jieba words + Han character n-grams; sub-linear
 * term frequency × smoothed IDF, L2-normalised), one-vs-rest L2-loss linear SVMs
 * ({@link trainBinarySvm}) on features scaled per label by naive-Bayes log-count ratios
 * (NB-SVM), and a softmax over the per-label scores with one temperature fitted
 * on out-of-fold scores (./calibration), so that `confidence` behaves like a probability
 * ("≥ 0.8 → auto-dispatch" means what it says, roughly) rather than a raw margin.
 *
 * Works from tiny data (a duty list's keywords and a few sentences per matter: a keyword is a
 * one-feature example, and rare words get a high IDF) to tens of thousands of tickets.
 * Training is deterministic for the same examples, order and options.
 */
import { calibratedProbabilities, fitCalibration } from './calibration';
import type { Calibration, OutOfFold } from './calibration';
import { FeatureIndex } from './features';
import type { FeatureCounts } from './features';
import { toSparseMatrix, trainBinarySvm } from './linear';
import type { SparseMatrix } from './linear';
import { stratifiedFolds } from './random';
import { decodeFloat32, encodeFloat32, FeatureWeights } from './weights';
import type { SerializedWeights } from './weights';
import { CHAR_PREFIX, DEFAULT_FEATURE_OPTIONS, featureSurface, tokenize, WORD_PREFIX } from './tokenize';
import type { FeatureOptions } from './tokenize';

/** One training text. `weight` (default 1) scales its cost: 0 ignores it, 3 counts it ~3 times. */
export interface TrainingExample {
  text: string;
  label: string;
  weight?: number;
}

/** Why a label was proposed: what in the text pushed the score toward it. */
export interface Explanation {
  /** Words / n-grams of the (normalised) text that pushed toward the label, strongest first, ≤ 8. */
  keywords: string[];
  /** The strongest raw features (`w:` word, `c:` character n-gram) and their contribution to the score, ≤ 8. */
  features: { feature: string; weight: number }[];
}

export interface Prediction {
  label: string;
  /** Calibrated probability of the label, in [0, 1]; the confidences of all labels sum to 1. */
  confidence: number;
  explanation: Explanation;
}

export interface ClassifierOptions extends FeatureOptions {
  /** SVM regularisation constant (higher = fit the training data harder). */
  C: number;
  /**
   * Minimum number of training texts a feature must occur in to enter the vocabulary.
   * `'auto'`: 2 from 1,000 examples on (drops typos and one-off names), else 1 (tiny duty lists
   * need every keyword).
   */
  minDf: number | 'auto';
  /** Solver stopping tolerance (LIBLINEAR's `-e`). */
  tolerance: number;
  /** Solver pass limit per label. */
  maxIterations: number;
  /**
   * Folds of the internal cross-validation that fits the softmax temperature; 0 or 1 = no
   * calibration (use `temperature`). Only as many folds are run as give ~3,000 held-out
   * examples: all of them for small data (≈ folds − 1 extra trainings), one from 9,000 examples
   * on (≈ 2/3 of an extra training). Skipped (falls back to `temperature`) with fewer than 20
   * examples or a single label.
   */
  calibrationFolds: number;
  /** Softmax temperature when not calibrated. */
  temperature: number;
  /** Seed of every random choice (solver visiting order, calibration folds). */
  seed: number;
  /**
   * NB-SVM (Wang & Manning, 2012): each label's SVM is trained on the features scaled by their
   * naive-Bayes log-count ratio for that label, log((p_j/‖p‖₁) / (q_j/‖q‖₁)), where p and q sum
   * the TF-IDF values of the label's texts and of the others', plus this smoothing. Words that
   * tell the labels apart weigh more, words every label uses fade. The ratios are folded into the
   * stored weights, so predicting costs the same. 0 turns it off (a plain linear SVM). `'auto'`:
   * 0.1 from 50 training texts per label on (on average), else off — a ratio estimated from a
   * dozen short texts (a fresh duty list's keywords and examples) is noise: on the demo duty
   * list it dispatched fewer simulated calls at the same precision.
   */
  nbSmoothing: number | 'auto';
  /**
   * Each label keeps the weights of magnitude at least this share of its largest (and non-zero);
   * 0 keeps every non-zero weight. A one-vs-rest model is dense only in form: the solver leaves
   * most weights at zero or within rounding of it, and those below a thousandth of the label's
   * strongest move a score by less than the rounding of a confidence. Dropping them makes a duty
   * list of hundreds of matters a model of megabytes instead of hundreds (see ./weights).
   */
  weightCutoff: number;
}

/**
 * Defaults, chosen once and kept fixed (not tuned per data set): C = 1 and a solver tolerance
 * of 0.1 are LIBLINEAR's defaults (C from 1 to 4 all score within 0.004 macro-F1 of each other
 * in 5-fold CV on the Teddy Cup messages, below the spread between fold seeds); jieba words +
 * Han character uni- and bigrams did better there than adding trigrams or word bigrams, or
 * leaving the words out. The fallback temperature 0.3 is near what calibration finds on real
 * messages (≈ 0.2 for 7 labels). NB-SVM scaling with a smoothing of 0.1 (about one
 * occurrence's TF-IDF value in a message of typical length) raised 5-fold macro-F1 there by
 * 0.006–0.008 under each of three fold seeds (0.1 did better than 0.03 and 0.3 on one seed;
 * Wang & Manning's interpolation toward the mean weight did worse); it is used from 50 texts
 * per label on ('auto'): on the demo duty list (≈ 13 short texts a matter) it dispatched 4 %
 * fewer simulated calls at the same precision.
 */
export const DEFAULT_CLASSIFIER_OPTIONS: Readonly<ClassifierOptions> = Object.freeze({
  ...DEFAULT_FEATURE_OPTIONS,
  C: 1,
  minDf: 'auto' as const,
  tolerance: 0.1,
  maxIterations: 1000,
  calibrationFolds: 3,
  temperature: 0.3,
  seed: 1,
  nbSmoothing: 'auto' as const,
  weightCutoff: 1e-3,
});

/** The stored form of a trained classifier: plain JSON (fits a PostgreSQL jsonb column or a file). */
export interface SerializedClassifier {
  format: 'minsheng.text-classifier';
  /** 2: sparse weights; 1 (read only): dense, feature-major, base64 float32. */
  version: 1 | 2;
  options: ClassifierOptions;
  labels: string[];
  /** Feature strings; position = feature index. */
  vocabulary: string[];
  /** IDF per feature: little-endian float32, base64. */
  idf: string;
  /** The weights (./weights); version 1: feature-major (`[feature × labels.length + label]`), little-endian float32, base64. */
  weights: SerializedWeights | string;
  /** Bias per label (float32 values). */
  bias: number[];
  /** Softmax temperature. */
  temperature: number;
  /** Number of (non-zero-weight) examples trained on. */
  examples: number;
}

const MAX_EXPLAINED = 8;
/** NB-SVM scaling (nbSmoothing 'auto') from this many training texts per label on, on average. */
const NB_MIN_TEXTS_PER_LABEL = 50;
/** Contributions considered for an explanation (the strongest; keywords merge words and n-grams among them). */
const EXPLANATION_CANDIDATES = 64;
const MIN_CALIBRATION_EXAMPLES = 20;
/** Held-out examples enough to fit the calibration; more folds than that only cost time. */
const CALIBRATION_TARGET = 3000;

/** A trained router. Create with {@link TextClassifier.train} or {@link TextClassifier.fromJSON}. */
export class TextClassifier {
  private readonly index: FeatureIndex;

  private constructor(
    private readonly options: ClassifierOptions,
    private readonly labelList: string[],
    private readonly vocabulary: string[],
    private readonly idf: Float32Array,
    private readonly weights: FeatureWeights,
    private readonly bias: Float32Array,
    private readonly calibration: Calibration,
    private readonly exampleCount: number,
  ) {
    this.index = new FeatureIndex(vocabulary, options);
  }

  /**
   * Trains a classifier. Examples with weight 0 are ignored; labels are sorted, so the same
   * examples in the same order with the same options give the same model.
   *
   * @throws Error when there is no example with a positive weight, a label is empty or a weight
   *   is negative or not finite.
   */
  static train(examples: readonly TrainingExample[], options: Partial<ClassifierOptions> = {}): TextClassifier {
    const opts = resolveOptions(options);
    const kept = validateExamples(examples);
    const labels = [...new Set(kept.map((e) => e.label))].sort();
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const y = Int32Array.from(kept, (e) => labelIndex.get(e.label) ?? -1);
    const exampleWeights = Float64Array.from(kept, (e) => e.weight ?? 1);

    const minDf = opts.minDf === 'auto' ? (kept.length >= 1000 ? 2 : 1) : opts.minDf;
    const nbSmoothing = opts.nbSmoothing === 'auto' ? (kept.length >= NB_MIN_TEXTS_PER_LABEL * labels.length ? 0.1 : 0) : opts.nbSmoothing;
    const { vocabulary, idf, docs } = buildVocabulary(kept, opts, minDf);
    const x = toSparseMatrix(
      docs.map((d) => vectorize(d, idf)),
      vocabulary.length,
    );

    const K = labels.length;
    const costs = Float64Array.from(exampleWeights, (w) => opts.C * w);
    const solver = { tolerance: opts.tolerance, maxIterations: opts.maxIterations, seed: opts.seed };
    const weights = FeatureWeights.builder(vocabulary.length, K);
    const bias = new Float32Array(K);
    for (let c = 0; c < K; c++) {
      const w = trainLabel(x, y, c, exampleWeights, costs, solver, nbSmoothing);
      weights.add(c, w, opts.weightCutoff);
      bias[c] = w[vocabulary.length];
    }

    const oof = outOfFoldScores(x, y, exampleWeights, costs, K, opts, nbSmoothing);
    const calibration = (oof && fitCalibration(oof, K, MIN_CALIBRATION_EXAMPLES)) ?? { temperature: opts.temperature };
    return new TextClassifier(opts, labels, vocabulary, idf, weights.build(), bias, calibration, kept.length);
  }

  /** The weight of a feature (`w:路灯`, `c:路`) for a label; 0 when either is unknown or the weight was not kept. */
  weightOf(feature: string, label: string): number {
    const j = this.index.idOf(feature);
    const c = this.labelList.indexOf(label);
    return j < 0 || c < 0 ? 0 : this.weights.weight(j, c);
  }

  /** Number of (feature, label) weights held. */
  get weightCount(): number {
    return this.weights.size;
  }

  /** The labels this classifier can predict, sorted. */
  get labels(): string[] {
    return [...this.labelList];
  }

  /**
   * The `k` most probable labels for a text, best first, each with its calibrated confidence and
   * an explanation. A text with no known feature gets the labels' prior-like scores (low
   * confidence spread over all labels). Each explanation is worked out when first read: it costs
   * more than the prediction, and a caller may need only the best one's.
   */
  predict(text: string, k = 3): Prediction[] {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
    const K = this.labelList.length;
    const doc = vectorize(this.index.count(text), this.idf);
    const scores = this.scores(doc);
    const probs = calibratedProbabilities(scores, this.calibration);
    const order = Array.from({ length: K }, (_, c) => c).sort((a, b) => probs[b] - probs[a] || a - b);
    return order.slice(0, Math.min(k, K)).map((c) => {
      let explanation: Explanation | undefined;
      const explain = () => (explanation ??= this.explain(doc, c));
      return {
        label: this.labelList[c],
        confidence: probs[c],
        get explanation() {
          return explain();
        },
      };
    });
  }

  /** Plain-JSON form; {@link TextClassifier.fromJSON} restores it with identical predictions. */
  toJSON(): SerializedClassifier {
    return {
      format: 'minsheng.text-classifier',
      version: 2,
      options: { ...this.options, charNgrams: [...this.options.charNgrams] },
      labels: [...this.labelList],
      vocabulary: [...this.vocabulary],
      idf: encodeFloat32(this.idf),
      weights: this.weights.toJSON(),
      bias: Array.from(this.bias),
      temperature: this.calibration.temperature,
      examples: this.exampleCount,
    };
  }

  /**
   * Restores a classifier stored by {@link TextClassifier.toJSON}, without retraining.
   * @throws Error when `json` is not a serialized classifier of a supported version or is inconsistent.
   */
  static fromJSON(json: SerializedClassifier): TextClassifier {
    const bad = (why: string) => new Error(`not a serialized TextClassifier: ${why}`);
    if (json === null || typeof json !== 'object') throw bad('expected an object');
    if (json.format !== 'minsheng.text-classifier') throw bad(`format is ${JSON.stringify(json.format)}`);
    if (json.version !== 1 && json.version !== 2) throw bad(`unsupported version ${JSON.stringify(json.version)}`);
    if (!Array.isArray(json.labels) || json.labels.length === 0 || !json.labels.every((l) => typeof l === 'string')) {
      throw bad('labels must be a non-empty array of strings');
    }
    if (!Array.isArray(json.vocabulary) || !json.vocabulary.every((f) => typeof f === 'string')) {
      throw bad('vocabulary must be an array of strings');
    }
    const K = json.labels.length;
    const D = json.vocabulary.length;
    const idf = decodeFloat32(json.idf, D, 'idf');
    const weights =
      json.version === 1
        ? FeatureWeights.fromDense(decodeFloat32(json.weights, D * K, 'weights'), D, K)
        : FeatureWeights.fromJSON(json.weights as SerializedWeights, D, K);
    if (!idf.every(Number.isFinite)) throw bad('idf must hold finite numbers');
    if (!Array.isArray(json.bias) || json.bias.length !== K || !json.bias.every((b) => Number.isFinite(b))) throw bad(`bias must hold ${K} finite numbers`);
    if (!(typeof json.temperature === 'number' && json.temperature > 0)) throw bad('temperature must be a positive number');
    // a model stored before NB-SVM scaling existed was trained without it
    const stored: Partial<ClassifierOptions> = json.options ?? {};
    // (and one stored before sparse weights kept every weight)
    const options = resolveOptions({ ...stored, nbSmoothing: stored.nbSmoothing ?? 0, weightCutoff: stored.weightCutoff ?? 0 });
    return new TextClassifier(
      options,
      [...json.labels],
      [...json.vocabulary],
      idf,
      weights,
      Float32Array.from(json.bias),
      { temperature: json.temperature },
      typeof json.examples === 'number' ? json.examples : 0,
    );
  }

  private scores(doc: SparseDoc): Float64Array {
    const s = Float64Array.from(this.bias);
    for (let k = 0; k < doc.indices.length; k++) this.weights.addTo(s, doc.indices[k], doc.values[k]);
    return s;
  }

  private explain(doc: SparseDoc, label: number): Explanation {
    const n = doc.indices.length;
    const contribution = new Float64Array(n);
    let positives = 0;
    for (let k = 0; k < n; k++) {
      contribution[k] = doc.values[k] * this.weights.weight(doc.indices[k], label);
      if (contribution[k] > 0) positives++;
    }
    // Only the strongest few can make the explanation: find the cut without sorting them all.
    const cut = positives > EXPLANATION_CANDIDATES ? kthLargest(contribution, EXPLANATION_CANDIDATES) : 0;
    const candidates: { feature: string; weight: number }[] = [];
    for (let k = 0; k < n; k++) {
      if (contribution[k] > 0 && contribution[k] >= cut) candidates.push({ feature: this.vocabulary[doc.indices[k]], weight: contribution[k] });
    }
    candidates.sort((a, b) => b.weight - a.weight || (a.feature < b.feature ? -1 : 1));
    return {
      keywords: pickKeywords(candidates, (surface) => this.index.idOf(WORD_PREFIX + surface) >= 0),
      features: candidates.slice(0, MAX_EXPLAINED).map((c) => ({ feature: c.feature, weight: round(c.weight, 6) })),
    };
  }
}

// ---------------------------------------------------------------------------------------------

interface SparseDoc {
  indices: Int32Array;
  values: Float64Array;
}

function resolveOptions(partial: Partial<ClassifierOptions>): ClassifierOptions {
  const o: ClassifierOptions = { ...DEFAULT_CLASSIFIER_OPTIONS, ...stripUndefined(partial) };
  const positive = (name: keyof ClassifierOptions, v: number) => {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`option ${name} must be a positive number, got ${v}`);
  };
  positive('C', o.C);
  positive('tolerance', o.tolerance);
  positive('temperature', o.temperature);
  if (o.nbSmoothing !== 'auto' && !(Number.isFinite(o.nbSmoothing) && o.nbSmoothing >= 0)) {
    throw new RangeError(`option nbSmoothing must be 'auto' or a number ≥ 0, got ${o.nbSmoothing}`);
  }
  if (!(Number.isFinite(o.weightCutoff) && o.weightCutoff >= 0 && o.weightCutoff < 1)) {
    throw new RangeError(`option weightCutoff must be a number in [0, 1), got ${o.weightCutoff}`);
  }
  if (!Number.isInteger(o.maxIterations) || o.maxIterations < 1) throw new RangeError(`option maxIterations must be a positive integer`);
  if (!Number.isInteger(o.calibrationFolds) || o.calibrationFolds < 0) throw new RangeError(`option calibrationFolds must be an integer ≥ 0`);
  if (o.minDf !== 'auto' && !(Number.isInteger(o.minDf) && o.minDf >= 1)) throw new RangeError(`option minDf must be 'auto' or an integer ≥ 1`);
  if (!(Number.isInteger(o.maxChars) && o.maxChars >= 1)) throw new RangeError('option maxChars must be a positive integer');
  const [a, b] = o.charNgrams;
  if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= a && b <= 5)) {
    throw new RangeError(`option charNgrams must be [min, max] with 0 ≤ min ≤ max ≤ 5`);
  }
  if (!o.words && b === 0) throw new RangeError('options select no feature: enable words or charNgrams');
  return { ...o, charNgrams: [a, b] };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateExamples(examples: readonly TrainingExample[]): TrainingExample[] {
  const kept: TrainingExample[] = [];
  examples.forEach((e, i) => {
    if (typeof e.label !== 'string' || e.label.length === 0) throw new Error(`training example ${i} has no label`);
    if (typeof e.text !== 'string') throw new Error(`training example ${i} has no text`);
    const w = e.weight ?? 1;
    if (!(Number.isFinite(w) && w >= 0)) throw new Error(`training example ${i} has an invalid weight ${w}`);
    if (w > 0) kept.push(e);
  });
  if (kept.length === 0) throw new Error('no training example (with a positive weight)');
  return kept;
}

/**
 * Tokenizes the training texts once and builds the vocabulary (by descending document frequency) of the features
 * in ≥ minDf texts, with smoothed IDF ln((1+N)/(1+df)) + 1, and each text's feature counts.
 * Texts are held as integer ids, not strings (a few hundred MB less for 10,000 long messages);
 * the counts come out exactly as `FeatureIndex.count` gives them at prediction time.
 */
function buildVocabulary(
  examples: readonly TrainingExample[],
  options: FeatureOptions,
  minDf: number,
): { vocabulary: string[]; idf: Float32Array; docs: FeatureCounts[] } {
  const seen = new Map<string, number>(); // every distinct feature → provisional id
  const df: number[] = [];
  const lastDoc: number[] = [];
  const provisional = examples.map((e, doc) => {
    const tokens = tokenize(e.text, options);
    const ids = new Int32Array(tokens.length);
    tokens.forEach((t, k) => {
      let id = seen.get(t);
      if (id === undefined) {
        id = df.length;
        seen.set(t, id);
        df.push(0);
        lastDoc.push(-1);
      }
      if (lastDoc[id] !== doc) {
        lastDoc[id] = doc;
        df[id]++;
      }
      ids[k] = id;
    });
    return ids;
  });
  const vocabulary: string[] = [];
  const idfValues: number[] = [];
  const final = new Int32Array(df.length).fill(-1);
  const n = examples.length;
  // Most frequent features first (ties: first seen first): the solver's hot weights then sit
  // together in memory, which makes training markedly faster.
  const names = [...seen.keys()];
  seen.clear();
  const order = Array.from(names.keys())
    .filter((id) => df[id] >= minDf)
    .sort((a, b) => df[b] - df[a] || a - b);
  for (const id of order) {
    final[id] = vocabulary.length;
    vocabulary.push(names[id]);
    idfValues.push(Math.log((1 + n) / (1 + df[id])) + 1);
  }
  const scratch = new Int32Array(vocabulary.length);
  const docs = provisional.map((ids) => {
    const touched: number[] = [];
    for (const p of ids) {
      const j = final[p];
      if (j < 0) continue;
      if (scratch[j] === 0) touched.push(j);
      scratch[j]++;
    }
    const counts = Float64Array.from(touched, (j) => scratch[j]);
    for (const j of touched) scratch[j] = 0;
    return { ids: Int32Array.from(touched), counts };
  });
  return { vocabulary, idf: Float32Array.from(idfValues), docs };
}

/** Sub-linear TF × IDF, L2-normalised. */
function vectorize({ ids, counts }: FeatureCounts, idf: Float32Array): SparseDoc {
  const values = new Float64Array(ids.length);
  let sq = 0;
  for (let k = 0; k < ids.length; k++) {
    const v = (1 + Math.log(counts[k])) * idf[ids[k]];
    values[k] = v;
    sq += v * v;
  }
  if (sq > 0) {
    const norm = Math.sqrt(sq);
    for (let k = 0; k < values.length; k++) values[k] /= norm;
  }
  return { indices: ids, values };
}

function binaryTargets(y: Int32Array, positive: number): Int8Array {
  return Int8Array.from(y, (v) => (v === positive ? 1 : -1));
}

/**
 * Scores of held-out training examples for the calibration: internal stratified CV on the
 * training data, same vocabulary (see `calibrationFolds`). Undefined when calibration is off or
 * the data too small.
 */
/** One label's one-vs-rest weights (bias last), to be applied to the unscaled features. */
function trainLabel(
  x: SparseMatrix,
  y: Int32Array,
  c: number,
  exampleWeights: Float64Array,
  costs: Float64Array,
  solver: { tolerance: number; maxIterations: number; seed: number },
  nbSmoothing: number,
  subset?: Int32Array,
): Float64Array {
  const targets = binaryTargets(y, c);
  if (!nbSmoothing) return trainBinarySvm(x, targets, costs, solver, subset);
  const D = x.columns;
  const p = new Float64Array(D).fill(nbSmoothing);
  const q = new Float64Array(D).fill(nbSmoothing);
  const rows = subset ?? Int32Array.from({ length: x.rows }, (_, i) => i);
  for (const i of rows) {
    const into = y[i] === c ? p : q;
    const weight = exampleWeights[i];
    for (let k = x.rowStart[i]; k < x.rowStart[i + 1]; k++) into[x.indices[k]] += weight * x.values[k];
  }
  let ps = 0;
  let qs = 0;
  for (let j = 0; j < D; j++) {
    ps += p[j];
    qs += q[j];
  }
  const r = new Float64Array(D);
  for (let j = 0; j < D; j++) r[j] = Math.log(p[j] / ps) - Math.log(q[j] / qs);
  const values = new Float64Array(x.values.length);
  for (let k = 0; k < values.length; k++) values[k] = x.values[k] * r[x.indices[k]];
  const w = trainBinarySvm({ ...x, values }, targets, costs, solver, subset);
  for (let j = 0; j < D; j++) w[j] *= r[j];
  return w;
}

function outOfFoldScores(
  x: SparseMatrix,
  y: Int32Array,
  exampleWeights: Float64Array,
  costs: Float64Array,
  K: number,
  opts: ClassifierOptions,
  nbSmoothing: number,
): OutOfFold | undefined {
  const folds = opts.calibrationFolds;
  if (folds < 2 || K < 2 || x.rows < Math.max(MIN_CALIBRATION_EXAMPLES, 2 * folds)) return undefined;
  const fold = stratifiedFolds(Array.from(y, String), folds, opts.seed);
  const solver = { tolerance: opts.tolerance, maxIterations: opts.maxIterations, seed: opts.seed };
  const oof: OutOfFold = { scores: [], labels: [], weights: [] };
  const foldsToRun = Math.min(folds, Math.ceil(CALIBRATION_TARGET / (x.rows / folds)));
  for (let f = 0; f < foldsToRun; f++) {
    const trainRows: number[] = [];
    const testRows: number[] = [];
    for (let i = 0; i < x.rows; i++) (fold[i] === f ? testRows : trainRows).push(i);
    const seen = new Set(trainRows.map((i) => y[i]));
    const subset = Int32Array.from(trainRows);
    const scores = testRows.map(() => new Float64Array(K));
    for (let c = 0; c < K; c++) {
      const w = trainLabel(x, y, c, exampleWeights, costs, solver, nbSmoothing, subset);
      testRows.forEach((i, r) => {
        let s = w[x.columns];
        for (let k = x.rowStart[i]; k < x.rowStart[i + 1]; k++) s += w[x.indices[k]] * x.values[k];
        scores[r][c] = s;
      });
    }
    testRows.forEach((i, r) => {
      if (!seen.has(y[i])) return; // a label absent from this fold's training part says nothing
      oof.scores.push(scores[r]);
      oof.labels.push(y[i]);
      oof.weights.push(exampleWeights[i]);
    });
  }
  return oof;
}

/**
 * Keywords from the strongest positive contributions. A keyword is a word: a jieba word of the
 * text, or a character n-gram that is a known word (路灯 when jieba cut this text 路 | 灯不亮),
 * never a fragment across words (的路, 行证). Its strength is its own contribution plus those of
 * the character n-grams inside it (港澳通行证 gathers 港澳, 通行, 行证 …). Single characters and
 * bare numbers are left out, and so is a keyword inside, or containing, a stronger one.
 */
function pickKeywords(candidates: { feature: string; weight: number }[], isWord: (surface: string) => boolean): string[] {
  const grams = new Map<string, number>();
  const words = new Set<string>();
  for (const c of candidates) {
    const surface = featureSurface(c.feature);
    if (c.feature.startsWith(CHAR_PREFIX)) grams.set(surface, (grams.get(surface) ?? 0) + c.weight);
    if ([...surface].length >= 2 && !/^[0-9.]+$/.test(surface) && (c.feature.startsWith(WORD_PREFIX) || isWord(surface))) {
      words.add(surface);
    }
  }
  const own = new Map<string, number>();
  for (const c of candidates) if (c.feature.startsWith(WORD_PREFIX)) own.set(featureSurface(c.feature), c.weight);
  const ranked = [...words]
    .map((w) => {
      let strength = own.get(w) ?? 0;
      for (const [gram, weight] of grams) if (w.includes(gram)) strength += weight;
      return [w, strength] as const;
    })
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const keywords: string[] = [];
  for (const [w] of ranked) {
    if (keywords.length >= MAX_EXPLAINED) break;
    if (keywords.some((k) => k.includes(w) || w.includes(k))) continue;
    keywords.push(w);
  }
  return keywords;
}

/** The k-th largest value (1-based) of a non-empty array, by a size-k min-heap. */
function kthLargest(values: Float64Array, k: number): number {
  const heap = new Float64Array(k);
  let size = 0;
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && heap[l] < heap[m]) m = l;
      if (r < size && heap[r] < heap[m]) m = r;
      if (m === i) return;
      const t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      i = m;
    }
  };
  for (const v of values) {
    if (size < k) {
      let i = size++;
      heap[i] = v;
      while (i > 0 && heap[(i - 1) >> 1] > heap[i]) {
        const p = (i - 1) >> 1;
        const t = heap[i];
        heap[i] = heap[p];
        heap[p] = t;
        i = p;
      }
    } else if (v > heap[0]) {
      heap[0] = v;
      siftDown(0);
    }
  }
  return heap[0];
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
