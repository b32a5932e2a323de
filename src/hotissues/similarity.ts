/**
 * Near-duplicate detection for short Chinese texts (重复件: the same request sent again, or a
 * letter copied by several citizens): MinHash signatures over character shingles, indexed by
 * locality-sensitive hashing (LSH), so that a new text finds its near-copies among the recent
 * ones in well under a millisecond.
 *
 * The pipeline, each step a small exported function:
 *
 * 1. {@link normalizeForMatching}: the first {@link MAX_TEXT_CHARS} characters, Unicode NFKC
 *    (full-width → half-width), lower case, and only letters and digits kept: whitespace,
 *    punctuation and symbols vanish, so "您好！" and "您好," match.
 * 2. {@link shingleHashes}: the set of character k-grams (3 by default) of the normalised text,
 *    each hashed to 32 bits, sorted and unique.
 * 3. {@link minhashSignature}: for each of `bands × rows` fixed, seeded hash functions, the
 *    smallest hash of any shingle. Two signatures agree at a position with probability equal to
 *    the Jaccard index of the shingle sets, so the share of agreeing positions estimates it.
 * 4. {@link NearDuplicateIndex}: the signature is cut into `bands` bands of `rows` values; a text
 *    sharing at least `minBandHits` whole bands with the query is a candidate, and every candidate
 *    is verified on the exact shingle sets.
 *
 * Two texts A and B (shingle sets) are near-duplicates when either
 *
 * - their Jaccard index |A ∩ B| / |A ∪ B| is at least `minSimilarity` (default 0.5). Two texts of
 *   equal length with Jaccard 0.5 share two thirds of each one's shingles (I = 2n/3, so
 *   I / (2n − I) = 1/2); a text and a copy with as much again appended also have Jaccard 0.5.
 *   Below that, the texts are more different than alike; or
 * - their containment |A ∩ B| / min(|A|, |B|) is at least `minContainment` (default 0.8), the
 *   shorter text has at least {@link MIN_CONTAINED_SHINGLES} shingles and at least a quarter of
 *   the longer one's: a re-post that repeats an earlier message and adds to it (再次反映) has a
 *   low Jaccard index but contains the earlier text. The size floors keep a short phrase found
 *   inside a long letter from counting.
 *
 * With the defaults (64 bands × 2 rows, 2 band hits) a pair with Jaccard J is a candidate with
 * probability 1 − (1 − J²)⁶⁴ − 64·J²·(1 − J²)⁶³: 1.000 at J = 0.5, 0.98 at 0.3, 0.92 at 0.25,
 * 0.73 at 0.2 (the Jaccard floor of a containment match is ≈ 0.19), and 0.011 at J = 0.05. Two
 * unrelated messages of one city share far less, so few candidates are verified: streaming the
 * 4,305 Teddy Cup messages through an index, a query verified 0.24 stored texts on average.
 */

// A local binding: hot loops must not look up the global `Math` (slow inside vm contexts, as under jest).
const imul = Math.imul;

/** Texts are cut to this many characters (UTF-16 units) before anything else. */
export const MAX_TEXT_CHARS = 20_000;

/** Options of the sketch of a text: what {@link NearDuplicateIndex} compares. */
export interface SketchOptions {
  /** Characters per shingle (default 3). */
  shingleSize: number;
  /** LSH bands (default 64). */
  bands: number;
  /** Signature values per band (default 2); the signature has `bands × rows` values. */
  rows: number;
  /** Seed of the hash family (default 1): signatures are comparable only under one seed. */
  seed: number;
}

export const DEFAULT_SKETCH_OPTIONS: Readonly<SketchOptions> = Object.freeze({
  shingleSize: 3,
  bands: 64,
  rows: 2,
  seed: 1,
});

/** Default minimum Jaccard index for two texts to count as near-duplicates (see the file's comment). */
export const DEFAULT_MIN_SIMILARITY = 0.5;

