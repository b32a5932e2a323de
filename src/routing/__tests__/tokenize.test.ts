/** The feature extractor, and the fast path (FeatureIndex.count) that must agree with it. */
import { FeatureIndex } from '../features';
import { featureSurface, normalizeText, tokenize, truncateText } from '../tokenize';
import type { FeatureOptions } from '../tokenize';
import { trainingExamples } from './fixtures';

describe('normalizeText', () => {
  test('full-width to half-width, lower case, digit runs collapsed', () => {
    expect(normalizeText('ＡＢＣ１２３路，Ｘ市2019年')).toBe('abc0路,x市0年');
    expect(normalizeText('①号楼')).toBe('0号楼');
  });
});

describe('tokenize', () => {
  test('jieba words and Han character uni- and bigrams, prefixed', () => {
    const t = tokenize('路灯不亮');
    expect(t.filter((f) => f.startsWith('c:'))).toEqual(['c:路', 'c:灯', 'c:不', 'c:亮', 'c:路灯', 'c:灯不', 'c:不亮']);
    expect(t.filter((f) => f.startsWith('w:')).map(featureSurface).join('')).toBe('路灯不亮');
  });

  test('punctuation and spaces vanish; Latin words stay whole, without character n-grams', () => {
    expect(tokenize('Noise - Residential')).toEqual(['w:noise', 'w:residential']);
    expect(tokenize('，。！？  ')).toEqual([]);
    expect(tokenize('')).toEqual([]);
  });

  test('only the first maxChars characters count, never half a surrogate pair', () => {
    expect(tokenize('路灯不亮', { words: false, maxChars: 2 })).toEqual(['c:路', 'c:灯', 'c:路灯']);
    expect(truncateText('路𠀋灯', 2)).toBe('路'); // 𠀋 is two UTF-16 units
    expect(truncateText('路𠀋灯', 3)).toBe('路𠀋');
    expect(truncateText('路灯', 5)).toBe('路灯');
  });

  test('n-grams do not cross punctuation', () => {
    expect(tokenize('路，灯', { words: false, charNgrams: [2, 2] })).toEqual([]);
    expect(tokenize('路灯', { words: false, charNgrams: [1, 3] })).toEqual(['c:路', 'c:灯', 'c:路灯']);
  });
});

describe('FeatureIndex.count agrees with tokenize', () => {
  const texts = [
    ...trainingExamples().map((e) => e.text),
    'ＡＢＣ１２３路灯，Noise - Residential 2019年',
    '𠀋𠀋路灯𪚥不亮', // characters outside the BMP (CJK extension B)
    '豈更車 ㄅㄆ 〇一二', // compatibility ideographs, bopomofo, 〇
    '',
  ];
  const options: FeatureOptions[] = [
    { words: true, charNgrams: [1, 2], maxChars: 2000 },
    { words: false, charNgrams: [1, 3], maxChars: 2000 },
    { words: true, charNgrams: [2, 2], maxChars: 2000 },
    { words: true, charNgrams: [0, 0], maxChars: 2000 },
    { words: true, charNgrams: [1, 2], maxChars: 7 },
  ];

  test.each(options)('options %o', (opts) => {
    const vocabulary = [...new Set(texts.flatMap((t) => tokenize(t, opts)))].filter((_, i) => i % 5 !== 0); // some unknown
    const index = new FeatureIndex(vocabulary, opts);
    for (const text of texts) {
      const fast = index.count(text);
      const slow = index.countTokens(tokenize(text, opts));
      expect(Array.from(fast.ids)).toEqual(Array.from(slow.ids));
      expect(Array.from(fast.counts)).toEqual(Array.from(slow.counts));
    }
    // every vocabulary entry is found again
    vocabulary.forEach((f, j) => expect(index.idOf(f)).toBe(j));
    expect(index.idOf('c:不在词表里的')).toBe(-1);
  });
});
