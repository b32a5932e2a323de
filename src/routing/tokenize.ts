/**
 * The router's feature extractor: turns a citizen's message into the string features the
 * linear model weighs.
 *
 * Two kinds of feature, each with a prefix so they never collide:
 *
 * - `w:<word>`: a word found by jieba (dictionary segmentation, no HMM) in the normalised text.
 *   Only tokens with at least one letter or digit are kept, so punctuation and spaces vanish.
 *   Latin words stay whole ("noise", "residential").
 * - `c:<n-gram>`: a character n-gram (by default uni- and bigrams) inside a run of Han
 *   characters. They catch words jieba splits differently in different contexts (路灯 in
 *   "路灯不亮" is cut as 路 | 灯不亮) and rare words jieba does not know.
 *
 * Only the first `maxChars` characters count (2,000 by default). Then normalisation: Unicode
 * NFKC (full-width → half-width, ① → 1, compatibility forms), lower case, and every run of ASCII
 * digits collapsed to a single `0` (house numbers, dates and amounts carry no topic).
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/** What the extractor produces; stored with a trained model so it tokenizes the same way. */
export interface FeatureOptions {
  /** Include jieba words (`w:` features). */
  words: boolean;
  /** Inclusive range of character n-gram lengths over runs of Han characters; `[0, 0]` = none. */
  charNgrams: [number, number];
  /**
   * Only the first `maxChars` characters (UTF-16 units) of a text count. Bounds the time of one
   * prediction (≈ 1 ms per 1,000 characters, most of it jieba); the topic of a message is in its
   * beginning (cutting the Teddy Cup messages at 1,500 or 2,000 characters changes the CV
   * macro-F1 by < 0.001).
   */
  maxChars: number;
}

export const DEFAULT_FEATURE_OPTIONS: Readonly<FeatureOptions> = Object.freeze({
  words: true,
  charNgrams: [1, 2] as [number, number],
  maxChars: 2000,
});

/** Prefix of jieba word features. */
export const WORD_PREFIX = 'w:';
/** Prefix of character n-gram features. */
export const CHAR_PREFIX = 'c:';

let jiebaInstance: Jieba | undefined;

/** The process-wide jieba segmenter, loaded with its bundled dictionary on first use (~0.3 s). */
function segmenter(): Jieba {
  jiebaInstance ??= Jieba.withDict(dict);
  return jiebaInstance;
}

/** The first `maxChars` UTF-16 units of a text, without a dangling half of a surrogate pair. */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const code = text.charCodeAt(maxChars - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? maxChars - 1 : maxChars);
}

/** NFKC, lower case, runs of digits → `0`. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[0-9]+/g, '0');
}

const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * The features of a text, in text order, with repeats (their counts are the term frequencies).
 *
 * ```ts
 * tokenize('路灯不亮') // ['w:路', 'w:灯不亮', 'c:路', 'c:灯', 'c:不', 'c:亮', 'c:路灯', 'c:灯不', 'c:不亮']
 * ```
 */
export function tokenize(text: string, featureOptions: Partial<FeatureOptions> = {}): string[] {
  const options: FeatureOptions = { ...DEFAULT_FEATURE_OPTIONS, ...featureOptions };
  const normalized = normalizeText(truncateText(text, options.maxChars));
  const out: string[] = [];
  if (options.words) for (const word of segmentWords(normalized)) out.push(WORD_PREFIX + word);
  const [minN, maxN] = options.charNgrams;
  if (maxN >= 1) {
    for (const match of normalized.matchAll(HAN_RUN)) {
      // Han characters outside the BMP (rare names) are surrogate pairs: split by code point.
      const chars = [...match[0]];
      for (let n = Math.max(1, minN); n <= maxN; n++) {
        for (let i = 0; i + n <= chars.length; i++) out.push(CHAR_PREFIX + chars.slice(i, i + n).join(''));
      }
    }
  }
  return out;
}

/** jieba's words of an already normalised text, trimmed, without those lacking a letter or digit. */
export function segmentWords(normalized: string): string[] {
  if (normalized.length === 0) return [];
  const words: string[] = [];
  for (const token of segmenter().cut(normalized, false)) {
    const word = token.trim();
    if (word.length > 0 && HAS_LETTER_OR_DIGIT.test(word)) words.push(word);
  }
  return words;
}

/** Where jieba's words of a (normalised) text begin and end, as UTF-16 offsets, with 0 and its length. */
export function wordBoundaries(text: string): Set<number> {
  const cuts = new Set<number>([0, text.length]);
  let from = 0;
  for (const w of segmentWords(text)) {
    const i = text.indexOf(w, from);
    if (i < 0) continue;
    cuts.add(i);
    cuts.add(i + w.length);
    from = i + w.length;
  }
  return cuts;
}

/** The text a feature stands for: `w:路灯` → `路灯`. */
export function featureSurface(feature: string): string {
  return feature.startsWith(WORD_PREFIX) || feature.startsWith(CHAR_PREFIX) ? feature.slice(2) : feature;
}