/** Default minimum containment (share of the shorter text's shingles found in the longer one). */
export const DEFAULT_MIN_CONTAINMENT = 0.8;

/** A containment match needs the shorter text to have at least this many shingles (≈ 20 characters). */
export const MIN_CONTAINED_SHINGLES = 18;

/** … and at least this share of the longer text's shingles. */
export const MIN_CONTAINED_SIZE_RATIO = 0.25;

/** The first `maxChars` UTF-16 units of a text, without a dangling half of a surrogate pair. */
export function capText(text: string, maxChars: number = MAX_TEXT_CHARS): string {
  if (typeof text !== 'string') return '';
  if (text.length <= maxChars) return text;
  const code = text.charCodeAt(maxChars - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? maxChars - 1 : maxChars);
}

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/**
 * The text two messages are compared on: capped at {@link MAX_TEXT_CHARS}, NFKC (full-width →
 * half-width: "ＡＢＣ１２３" → "abc123"), lower case, whitespace, punctuation and symbols removed.
 * Two texts with the same normalised form are exact duplicates.
 *
 * ```ts
 * normalizeForMatching('您好！Ａ市 ５８车贷…') // '您好a市58车贷'
 * ```
 */
export function normalizeForMatching(text: string): string {
  return capText(text).normalize('NFKC').toLowerCase().replace(NOT_LETTER_OR_DIGIT, '');
}

/** MurmurHash3's 32-bit finaliser: a bijection with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The sorted, unique 32-bit hashes of the character k-grams of an already normalised text
 * (k counted in code points, so rare Han characters outside the BMP are one character). A text
 * shorter than k has one shingle, itself; the empty text has none.
 */
export function shingleHashes(normalized: string, k: number = DEFAULT_SKETCH_OPTIONS.shingleSize): Uint32Array {
  const size = Math.max(1, Math.floor(k));
  const codes: number[] = [];
  for (const ch of normalized) codes.push(ch.codePointAt(0) ?? 0);
  if (codes.length === 0) return new Uint32Array(0);
  const count = Math.max(1, codes.length - size + 1);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    // FNV-1a over the code points, then a finaliser: distinct shingles collide with p ≈ 2⁻³²
    let h = 0x811c9dc5 ^ size;
    const end = Math.min(codes.length, i + size);
    for (let j = i; j < end; j++) h = imul(h ^ codes[j], 0x01000193);
    out[i] = fmix32(h);
  }
  out.sort();
  let n = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[n - 1]) out[n++] = out[i];
  return out.subarray(0, n);
}

/** The exact Jaccard index of two sorted unique hash sets; 0 when either is empty. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  const common = intersectionSize(a, b);
  return common / (a.length + b.length - common);
}

/** The number of hashes two sorted unique hash sets have in common. */
export function intersectionSize(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return common;
}

/**
 * Compares two shingle sets by the near-duplicate rule of this module (see the file's comment):
 * their Jaccard index and containment when they match, undefined when they do not.
 * Pass `minContainment = Infinity` for Jaccard alone.
 */
export function compareShingles(
  a: Uint32Array,
  b: Uint32Array,
  minSimilarity: number = DEFAULT_MIN_SIMILARITY,
  minContainment: number = DEFAULT_MIN_CONTAINMENT,
): { similarity: number; containment: number } | undefined {
  const small = Math.min(a.length, b.length);
  const large = Math.max(a.length, b.length);
  if (small === 0) return undefined;
  const byContainment = minContainment <= 1 && small >= MIN_CONTAINED_SHINGLES && small >= MIN_CONTAINED_SIZE_RATIO * large;
  // Jaccard ≤ small / large: skip pairs that can reach neither threshold without counting
  if (!byContainment && small < minSimilarity * large) return undefined;
  const common = intersectionSize(a, b);
  if (common === 0) return undefined;
  const similarity = common / (a.length + b.length - common);
  const containment = common / small;
  if (similarity >= minSimilarity || (byContainment && containment >= minContainment)) return { similarity, containment };
  return undefined;
}

