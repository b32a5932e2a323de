/**
 * A trained router's weights, sparse and feature-major (CSR by feature): for each feature, the
 * labels it speaks for and how strongly. A one-vs-rest model holds a weight for every feature ×
 * label pair, but nearly all of them are zero or next to it — a duty list of 517 matters learned
 * with 5,000 tickets has 130,000 features and 67 million pairs, 81 % exactly zero (and the rest
 * mostly below a thousandth of the label's strongest weight). Stored densely that model was
 * 360 MB of JSON, more than a PostgreSQL `jsonb` value may hold; sparse, it is a few megabytes,
 * and a prediction visits only the pairs of the text's own features.
 */

/** The stored form: three little-endian base64 arrays. */
export interface SerializedWeights {
  /** int32 × (features + 1): feature `j`'s pairs are `[start[j], start[j + 1])`. */
  start: string;
  /** int32 per pair: the label, ascending within a feature. */
  labels: string;
  /** float32 per pair: the weight. */
  values: string;
}

export class FeatureWeights {
  /** Use {@link FeatureWeights.builder}, {@link FeatureWeights.fromDense} or {@link FeatureWeights.fromJSON}. */
  constructor(
    readonly featureCount: number,
    readonly labelCount: number,
    private readonly start: Int32Array,
    private readonly labels: Int32Array,
    private readonly values: Float32Array,
  ) {}

  /** Collects the weights label by label (in ascending label order) while a model trains. */
  static builder(featureCount: number, labelCount: number): FeatureWeightsBuilder {
    return new FeatureWeightsBuilder(featureCount, labelCount);
  }

  /** From a dense feature-major array (`[feature × labelCount + label]`), keeping every non-zero weight. */
  static fromDense(dense: Float32Array, featureCount: number, labelCount: number): FeatureWeights {
    const bad = dense.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw badJson(`weights[${bad}] is ${dense[bad]}, not a finite number`);
    const b = FeatureWeights.builder(featureCount, labelCount);
    const column = new Float64Array(featureCount);
    for (let c = 0; c < labelCount; c++) {
      for (let j = 0; j < featureCount; j++) column[j] = dense[j * labelCount + c];
      b.add(c, column, 0);
    }
    return b.build();
  }

  /** @throws Error when the stored arrays are malformed or do not fit `featureCount` × `labelCount`. */
  static fromJSON(json: SerializedWeights, featureCount: number, labelCount: number): FeatureWeights {
    if (json === null || typeof json !== 'object') throw badJson('weights must be an object');
    const start = decodeInt32(json.start, featureCount + 1, 'weights.start');
    const pairs = start[featureCount];
    const labels = decodeInt32(json.labels, pairs, 'weights.labels');
    const values = decodeFloat32(json.values, pairs, 'weights.values');
    if (start[0] !== 0) throw badJson('weights.start must begin at 0');
    for (let j = 0; j < featureCount; j++) {
      if (start[j + 1] < start[j]) throw badJson('weights.start must not decrease');
      for (let p = start[j]; p < start[j + 1]; p++) {
        if (!(labels[p] >= 0 && labels[p] < labelCount) || (p > start[j] && labels[p] <= labels[p - 1])) {
          throw badJson(`weights.labels of feature ${j} must be ascending label indexes below ${labelCount}`);
        }
        if (!Number.isFinite(values[p])) throw badJson(`weights.values of feature ${j} must be finite numbers, got ${values[p]}`);
      }
    }
    return new FeatureWeights(featureCount, labelCount, start, labels, values);
  }

  toJSON(): SerializedWeights {
    return { start: encodeInt32(this.start), labels: encodeInt32(this.labels), values: encodeFloat32(this.values) };
  }

  /** Number of stored (feature, label) pairs. */
  get size(): number {
    return this.values.length;
  }

  /** Adds `value × weight(feature, ·)` to every label's score. */
  addTo(scores: Float64Array, feature: number, value: number): void {
    for (let p = this.start[feature]; p < this.start[feature + 1]; p++) scores[this.labels[p]] += value * this.values[p];
  }

