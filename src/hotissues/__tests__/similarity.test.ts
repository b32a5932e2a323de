/** Near-duplicate detection (重复件): normalisation, shingles, MinHash and the LSH index. */
import {
  DEFAULT_SKETCH_OPTIONS,
  MAX_TEXT_CHARS,
  NearDuplicateIndex,
  capText,
  compareShingles,
  estimateJaccard,
  jaccard,
  minhashSignature,
  normalizeForMatching,
  shingleHashes,
  sketchText,
} from '../similarity';

const MIXER =
  '尊敬的领导：您好！我们是A2区丽发新城小区的业主。小区东侧一百米处新建了一个大型混凝土搅拌站，每天从早上六点到晚上十一点机器轰鸣，' +
  '运渣车进进出出，灰尘满天飞，窗户都不敢开，家里的小孩和老人经常咳嗽。搅拌站距离小学不到三百米，严重影响学生上课和居民休息。' +
  '我们多次拨打12345热线反映，至今没有任何处理结果。请环保部门和城管部门尽快调查该搅拌站是否有合法手续，依法取缔，还居民一个安静干净的环境。';

/** The same letter: another salutation, a few words changed, full-width digits and half-width punctuation. */
const MIXER_EDITED =
  '胡书记,你好!我们是A2区丽发新城小区的业主.小区东侧一百米处新建了一个大型混凝土搅拌站,每天从早上６点到晚上１１点机器轰鸣,' +
  '运渣车进进出出,灰尘满天飞,窗户都不敢开,家里的小孩和老人经常咳嗽.搅拌站距离小学不到三百米,严重影响学生上课和居民休息.' +
  '我们多次打12345热线反映,至今没有任何处理结果.请环保部门和城管部门调查该搅拌站是否有合法手续,依法取缔,还居民一个安静的环境.';

/** A re-post: the letter again with a long new paragraph (再次反映). */
const MIXER_AGAIN =
  MIXER +
  '距离上次反映已经过去一个月了，搅拌站不但没有停工，反而晚上也开始施工，凌晨两点还有运渣车经过，路面全是泥浆，下雨天根本没法走路。' +
  '小区有上千户居民，大家都联名签字了，希望领导高度重视，派人到现场看一看，给我们一个明确的答复，什么时候能够搬走这个搅拌站。' +
  '另外，搅拌站旁边的临时道路没有任何围挡，重型卡车经常超速行驶，上个月已经发生过两次剐蹭事故，附近的菜市场和幼儿园门口每天都堵得水泄不通。' +
  '我们还发现搅拌站的污水直接排进了旁边的水塘，水塘里的鱼都死了，气味难闻。';

const WAGES =
  '我们是在A5区星河湾项目工地干活的农民工，一共三十多人，从去年九月干到今年一月，包工头一直拖欠我们的工资，总共四十多万元。' +
  '快过年了，我们多次找施工单位和项目部，他们互相推诿，说钱已经拨给了劳务公司，劳务公司的老板电话也打不通。' +
  '我们都是靠打工养家的，家里老人小孩都等着这笔钱。请劳动监察部门帮我们讨回血汗钱。';

const STREETLIGHT = '望仙路靠宁华路口有两百米路段的路灯已经坏了一个多月，晚上漆黑一片，小学生放学和老人散步都很危险，请城管部门尽快维修。';

describe('normalizeForMatching', () => {
  test('full-width to half-width, lower case, whitespace and punctuation removed', () => {
    expect(normalizeForMatching('您好！Ａ市　５８车贷…\n（ＡＢＣ）')).toBe('您好a市58车贷abc');
    expect(normalizeForMatching('，。！？  ')).toBe('');
    expect(normalizeForMatching('')).toBe('');
  });

  test('texts are capped at MAX_TEXT_CHARS, never inside a surrogate pair', () => {
    expect(normalizeForMatching('路'.repeat(MAX_TEXT_CHARS + 500)).length).toBe(MAX_TEXT_CHARS);
    expect(capText('路𠀋灯', 2)).toBe('路');
    expect(capText('路𠀋灯', 3)).toBe('路𠀋');
    expect(capText(undefined as unknown as string)).toBe('');
  });
});

describe('shingles and MinHash', () => {
  test('shingle hashes are sorted and unique; a short text is one shingle; empty has none', () => {
    const h = shingleHashes('噪音噪音噪音', 3);
    expect(h.length).toBe(2); // 噪音噪, 音噪音
    expect([...h]).toEqual([...h].sort((a, b) => a - b));
    expect(shingleHashes('路灯', 3).length).toBe(1);
    expect(shingleHashes('', 3).length).toBe(0);
    expect(shingleHashes('𠀋𠀋𠀋', 3).length).toBe(1); // code points, not UTF-16 units
  });

  test('exact Jaccard: 1 for equal sets, 0 for disjoint or empty ones', () => {
    const a = shingleHashes(normalizeForMatching(MIXER));
    expect(jaccard(a, a)).toBe(1);
    expect(jaccard(a, shingleHashes(normalizeForMatching(STREETLIGHT)))).toBeLessThan(0.05);
    expect(jaccard(a, new Uint32Array(0))).toBe(0);
  });

  test('the MinHash estimate is close to the exact Jaccard index and deterministic', () => {
    const a = sketchText(MIXER);
    const b = sketchText(MIXER_EDITED);
    const exact = jaccard(a.shingles, b.shingles);
    expect(Math.abs(estimateJaccard(a.signature, b.signature) - exact)).toBeLessThan(0.15);
    expect([...sketchText(MIXER).signature]).toEqual([...a.signature]);
    expect(a.signature.length).toBe(DEFAULT_SKETCH_OPTIONS.bands * DEFAULT_SKETCH_OPTIONS.rows);
    expect([...minhashSignature(new Uint32Array(0), 4)]).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
  });

  test('compareShingles: Jaccard, or containment when the shorter text is long enough', () => {
    const full = sketchText(MIXER_AGAIN).shingles;
    const part = sketchText(MIXER).shingles;
    const byJaccard = compareShingles(full, part, 0.5, Infinity);
    expect(byJaccard).toBeUndefined(); // the re-post doubles the text: Jaccard ≈ 0.5 − ε
    const byContainment = compareShingles(full, part);
    expect(byContainment?.containment).toBe(1);
    // a short phrase inside a long letter is not a duplicate of it
    expect(compareShingles(full, sketchText('搅拌站距离小学不到三百米').shingles)).toBeUndefined();
  });
});