function clamp01(value: number | undefined, dflt: number): number {
  return value !== undefined && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : dflt;
}

const familyCache = new Map<string, Uint32Array>();

/** The seeds of the hash family: `count` 32-bit values from a fixed seed (splitmix32). */
export function hashFamily(count: number, seed: number = DEFAULT_SKETCH_OPTIONS.seed): Uint32Array {
  const key = `${count}:${seed}`;
  let family = familyCache.get(key);
  if (!family) {
    family = new Uint32Array(count);
    let state = seed >>> 0;
    for (let i = 0; i < count; i++) {
      state = (state + 0x9e3779b9) >>> 0;
      family[i] = fmix32(state);
    }
    familyCache.set(key, family);
  }
  return family;
}

/**
 * The MinHash signature of a shingle set: position i holds min over shingles x of
 * fmix32(x ⊕ seedᵢ). Deterministic across runs and machines. The empty set gives all
 * 0xFFFFFFFF (and never matches anything in {@link NearDuplicateIndex}).
 */
export function minhashSignature(shingles: Uint32Array, count: number, seed: number = DEFAULT_SKETCH_OPTIONS.seed): Uint32Array {
  const family = hashFamily(count, seed);
  const sig = new Uint32Array(count).fill(0xffffffff);
  for (let s = 0; s < shingles.length; s++) {
    const x = shingles[s];
    for (let i = 0; i < count; i++) {
      // fmix32 inlined: this loop is most of the time of a sketch
      let h = x ^ family[i];
      h ^= h >>> 16;
      h = imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = imul(h, 0xc2b2ae35);
      h = (h ^ (h >>> 16)) >>> 0;
      if (h < sig[i]) sig[i] = h;
    }
  }
  return sig;
}

/** The share of positions where two signatures of equal length agree: an estimate of Jaccard. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
  let same = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) same++;
  return same / n;
}

/** What a text is compared by: its shingle set and MinHash signature. */
export interface TextSketch {
  normalized: string;
  shingles: Uint32Array;
  signature: Uint32Array;
}

/** The sketch of a text under the given options. */
export function sketchText(text: string, options: Partial<SketchOptions> = {}): TextSketch {
  const o = resolveSketchOptions(options);
  const normalized = normalizeForMatching(text);
  const shingles = shingleHashes(normalized, o.shingleSize);
  return { normalized, shingles, signature: minhashSignature(shingles, o.bands * o.rows, o.seed) };
}

function resolveSketchOptions(options: Partial<SketchOptions>): SketchOptions {
  const o = { ...DEFAULT_SKETCH_OPTIONS, ...options };
  const int = (v: number, dflt: number, max: number) => (Number.isFinite(v) ? Math.min(max, Math.max(1, Math.floor(v))) : dflt);
  return {
    shingleSize: int(o.shingleSize, DEFAULT_SKETCH_OPTIONS.shingleSize, 64),
    bands: int(o.bands, DEFAULT_SKETCH_OPTIONS.bands, 1024),
    rows: int(o.rows, DEFAULT_SKETCH_OPTIONS.rows, 64),
    seed: Number.isFinite(o.seed) ? o.seed >>> 0 : DEFAULT_SKETCH_OPTIONS.seed,
  };
}

/** Options of a {@link NearDuplicateIndex}. */
export interface NearDuplicateIndexOptions extends SketchOptions {
  /** At most this many texts are kept; adding one more evicts the oldest (default: unbounded). */
  maxSize: number;
  /** A stored text is a candidate when it shares at least this many bands with the query (default 2). */
  minBandHits: number;
}

/** Options of {@link NearDuplicateIndex.query}. */
export interface NearDuplicateQueryOptions {
  /** Minimum exact Jaccard index of the shingle sets (default {@link DEFAULT_MIN_SIMILARITY}). */
  minSimilarity?: number;
  /**
   * Minimum containment for a match by containment (default {@link DEFAULT_MIN_CONTAINMENT});
   * null for Jaccard alone.
   */
  minContainment?: number | null;
  /** At most this many matches, the most similar first (default: all). */
  limit?: number;
  /** Leave this id out (e.g. the text's own id when it is already in the index). */
  excludeId?: string;
}

