/**
 * The fast path from a text to feature ids, used by `predict` (and to vectorize training texts).
 *
 * {@link tokenize} builds a string per character n-gram and the classifier would then look each
 * up in a map of a few hundred thousand strings: for a 2,500-character message that is ~5,000
 * fresh strings and as many hash-map misses (≈3 ms). Here the Han uni- and bigrams of the
 * CJK Unified Ideographs block (+ extension A), which are nearly all of them, are packed into
 * integers and looked up in an open-addressing integer table; everything else (jieba words,
 * rarer characters, longer n-grams) goes through the string map. Both paths give exactly the
 * features of {@link tokenize} (a unit test checks it).
 */
import { CHAR_PREFIX, normalizeText, segmentWords, truncateText, WORD_PREFIX } from './tokenize';
import type { FeatureOptions } from './tokenize';

const HAN_FIRST = 0x3400; // CJK Unified Ideographs Extension A … Unified Ideographs end
const HAN_LAST = 0x9fff;
const HAN_SPAN = HAN_LAST - HAN_FIRST + 1; // 27,648 code points: packs two into < 2^30

/** Integer key of a Han uni- or bigram in the packable block, or -1. */
function packNgram(first: number, second?: number): number {
  if (first < HAN_FIRST || first > HAN_LAST) return -1;
  if (second === undefined) return first - HAN_FIRST;
  if (second < HAN_FIRST || second > HAN_LAST) return -1;
  return HAN_SPAN + (first - HAN_FIRST) * HAN_SPAN + (second - HAN_FIRST);
}

const HAN_CHAR = /^\p{Script=Han}$/u;
let bmpHan: Uint8Array | undefined;

/** Whether a code point is a Han character (the same test as tokenize's `\p{Script=Han}`). */
function isHan(cp: number): boolean {
  if (cp < 0x10000) {
    if (!bmpHan) {
      bmpHan = new Uint8Array(0x10000);
      for (let c = 0x2e80; c < 0x10000; c++) if (HAN_CHAR.test(String.fromCharCode(c))) bmpHan[c] = 1;
    }
    return bmpHan[cp] === 1;
  }
  return HAN_CHAR.test(String.fromCodePoint(cp));
}

/**
 * Open-addressing hash table int32 → int32 (keys ≥ 0), linear probing, Fibonacci hashing; key
 * and value side by side so that a lookup touches one cache line.
 */
class IntTable {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly shift: number;

  constructor(size: number) {
    let bits = 4;
    while (1 << bits < size * 2) bits++;
    this.slots = new Int32Array(2 << bits).fill(-1);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
  }

  set(key: number, value: number): void {
    let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (this.slots[2 * slot] !== -1 && this.slots[2 * slot] !== key) slot = (slot + 1) & this.mask;
    this.slots[2 * slot] = key;
    this.slots[2 * slot + 1] = value;
  }

  get(key: number): number {
    let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = this.slots[2 * slot];
      if (k === key) return this.slots[2 * slot + 1];
      if (k === -1) return -1;
      slot = (slot + 1) & this.mask;
    }
  }
}

/** A text's known features, in order of first occurrence, with their counts. */
export interface FeatureCounts {
  ids: Int32Array;
  counts: Float64Array;
}

/** Maps texts (or tokenize's feature strings) to the ids of a fixed vocabulary. */
export class FeatureIndex {
  private readonly strings = new Map<string, number>();
  private readonly packed: IntTable;
  /** Per-feature scratch counter for {@link FeatureIndex.count}; always all-zero between calls. */
  private readonly scratch: Int32Array;

  constructor(
    vocabulary: readonly string[],
    private readonly options: FeatureOptions,
  ) {
    let packable = 0;
    const keys = vocabulary.map((f) => {
      const key = f.startsWith(CHAR_PREFIX) ? packedKeyOf(f.slice(CHAR_PREFIX.length)) : -1;
      if (key >= 0) packable++;
      return key;
    });
    this.packed = new IntTable(packable);
    vocabulary.forEach((f, j) => (keys[j] >= 0 ? this.packed.set(keys[j], j) : this.strings.set(f, j)));
    this.scratch = new Int32Array(vocabulary.length);
  }

  /** The id of a feature string (as produced by tokenize), or -1 when it is not in the vocabulary. */
  idOf(feature: string): number {
    if (feature.startsWith(CHAR_PREFIX)) {
      const key = packedKeyOf(feature.slice(CHAR_PREFIX.length));
      if (key >= 0) return this.packed.get(key);
    }
    return this.strings.get(feature) ?? -1;
  }

  /** Counts the known features of tokenize's output. */
  countTokens(tokens: readonly string[]): FeatureCounts {
    const touched: number[] = [];
    for (const t of tokens) this.bump(this.idOf(t), touched);
    return this.collect(touched);
  }

  /** Counts the known features of a text: the same result as `countTokens(tokenize(text))`, faster. */
  count(text: string): FeatureCounts {
    const normalized = normalizeText(truncateText(text, this.options.maxChars));
    const touched: number[] = [];
    if (this.options.words) {
      for (const word of segmentWords(normalized)) this.bump(this.strings.get(WORD_PREFIX + word) ?? -1, touched);
    }
    const [minN, maxN] = this.options.charNgrams;
    if (maxN >= 1) {
      const run: number[] = [];
      const flush = () => {
        for (let n = Math.max(1, minN); n <= maxN; n++) {
          for (let i = 0; i + n <= run.length; i++) {
            const key = n === 1 ? packNgram(run[i]) : n === 2 ? packNgram(run[i], run[i + 1]) : -1;
            const id =
              key >= 0
                ? this.packed.get(key)
                : (this.strings.get(CHAR_PREFIX + String.fromCodePoint(...run.slice(i, i + n))) ?? -1);
            this.bump(id, touched);
          }
        }
        run.length = 0;
      };
      for (let i = 0; i < normalized.length; i++) {
        let cp = normalized.charCodeAt(i);
        if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < normalized.length) {
          const low = normalized.charCodeAt(i + 1);
          if (low >= 0xdc00 && low <= 0xdfff) {
            cp = (cp - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
            i++;
          }
        }
        if (isHan(cp)) run.push(cp);
        else if (run.length > 0) flush();
      }
      if (run.length > 0) flush();
    }
    return this.collect(touched);
  }

  private bump(id: number, touched: number[]): void {
    if (id < 0) return;
    if (this.scratch[id] === 0) touched.push(id);
    this.scratch[id]++;
  }

  private collect(touched: number[]): FeatureCounts {
    const ids = Int32Array.from(touched);
    const counts = new Float64Array(ids.length);
    for (let k = 0; k < ids.length; k++) {
      counts[k] = this.scratch[ids[k]];
      this.scratch[ids[k]] = 0;
    }
    return { ids, counts };
  }
}

/** Packed key of an n-gram's text (1 or 2 packable Han characters), or -1. */
function packedKeyOf(surface: string): number {
  if (surface.length === 1) return packNgram(surface.charCodeAt(0));
  if (surface.length === 2) return packNgram(surface.charCodeAt(0), surface.charCodeAt(1));
  return -1;
}