describe('NearDuplicateIndex', () => {
  function indexWith(texts: Record<string, string>, options = {}): NearDuplicateIndex<{ district: string }> {
    const index = new NearDuplicateIndex<{ district: string }>(options);
    for (const [id, text] of Object.entries(texts)) index.add(id, text, { district: 'A2' });
    return index;
  }

  test('finds a copy with small edits and a re-post that adds a paragraph; not unrelated texts', () => {
    const index = indexWith({ mixer: MIXER, wages: WAGES, light: STREETLIGHT });
    const edited = index.query(MIXER_EDITED);
    expect(edited.map((m) => m.id)).toEqual(['mixer']);
    expect(edited[0].similarity).toBeGreaterThan(0.5);
    expect(edited[0].meta).toEqual({ district: 'A2' });
    const again = index.query(MIXER_AGAIN);
    expect(again.map((m) => m.id)).toEqual(['mixer']);
    expect(again[0].containment).toBeGreaterThan(0.95);
    expect(index.query('小区旁边的烧烤店每天营业到凌晨三点，油烟和噪音扰民，请环保部门处理。')).toEqual([]);
    expect(index.query(WAGES)[0]).toMatchObject({ id: 'wages', similarity: 1, containment: 1 });
  });

  test('minSimilarity, minContainment = null, limit and excludeId', () => {
    const index = indexWith({ mixer: MIXER, edited: MIXER_EDITED, again: MIXER_AGAIN });
    expect(index.query(MIXER).map((m) => m.id)).toEqual(['mixer', 'edited', 'again']);
    expect(index.query(MIXER, { excludeId: 'mixer', limit: 1 }).map((m) => m.id)).toEqual(['edited']);
    expect(index.query(MIXER, { minContainment: null }).map((m) => m.id)).toEqual(['mixer', 'edited']);
    expect(index.query(MIXER, { minSimilarity: 1, minContainment: null }).map((m) => m.id)).toEqual(['mixer']);
  });

  test('remove, re-add and clear', () => {
    const index = indexWith({ mixer: MIXER, wages: WAGES });
    expect(index.remove('mixer')).toBe(true);
    expect(index.remove('mixer')).toBe(false);
    expect(index.query(MIXER_EDITED)).toEqual([]);
    index.add('mixer', MIXER);
    index.add('mixer', MIXER); // replacing keeps one entry
    expect(index.size).toBe(2);
    expect(index.query(MIXER_EDITED).map((m) => m.id)).toEqual(['mixer']);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.query(MIXER)).toEqual([]);
  });

  test('bounded: beyond maxSize the oldest text is evicted; re-adding makes a text the newest', () => {
    const index = new NearDuplicateIndex({ maxSize: 2 });
    index.add('a', MIXER);
    index.add('b', WAGES);
    index.add('a', MIXER); // a is now newer than b
    index.add('c', STREETLIGHT);
    expect(index.size).toBe(2);
    expect(index.has('b')).toBe(false);
    expect(index.has('a') && index.has('c')).toBe(true);
    expect(index.query(WAGES)).toEqual([]);
  });

  test('deterministic: two indexes built the same way answer the same', () => {
    const texts = { mixer: MIXER, edited: MIXER_EDITED, again: MIXER_AGAIN, wages: WAGES, light: STREETLIGHT };
    expect(indexWith(texts).query(MIXER)).toEqual(indexWith(texts).query(MIXER));
  });

  test('empty, garbage and huge texts never throw', () => {
    const index = new NearDuplicateIndex();
    const garbage = [
      '',
      '   \n\t',
      '！！！？？？',
      '\u0000\uffff\ud800',
      '😀😀😀😀',
      null,
      undefined,
      42,
      { text: 'x' },
    ] as unknown as string[];
    garbage.forEach((g, i) => index.add(`g${i}`, g));
    for (const g of garbage) expect(() => index.query(g)).not.toThrow();
    expect(index.query('')).toEqual([]);
    const huge = '噪音扰民，'.repeat(200_000); // 1,000,000 characters: only the first 20,000 count
    expect(sketchText(huge)).toEqual(sketchText(huge.slice(0, MAX_TEXT_CHARS)));
    index.add('huge', huge);
    expect(index.query(huge + '再次反映').map((m) => m.id)).toEqual(['huge']);
    expect(() => new NearDuplicateIndex({ bands: NaN, rows: -3, maxSize: NaN, minBandHits: Infinity })).not.toThrow();
  });
});