/** A near-duplicate found by {@link NearDuplicateIndex.query}. */
export interface NearDuplicateMatch<M = unknown> {
  id: string;
  /** Exact Jaccard index of the two shingle sets, in [0, 1]. */
  similarity: number;
  /** Share of the smaller shingle set found in the other one, in [0, 1]. */
  containment: number;
  /** The MinHash estimate of it (share of agreeing signature values). */
  estimate: number;
  meta?: M;
}

interface Entry<M> {
  slot: number;
  id: string;
  shingles: Uint32Array;
  signature: Uint32Array;
  meta?: M;
}

/** The slots filed under one band key: one slot (the usual case) or a set of them. */
type Bucket = number | Set<number>;

/**
 * An in-memory LSH index of recent texts for finding near-duplicates (重复件) as tickets arrive:
 *
 * ```ts
 * const index = new NearDuplicateIndex<{ ticket: string }>({ maxSize: 50_000 });
 * const matches = index.query(text); // [{ id, similarity, containment, estimate, meta }], best first
 * index.add(ticketId, text, { ticket: ticketId });
 * ```
 *
 * Memory: about 3.5 KB per text of 350 characters (shingle hashes, signature, band entries),
 * more when many stored texts are alike (shared buckets).
 * With `maxSize`, adding beyond it evicts the oldest text (re-adding an id makes it the newest).
 */
export class NearDuplicateIndex<M = unknown> {
  private readonly options: NearDuplicateIndexOptions;
  private readonly entries = new Map<string, Entry<M>>();
  private readonly bySlot = new Map<number, Entry<M>>();
  /** one map per band: band key → slots */
  private readonly buckets: Map<number, Bucket>[];
  private nextSlot = 0;

  constructor(options: Partial<NearDuplicateIndexOptions> = {}) {
    const maxSize = options.maxSize !== undefined && Number.isFinite(options.maxSize) ? Math.max(1, Math.floor(options.maxSize)) : Infinity;
    const sketch = resolveSketchOptions(options);
    const hits = options.minBandHits !== undefined && Number.isFinite(options.minBandHits) ? Math.floor(options.minBandHits) : 2;
    this.options = { ...sketch, maxSize, minBandHits: Math.min(sketch.bands, Math.max(1, hits)) };
    this.buckets = Array.from({ length: this.options.bands }, () => new Map<number, Bucket>());
  }

  /** How many texts are in the index. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether a text with this id is in the index. */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** The sketch options the index was built with. */
  get sketchOptions(): SketchOptions {
    const { shingleSize, bands, rows, seed } = this.options;
    return { shingleSize, bands, rows, seed };
  }

  /** Adds (or replaces) a text. Evicts the oldest texts beyond `maxSize`. */
  add(id: string, text: string, meta?: M): void {
    this.addSketch(id, sketchText(text, this.options), meta);
  }

  /** Adds (or replaces) an already computed sketch (made with this index's {@link sketchOptions}). */
  addSketch(id: string, sketch: TextSketch, meta?: M): void {
    const key = String(id);
    this.remove(key);
    const entry: Entry<M> = { slot: this.nextSlot++, id: key, shingles: sketch.shingles, signature: sketch.signature, meta };
    this.entries.set(key, entry);
    this.bySlot.set(entry.slot, entry);
    const keys = this.keysOf(entry);
    for (let b = 0; b < keys.length; b++) {
      const band = this.buckets[b];
      const bucket = band.get(keys[b]);
      if (bucket === undefined) band.set(keys[b], entry.slot);
      else if (typeof bucket === 'number') band.set(keys[b], new Set([bucket, entry.slot]));
      else bucket.add(entry.slot);
    }
    while (this.entries.size > this.options.maxSize) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  /** Removes a text; returns whether it was there. */
  remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.bySlot.delete(entry.slot);
    const keys = this.keysOf(entry);
    for (let b = 0; b < keys.length; b++) {
      const band = this.buckets[b];
      const bucket = band.get(keys[b]);
      if (bucket === entry.slot) band.delete(keys[b]);
      else if (typeof bucket === 'object') {
        bucket.delete(entry.slot);
        if (bucket.size === 1) band.set(keys[b], bucket.values().next().value as number);
      }
    }
    return true;
  }