  /** The weight of one pair (0 when not stored). */
  weight(feature: number, label: number): number {
    let lo = this.start[feature];
    let hi = this.start[feature + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const l = this.labels[mid];
      if (l === label) return this.values[mid];
      if (l < label) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }
}

export class FeatureWeightsBuilder {
  private readonly features: Int32Array[] = [];
  private readonly weights: Float32Array[] = [];

  constructor(
    private readonly featureCount: number,
    private readonly labelCount: number,
  ) {}

  /**
   * Adds the next label's weights (`w[0 .. featureCount)`; anything after, such as a bias, is
   * ignored), keeping those of magnitude at least `cutoff` × the label's largest and non-zero.
   */
  add(label: number, w: ArrayLike<number>, cutoff: number): void {
    if (label !== this.features.length) throw new Error(`labels must be added in order: expected ${this.features.length}, got ${label}`);
    let largest = 0;
    for (let j = 0; j < this.featureCount; j++) largest = Math.max(largest, Math.abs(w[j]));
    const threshold = cutoff * largest;
    let kept = 0;
    for (let j = 0; j < this.featureCount; j++) if (keep(w[j], threshold)) kept++;
    const features = new Int32Array(kept);
    const weights = new Float32Array(kept);
    let at = 0;
    for (let j = 0; j < this.featureCount; j++) {
      if (!keep(w[j], threshold)) continue;
      features[at] = j;
      weights[at++] = w[j];
    }
    this.features.push(features);
    this.weights.push(weights);
  }

  build(): FeatureWeights {
    if (this.features.length !== this.labelCount) throw new Error(`${this.features.length} of ${this.labelCount} labels added`);
    const start = new Int32Array(this.featureCount + 1);
    for (const fs of this.features) for (const j of fs) start[j + 1]++;
    for (let j = 0; j < this.featureCount; j++) start[j + 1] += start[j];
    const next = start.slice(0, this.featureCount);
    const labels = new Int32Array(start[this.featureCount]);
    const values = new Float32Array(start[this.featureCount]);
    // labels in ascending order, so each feature's pairs come out sorted by label
    this.features.forEach((fs, c) => {
      const ws = this.weights[c];
      for (let k = 0; k < fs.length; k++) {
        const p = next[fs[k]]++;
        labels[p] = c;
        values[p] = ws[k];
      }
    });
    return new FeatureWeights(this.featureCount, this.labelCount, start, labels, values);
  }
}

/** Non-zero once stored as float32, and not below the threshold. */
function keep(v: number, threshold: number): boolean {
  return Math.fround(v) !== 0 && Math.abs(v) >= threshold;
}

function badJson(why: string): Error {
  return new Error(`not a serialized TextClassifier: ${why}`);
}

export function encodeFloat32(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return Buffer.from(bytes).toString('base64');
}

export function decodeFloat32(encoded: unknown, expectedLength: number, what: string): Float32Array {
  const view = decode(encoded, expectedLength, what);
  const out = new Float32Array(expectedLength);
  for (let i = 0; i < expectedLength; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function encodeInt32(values: Int32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setInt32(i * 4, values[i], true);
  return Buffer.from(bytes).toString('base64');
}

function decodeInt32(encoded: unknown, expectedLength: number, what: string): Int32Array {
  const view = decode(encoded, expectedLength, what);
  const out = new Int32Array(expectedLength);
  for (let i = 0; i < expectedLength; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}

function decode(encoded: unknown, expectedLength: number, what: string): DataView {
  if (typeof encoded !== 'string') throw badJson(`${what} must be a base64 string`);
  if (!(Number.isInteger(expectedLength) && expectedLength >= 0)) throw badJson(`${what}: bad length ${expectedLength}`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw badJson(`${what} is not base64`);
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== expectedLength * 4) throw badJson(`${what} holds ${bytes.length / 4} values, expected ${expectedLength}`);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