  /** Removes every text. */
  clear(): void {
    this.entries.clear();
    this.bySlot.clear();
    for (const band of this.buckets) band.clear();
  }

  /**
   * The texts in the index that are near-duplicates of `text` (Jaccard ≥ `minSimilarity`, or
   * containment ≥ `minContainment`: see the file's comment), the most similar first (ties by
   * containment, then id). A match is missed only when it shares fewer than `minBandHits` LSH
   * bands (with the defaults: never seen at J ≥ 0.5, 2% at J = 0.3).
   */
  query(text: string, options: NearDuplicateQueryOptions = {}): NearDuplicateMatch<M>[] {
    return this.querySketch(sketchText(text, this.options), options);
  }

  /** {@link query} for an already computed sketch (made with this index's {@link sketchOptions}). */
  querySketch(sketch: TextSketch, options: NearDuplicateQueryOptions = {}): NearDuplicateMatch<M>[] {
    const min = clamp01(options.minSimilarity, DEFAULT_MIN_SIMILARITY);
    const minContainment = options.minContainment === null ? Infinity : clamp01(options.minContainment, DEFAULT_MIN_CONTAINMENT);
    const { shingles, signature } = sketch;
    if (shingles.length === 0) return [];
    const keys = this.bandKeys(signature);
    const hits = new Map<number, number>();
    const needed = this.options.minBandHits;
    const out: NearDuplicateMatch<M>[] = [];
    const visit = (slot: number) => {
      const count = (hits.get(slot) ?? 0) + 1;
      hits.set(slot, count);
      if (count !== needed) return;
      const entry = this.bySlot.get(slot);
      if (!entry || entry.id === options.excludeId) return;
      const match = compareShingles(shingles, entry.shingles, min, minContainment);
      if (!match) return;
      const found: NearDuplicateMatch<M> = { id: entry.id, ...match, estimate: estimateJaccard(signature, entry.signature) };
      if (entry.meta !== undefined) found.meta = entry.meta;
      out.push(found);
    };
    for (let b = 0; b < keys.length; b++) {
      const bucket = this.buckets[b].get(keys[b]);
      if (bucket === undefined) continue;
      if (typeof bucket === 'number') visit(bucket);
      else for (const slot of bucket) visit(slot);
    }
    out.sort((a, b) => b.similarity - a.similarity || b.containment - a.containment || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const limit = options.limit !== undefined && Number.isFinite(options.limit) ? Math.max(0, Math.floor(options.limit)) : out.length;
    return out.length > limit ? out.slice(0, limit) : out;
  }

  /** The band keys an entry is filed under (none for an empty text). */
  private keysOf(entry: Entry<M>): Uint32Array {
    return entry.shingles.length > 0 ? this.bandKeys(entry.signature) : new Uint32Array(0);
  }

  /** One 32-bit key per band: a hash of the band's `rows` signature values. */
  private bandKeys(signature: Uint32Array): Uint32Array {
    const { bands, rows } = this.options;
    const keys = new Uint32Array(bands);
    for (let b = 0; b < bands; b++) {
      let h = 0x9747b28c ^ b;
      for (let r = 0; r < rows; r++) h = fmix32(imul(h, 0x01000193) ^ (signature[b * rows + r] ?? 0));
      keys[b] = h;
    }
    return keys;
  }
}
