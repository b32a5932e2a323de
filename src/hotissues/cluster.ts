/**
 * Hot issues (热点问题): recent tickets grouped into topics, ranked by a heat index.
 *
 * 1. Tickets outside the window, or without a valid time, are left out. Exact duplicates (重复件
 *    with the same normalised text, see {@link normalizeForMatching}) count once: the earliest is
 *    the one clustered, the others are reported with it.
 * 2. Each ticket becomes a TF-IDF vector ({@link topicTerms}): jieba words of two or more
 *    characters (`w:`), and bigrams (`b:`) where jieba found no word, which catch names it does
 *    not know (58车贷 is cut 58 | 车 | 贷; its bigrams are 58车, 车贷). Words count `wordWeight`,
 *    bigrams `bigramWeight`, the title `titleWeight` times more, the location `locationWeight`
 *    times more. Term frequency is sublinear (1 + ln tf above 1), IDF is
 *    ln((N + 1) / (df + 1)) + 1 over the window's tickets, and a term only one ticket has counts
 *    `uniqueTermWeight` (½) of its weight. Each vector keeps its `maxTerms` heaviest terms and is
 *    scaled to length 1.
 * 3. Single-pass clustering in time order, as in topic detection and tracking: a ticket joins
 *    the topic whose centroid is most similar (cosine) if that is at least `threshold`, else it
 *    starts a topic. Then topics whose centroids are at least `threshold` alike are merged, the
 *    most alike first, and every ticket is reassigned once to its most similar centroid (the
 *    order of arrival then matters little).
 * 4. Each topic with at least `minCount` distinct tickets is a {@link HotIssue}, with its heat
 *    ({@link heatIndex}); the `first` hottest are returned.
 */
import { segmentWords, wordBoundaries } from '../routing/tokenize';
import { capText, normalizeForMatching } from './similarity';

/** A ticket (or online message) as hot-issue detection sees it. */
export interface HotIssueItem {
  id: string;
  /** What the citizen said (诉求). Only the first 20,000 characters count. */
  text: string;
  /** When it was received. Items without a valid time are left out. */
  time: Date;
  /** A short summary or title, weighed more than the text (optional). */
  title?: string;
  /** Likes (点赞) of an online message. */
  likes?: number;
  /** People the ticket speaks for (a collective complaint of 72 workers: 72); default 1. */
  people?: number;
  /** Who reported it (caller, account): tickets of one caller count as one reporter. */
  callerId?: string;
  /** A free-text place (address, community); its words are weighed more. */
  location?: string;
  /** District code, reported per topic. */
  districtCode?: string;
}

/** Weights of the heat index, see {@link heatIndex}. */
export interface HeatWeights {
  /** Weight of ln(1 + people beyond one per reporter) (default 0.5). */
  people: number;
  /** Weight of ln(1 + likes) (default 0.25). */
  likes: number;
  /** Exponent of the growth factor (default 0.5). */
  growth: number;
}

export const DEFAULT_HEAT_WEIGHTS: Readonly<HeatWeights> = Object.freeze({ people: 0.5, likes: 0.25, growth: 0.5 });

/** Options of {@link hotIssues}. */
export interface HotIssueOptions {
  /** Only items with from ≤ time ≤ to count (default: from the earliest to the latest item). */
  window?: { from?: Date; to?: Date };
  /** How many hot issues to return, hottest first (default 10). */
  first?: number;
  /** A topic needs at least this many distinct tickets to be a hot issue (default 2). */
  minCount?: number;
  /** Minimum cosine similarity to a topic's centroid to join it (default 0.3). */
  threshold?: number;
  /** Terms kept per ticket vector (default 60). */
  maxTerms?: number;
  /** Weight of jieba words (default 1). */
  wordWeight?: number;
  /** Weight of bigrams where jieba found no word (default 0.5). */
  bigramWeight?: number;
  /**
   * Factor on the weight of a term no other ticket in the window has (default 0.5). Such a term
   * can link its ticket to no other; at full weight, the incidental words of short tickets drown
   * the few they share (six 40-character complaints about one loan platform share only its name
   * and 平台). At 0 it is the usual "minimum document frequency 2" of text clustering.
   */
  uniqueTermWeight?: number;
  /** Extra weight of the title's terms (default 2: a title term counts three times). */
  titleWeight?: number;
  /** Extra weight of the location's terms (default 1). */
  locationWeight?: number;
  /** Heat index weights. */
  heat?: Partial<HeatWeights>;
  /** Keywords per topic (default 8). */
  keywords?: number;
  /** Evidence tickets per topic (default 3). */
  evidence?: number;
}

/** A ticket left out of a topic's size because its text is the same as an earlier one's. */
export interface DuplicateTicket {
  id: string;
  /** The earlier ticket with the same normalised text. */
  duplicateOf: string;
}

/** A cluster of similar recent tickets. */
export interface HotIssue {
  /** `hot:` and the id of the topic's earliest ticket: stable while that ticket is in the window. */
  id: string;
  /** The top three keywords, joined by "、". */
  label: string;
  /** The topic's heaviest terms, grown into the names its texts share (see `topKeywords`). */
  keywords: string[];
  /** Distinct tickets (one per normalised text), oldest first. */
  ticketIds: string[];
  /** Exact duplicates of those tickets, not counted in `count`. */
  duplicates: DuplicateTicket[];
  /** Number of distinct tickets. */
  count: number;
  /**
   * Distinct reporters of its tickets and their duplicates, by `callerId`: a ticket without one
   * is its own reporter; a duplicate without one adds none.
   */
  reporters: number;
  /** The tickets most similar to the topic's centroid, most similar first. */
  evidenceIds: string[];
  /** Time of its first ticket or duplicate. */
  firstTime: Date;
  /** Time of its last ticket or duplicate. */
  lastTime: Date;
  /** Distinct tickets in the later half of the window. */
  recentCount: number;
  /** Distinct tickets in the earlier half of the window. */
  earlierCount: number;
  /** (recentCount + 1) / (earlierCount + 1): above 1 the topic is growing. */
  growth: number;
  /** Likes of all its tickets, duplicates included. */
  likes: number;
  /** People its reporters speak for: per reporter the largest `people` of their tickets, at least 1. */
  people: number;
  /** District codes of its tickets, the most frequent first. */
  districts: string[];
  /** See {@link heatIndex}. */
  heat: number;
}

/**
 * The heat index (热度) of a topic reported by `reporters` distinct reporters speaking for
 * `people` people, with `likes` likes and growth g = (recent + 1) / (earlier + 1):
 *
 *     heat = [ln(1 + reporters) + wₚ·ln(1 + people − reporters) + wₗ·ln(1 + likes)] · clamp(g, ½, 2)^w_g
 *
 * Reporters rather than tickets: one citizen who writes forty times is one voice. Logarithms
 * because each figure is heavy-tailed (one message with 2,000 likes must not outweigh thirty
 * reporters): doubling the reporters adds about as much as multiplying the likes by 16
 * (wₗ = 0.25); people beyond one per reporter (a collective complaint) count half in log terms
 * (wₚ = 0.5). A topic whose tickets doubled from the earlier to the later half of the window is
 * √2 ≈ 1.41 times as hot (w_g = 0.5); one that is fading, at most 1/√2 as hot.
 */
export function heatIndex(
  figures: { reporters: number; people: number; likes: number; growth: number },
  weights: Partial<HeatWeights> = {},
): number {
  const weight = (name: keyof HeatWeights) => {
    const v = weights[name];
    return v !== undefined && Number.isFinite(v) ? v : DEFAULT_HEAT_WEIGHTS[name];
  };
  const w: HeatWeights = { people: weight('people'), likes: weight('likes'), growth: weight('growth') };
  const count = Math.max(0, finite(figures.reporters));
  const extraPeople = Math.max(0, finite(figures.people) - count);
  const likes = Math.max(0, finite(figures.likes));
  const growth = Math.min(2, Math.max(0.5, Number.isFinite(figures.growth) && figures.growth > 0 ? figures.growth : 1));
  const base = Math.log1p(count) + w.people * Math.log1p(extraPeople) + w.likes * Math.log1p(likes);
  return base * Math.pow(growth, w.growth);
}

function finite(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) ? v : 0;
}

/**
 * Words that say nothing about the topic of a message to the hotline: salutations, the
 * language of asking and complaining, pronouns and function words jieba keeps as words.
 */
export const TOPIC_STOPWORDS: ReadonlySet<string> = new Set(
  (
    '尊敬 领导 您好 你好 书记 市长 局长 县长 主任 同志 先生 女士 谢谢 感谢 辛苦 百忙之中 此致 敬礼 ' +
    '请问 咨询 反映 反应 投诉 举报 建议 希望 恳请 请求 要求 强烈 呼吁 关于 问题 情况 事情 有关 相关 部门 ' +
    '政府 领导们 市民 群众 老百姓 我们 你们 他们 她们 大家 本人 自己 这个 那个 这些 那些 这样 那样 什么 ' +
    '怎么 为什么 如何 是否 能否 可以 可能 应该 已经 现在 目前 一直 还是 但是 因为 所以 如果 虽然 而且 ' +
    '并且 或者 以及 还有 没有 不是 就是 一个 一些 这里 那里 时候 之前 以后 之后 今年 去年 每天 多次 ' +
    '非常 特别 严重 真的 实在 一下 的话 进行 解决 处理 回复 答复 重视 帮助 帮忙 尽快 及时 希望能'
  ).split(/\s+/),
);

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/u;
/** Single characters that are function words: a bigram with one of them is no name (路的, 我在). */
const FUNCTION_CHARS: ReadonlySet<string> = new Set([...'的了是在和与及或等也都就还又被把对给向从到让我你他她它们这那有无不没很太更最已将会能要可请吗呢吧啊着过']);
const ONE_UNIT = /^(?:[a-z0-9]+|\p{Script=Han})$/u;
const HAS_HAN = /\p{Script=Han}/u;
const ONLY_DIGITS = /^[0-9]+$/;

/** Text as topic detection reads it: capped, NFKC, lower case. */
function prepare(text: string): string {
  return capText(typeof text === 'string' ? text : '').normalize('NFKC').toLowerCase();
}

/**
 * The topic terms of a text with their weights (before IDF): `w:<word>` for jieba words of at
 * least two characters, not stopwords, not bare numbers; `b:<unit><unit>` for bigrams inside a
 * run of one-unit tokens (a single Han character, or a run of Latin letters and digits), where
 * jieba found no word: 58车贷 is cut 58 | 车 | 贷 and gives 58车, 车贷 (bigrams with a function
 * character such as 的 or 在 are left out). Text is segmented between punctuation, so no term
 * spans a comma.
 */
export function topicTerms(text: string, wordWeight = 1, bigramWeight = 0.5): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (term: string, w: number) => {
    if (w > 0) terms.set(term, (terms.get(term) ?? 0) + w);
  };
  for (const run of prepare(text).split(NOT_LETTER_OR_DIGIT)) {
    if (run.length === 0) continue;
    let units: string[] = [];
    const flush = () => {
      for (let i = 0; i + 1 < units.length; i++) {
        if (FUNCTION_CHARS.has(units[i]) || FUNCTION_CHARS.has(units[i + 1])) continue;
        const pair = units[i] + units[i + 1];
        if (HAS_HAN.test(pair) && !TOPIC_STOPWORDS.has(pair)) add('b:' + pair, bigramWeight);
      }
      units = [];
    };
    for (const token of segmentWords(run)) {
      if (ONE_UNIT.test(token)) units.push(token);
      else flush();
      if ([...token].length >= 2 && !ONLY_DIGITS.test(token) && !TOPIC_STOPWORDS.has(token)) add('w:' + token, wordWeight);
    }
    flush();
  }
  return terms;
}

/** A sparse vector: term ids ascending, weights, length 1 (or empty). */
interface SparseVector {
  ids: Int32Array;
  weights: Float64Array;
}

interface Doc {
  item: HotIssueItem;
  time: number;
  vector: SparseVector;
  duplicates: HotIssueItem[];
}


/**
 * The hot issues among `items`, hottest first. Never throws: malformed items (no valid time,
 * non-string text, negative likes) are left out or read as zero.
 *
 * ```ts
 * const top = hotIssues(tickets, { window: { from: weekAgo, to: now }, first: 5 });
 * top[0]; // { label: '搅拌站、丽发新城、噪音', count: 14, heat: 4.1, evidenceIds: [...], ... }
 * ```
 */
export function hotIssues(items: readonly HotIssueItem[], options: HotIssueOptions = {}): HotIssue[] {
  const o = resolveOptions(options);
  const inWindow = selectItems(items, options.window);
  if (inWindow.items.length === 0) return [];
  const docs = dedupe(inWindow.items);
  const terms = vectorize(docs, o);
  const clustered = docs.filter((d) => d.vector.ids.length > 0);
  const assignment = cluster(clustered, o.threshold);
  const byTopic = new Map<number, number[]>();
  assignment.forEach((t, i) => {
    const list = byTopic.get(t);
    if (list) list.push(i);
    else byTopic.set(t, [i]);
  });
  const mid = inWindow.from + (inWindow.to - inWindow.from) / 2;
  const issues: HotIssue[] = [];
  for (const members of byTopic.values()) {
    if (members.length < o.minCount) continue;
    issues.push(describe(members.map((i) => clustered[i]), terms, mid, inWindow.from === inWindow.to, o));
  }
  issues.sort((a, b) => b.heat - a.heat || b.count - a.count || compareStrings(a.id, b.id));
  return issues.slice(0, o.first);
}

interface ResolvedOptions {
  first: number;
  minCount: number;
  threshold: number;
  maxTerms: number;
  wordWeight: number;
  bigramWeight: number;
  uniqueTermWeight: number;
  titleWeight: number;
  locationWeight: number;
  heat: HeatWeights;
  keywords: number;
  evidence: number;
}

function resolveOptions(options: HotIssueOptions): ResolvedOptions {
  const num = (v: number | undefined, dflt: number, min: number, max: number) =>
    v !== undefined && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : dflt;
  return {
    first: Math.floor(num(options.first, 10, 0, 1e6)),
    minCount: Math.floor(num(options.minCount, 2, 1, 1e9)),
    threshold: num(options.threshold, 0.3, 0, 1),
    maxTerms: Math.floor(num(options.maxTerms, 60, 1, 10_000)),
    wordWeight: num(options.wordWeight, 1, 0, 100),
    bigramWeight: num(options.bigramWeight, 0.5, 0, 100),
    uniqueTermWeight: num(options.uniqueTermWeight, 0.5, 0, 1),
    titleWeight: num(options.titleWeight, 2, 0, 100),
    locationWeight: num(options.locationWeight, 1, 0, 100),
    heat: { ...DEFAULT_HEAT_WEIGHTS, ...options.heat },
    keywords: Math.floor(num(options.keywords, 8, 1, 100)),
    evidence: Math.floor(num(options.evidence, 3, 0, 100)),
  };
}

function validTime(item: HotIssueItem): number {
  const t = item && item.time instanceof Date ? item.time.getTime() : NaN;
  return Number.isFinite(t) ? t : NaN;
}

/** The items with a valid time inside the window, oldest first (ties by id), and the window. */
function selectItems(items: readonly HotIssueItem[], window: HotIssueOptions['window']): { items: Doc[]; from: number; to: number } {
  const list: Doc[] = [];
  for (const raw of Array.isArray(items) ? items : []) {
    if (!raw || typeof raw !== 'object') continue;
    const time = validTime(raw);
    if (Number.isNaN(time)) continue;
    const item: HotIssueItem = { ...raw, id: String(raw.id), text: typeof raw.text === 'string' ? raw.text : '' };
    list.push({ item, time, vector: { ids: new Int32Array(0), weights: new Float64Array(0) }, duplicates: [] });
  }
  const given = (d: Date | undefined) => (d instanceof Date && Number.isFinite(d.getTime()) ? d.getTime() : undefined);
  let from = given(window?.from);
  let to = given(window?.to);
  const selected = list.filter((d) => (from === undefined || d.time >= from) && (to === undefined || d.time <= to));
  selected.sort((a, b) => a.time - b.time || compareStrings(a.item.id, b.item.id));
  if (selected.length > 0) {
    from ??= selected[0].time;
    to ??= selected[selected.length - 1].time;
  }
  return { items: selected, from: from ?? 0, to: to ?? 0 };
}

/** One doc per normalised text (the earliest); later copies go to its `duplicates`. */
function dedupe(docs: Doc[]): Doc[] {
  const byText = new Map<string, Doc>();
  const out: Doc[] = [];
  for (const d of docs) {
    const key = normalizeForMatching(d.item.text);
    const first = key.length > 0 ? byText.get(key) : undefined;
    if (first) first.duplicates.push(d.item);
    else {
      if (key.length > 0) byText.set(key, d);
      out.push(d);
    }
  }
  return out;
}

/** Fills in each doc's TF-IDF vector (see the file's comment); returns the terms by id. */
function vectorize(docs: Doc[], o: ResolvedOptions): string[] {
  const termIds = new Map<string, number>();
  const raw: Map<number, number>[] = [];
  const df: number[] = [];
  for (const d of docs) {
    const terms = topicTerms(d.item.text, o.wordWeight, o.bigramWeight);
    const extra = (text: string | undefined, weight: number) => {
      if (typeof text !== 'string' || weight <= 0) return;
      for (const [t, w] of topicTerms(text, o.wordWeight, o.bigramWeight)) terms.set(t, (terms.get(t) ?? 0) + w * weight);
    };
    extra(d.item.title, o.titleWeight);
    extra(d.item.location, o.locationWeight);
    const vec = new Map<number, number>();
    for (const [t, w] of terms) {
      let id = termIds.get(t);
      if (id === undefined) {
        id = df.length;
        termIds.set(t, id);
        df.push(0);
      }
      df[id]++;
      vec.set(id, w);
    }
    raw.push(vec);
  }
  const n = docs.length;
  docs.forEach((d, i) => {
    const weighted: [number, number][] = [];
    for (const [id, w] of raw[i]) {
      const unique = df[id] === 1 ? o.uniqueTermWeight : 1;
      // sublinear tf of the weighted count: linear up to 1 (a bigram's 0.5 is half a word), then 1 + ln
      const tf = w < 1 ? w : 1 + Math.log(w);
      weighted.push([id, unique * tf * (Math.log((n + 1) / (df[id] + 1)) + 1)]);
    }
    weighted.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const kept = weighted.slice(0, o.maxTerms).filter(([, w]) => w > 0);
    kept.sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(kept.reduce((s, [, w]) => s + w * w, 0)) || 1;
    d.vector = { ids: Int32Array.from(kept.map(([id]) => id)), weights: Float64Array.from(kept.map(([, w]) => w / norm)) };
  });
  return [...termIds.keys()];
}

/**
 * Topics as sums of their members' vectors. The cosine of a vector with a topic is computed
 * exactly, but only for candidate topics: those whose summed vector has one of the vector's
 * {@link CANDIDATE_TERMS} heaviest terms (a topic sharing none of them is far below any useful
 * threshold). This keeps the cost per ticket nearly independent of how many topics there are.
 */
class TopicSpace {
  /** term → topics whose summed vector has it, in the order they got it */
  private readonly postings = new Map<number, number[]>();
  private readonly sums: Map<number, number>[] = [];
  private readonly norm2: number[] = [];
  private readonly mark: number[] = [];
  private stamp = 0;
  private dense = new Float64Array(1024);

  get size(): number {
    return this.norm2.length;
  }

  /** A new, empty topic; returns its index. */
  open(): number {
    this.sums.push(new Map());
    this.norm2.push(0);
    this.mark.push(0);
    return this.norm2.length - 1;
  }

  add(topic: number, v: SparseVector): void {
    const sum = this.sums[topic];
    for (let k = 0; k < v.ids.length; k++) {
      const id = v.ids[k];
      const old = sum.get(id);
      if (old === undefined) {
        let list = this.postings.get(id);
        if (!list) this.postings.set(id, (list = []));
        list.push(topic);
      }
      const now = (old ?? 0) + v.weights[k];
      sum.set(id, now);
      this.norm2[topic] += now * now - (old ?? 0) * (old ?? 0);
    }
  }

  /** The topic's summed vector, scaled to length 1. */
  centroid(topic: number): SparseVector {
    const sum = this.sums[topic];
    const ids = [...sum.keys()].sort((x, y) => x - y);
    const norm = Math.sqrt(this.norm2[topic]) || 1;
    return { ids: Int32Array.from(ids), weights: Float64Array.from(ids.map((id) => (sum.get(id) ?? 0) / norm)) };
  }

  /** Calls `visit(topic, cosine)` for every candidate topic of `v` (a unit vector), in index order. */
  forEachSimilar(v: SparseVector, visit: (topic: number, cosine: number) => void): void {
    const stamp = ++this.stamp;
    const candidates: number[] = [];
    for (const k of heaviest(v, CANDIDATE_TERMS)) {
      const list = this.postings.get(v.ids[k]);
      if (!list) continue;
      for (const t of list) {
        if (this.mark[t] === stamp) continue;
        this.mark[t] = stamp;
        candidates.push(t);
      }
    }
    candidates.sort((x, y) => x - y);
    // the query as a dense array, so a small topic is walked once instead of looked up per term
    const top = v.ids.length > 0 ? v.ids[v.ids.length - 1] + 1 : 0;
    if (this.dense.length < top) this.dense = new Float64Array(Math.max(top, this.dense.length * 2));
    const dense = this.dense;
    for (let k = 0; k < v.ids.length; k++) dense[v.ids[k]] = v.weights[k];
    for (const t of candidates) {
      const sum = this.sums[t];
      let dot = 0;
      if (sum.size <= 2 * v.ids.length) {
        for (const [id, w] of sum) if (id < top) dot += dense[id] * w;
      } else for (let k = 0; k < v.ids.length; k++) dot += v.weights[k] * (sum.get(v.ids[k]) ?? 0);
      if (dot > 0) visit(t, dot / (Math.sqrt(this.norm2[t]) || 1));
    }
    for (let k = 0; k < v.ids.length; k++) dense[v.ids[k]] = 0;
  }

  /** The most similar topic (lowest index on ties) and its cosine; [-1, 0] when none shares a term. */
  best(v: SparseVector): [number, number] {
    let bestTopic = -1;
    let bestSim = 0;
    this.forEachSimilar(v, (t, s) => {
      if (s > bestSim) [bestTopic, bestSim] = [t, s];
    });
    return [bestTopic, bestSim];
  }
}

/** Candidate topics share one of a vector's this many heaviest terms (see `TopicSpace`). */
const CANDIDATE_TERMS = 10;

/** Positions of the `count` largest weights of a vector (ties: lower term id first). */
function heaviest(v: SparseVector, count: number): number[] {
  const order = Array.from(v.ids, (_, k) => k);
  if (order.length <= count) return order;
  order.sort((x, y) => v.weights[y] - v.weights[x] || v.ids[x] - v.ids[y]);
  return order.slice(0, count);
}

/** Single pass, merge, one reassignment (see the file's comment); returns each doc's topic index. */
function cluster(docs: Doc[], threshold: number): number[] {
  // 1. single pass in time order
  const space = new TopicSpace();
  let assignment = docs.map((d) => {
    const [t, s] = space.best(d.vector);
    const target = t >= 0 && s >= threshold ? t : space.open();
    space.add(target, d.vector);
    return target;
  });
  // 2. merge topics whose centroids are alike, the most alike first
  const parent = Array.from({ length: space.size }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  // (two single-ticket topics were compared when the later one arrived, and stayed apart)
  const members = new Array<number>(space.size).fill(0);
  for (const t of assignment) members[t]++;
  const pairs: [number, number, number][] = [];
  for (let t = 0; t < space.size; t++) {
    if (members[t] < 2) continue;
    space.forEachSimilar(space.centroid(t), (u, s) => {
      if (u !== t && s >= threshold && (members[u] < 2 || u > t)) pairs.push([s, Math.min(t, u), Math.max(t, u)]);
    });
  }
  pairs.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
  for (const [, x, y] of pairs) {
    const rx = find(x);
    const ry = find(y);
    if (rx !== ry) parent[Math.max(rx, ry)] = Math.min(rx, ry);
  }
  assignment = assignment.map((t) => find(t));
  // 3. reassign every doc once to its most similar centroid
  const merged = new TopicSpace();
  const index = new Map<number, number>();
  assignment.forEach((t, i) => {
    let m = index.get(t);
    if (m === undefined) index.set(t, (m = merged.open()));
    merged.add(m, docs[i].vector);
  });
  return docs.map((d, i) => {
    const [t, s] = merged.best(d.vector);
    return t >= 0 && s >= threshold ? t : (index.get(assignment[i]) as number);
  });
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The hot issue of one topic's docs (oldest first). */
function describe(members: Doc[], terms: string[], mid: number, instant: boolean, o: ResolvedOptions): HotIssue {
  const centroid = new Map<number, number>();
  for (const d of members) {
    for (let k = 0; k < d.vector.ids.length; k++) centroid.set(d.vector.ids[k], (centroid.get(d.vector.ids[k]) ?? 0) + d.vector.weights[k]);
  }
  const norm = Math.sqrt([...centroid.values()].reduce((s, w) => s + w * w, 0)) || 1;
  const cosine = (d: Doc) => {
    let dot = 0;
    for (let k = 0; k < d.vector.ids.length; k++) dot += d.vector.weights[k] * (centroid.get(d.vector.ids[k]) ?? 0);
    return dot / norm;
  };
  const texts = members.map((d) => normalizeForMatching(`${d.item.title ?? ''} ${d.item.text}`));
  const keywords = topKeywords(centroid, terms, texts, o.keywords);
  const evidence = members
    .map((d) => ({ id: d.item.id, sim: cosine(d), time: d.time }))
    .sort((a, b) => b.sim - a.sim || a.time - b.time || compareStrings(a.id, b.id))
    .slice(0, o.evidence)
    .map((e) => e.id);
  const all = members.flatMap((d) => [d.item, ...d.duplicates]);
  const recentCount = instant ? members.length : members.filter((d) => d.time >= mid).length;
  const earlierCount = members.length - recentCount;
  const growth = (recentCount + 1) / (earlierCount + 1);
  const likes = all.reduce((s, it) => s + Math.max(0, finite(it.likes)), 0);
  const byReporter = new Map<string, number>();
  const callerOf = (it: HotIssueItem) => (typeof it.callerId === 'string' && it.callerId.length > 0 ? 'c:' + it.callerId : undefined);
  members.forEach((d, i) => {
    const own = callerOf(d.item) ?? 't:' + i;
    for (const it of [d.item, ...d.duplicates]) {
      const caller = callerOf(it) ?? own; // a copy without a caller is no new reporter
      byReporter.set(caller, Math.max(byReporter.get(caller) ?? 1, finite(it.people)));
    }
  });
  const reporters = byReporter.size;
  const people = [...byReporter.values()].reduce((s, v) => s + v, 0);
  const districtCounts = new Map<string, number>();
  for (const it of all) {
    const code = it.districtCode;
    if (typeof code === 'string' && code.length > 0) districtCounts.set(code, (districtCounts.get(code) ?? 0) + 1);
  }
  const times = all.map((it) => validTime(it));
  return {
    id: 'hot:' + members[0].item.id,
    label: keywords.slice(0, 3).join('、'),
    keywords,
    ticketIds: members.map((d) => d.item.id),
    duplicates: members.flatMap((d) => d.duplicates.map((dup) => ({ id: dup.id, duplicateOf: d.item.id }))),
    count: members.length,
    reporters,
    evidenceIds: evidence,
    firstTime: new Date(times.reduce((a, b) => Math.min(a, b))),
    lastTime: new Date(times.reduce((a, b) => Math.max(a, b))),
    recentCount,
    earlierCount,
    growth,
    likes,
    people,
    districts: [...districtCounts.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0])).map(([code]) => code),
    heat: heatIndex({ reporters, people, likes, growth }, o.heat),
  };
}

/**
 * The heaviest terms of a centroid, each grown into the longest string the topic's texts share:
 * a character is added on the left or right while the longer string still occurs in at least
 * half of the texts (two at least), up to {@link MAX_KEYWORD_CHARS}. The bigrams 58车, 车贷 of a
 * name jieba cuts 58 | 车 | 贷 become 58车贷; 滨河 becomes 伊景园滨河苑. Growth stops at a function
 * character (的, 在, …) and, on the left, at the end of a place name (A市 | 五矿: 省, 市, 县, 区).
 * A keyword inside one already listed is skipped; one that contains listed keywords replaces them.
 */
function topKeywords(centroid: Map<number, number>, terms: string[], texts: string[], count: number): string[] {
  const ranked: string[] = [];
  const seen = new Set<string>();
  for (const [id] of [...centroid.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])) {
    const surface = (terms[id] ?? '').slice(2);
    if (surface.length === 0 || seen.has(surface)) continue;
    seen.add(surface);
    ranked.push(surface);
    if (ranked.length >= count * 2) break;
  }
  const needed = Math.max(2, Math.ceil(texts.length / 2));
  const out: string[] = [];
  // (each text segmented once, however many keywords are cut to its words)
  const boundaries = new Map<string, Set<number>>();
  const boundariesOf = (text: string) => boundaries.get(text) ?? boundaries.set(text, wordBoundaries(text)).get(text)!;
  for (const surface of ranked) {
    const keyword = toWholeWords(grow(surface, texts, needed), texts, boundariesOf);
    // (nor one that runs on from another: 看到任何通知 and 任何通知什么时候)
    if (out.some((k) => k.includes(keyword) || runsOn(k, keyword) || runsOn(keyword, k))) continue;
    for (let i = out.length - 1; i >= 0; i--) if (keyword.includes(out[i])) out.splice(i, 1);
    out.push(keyword);
    if (out.length >= count) break;
  }
  return out;
}

/** `word` grown one character at a time while at least `needed` texts contain the result (see `topKeywords`). */
function grow(word: string, texts: string[], needed: number): string {
  let current = word;
  let holders = texts.filter((t) => t.includes(current));
  if (holders.length < needed) return current;
  for (;;) {
    if ([...current].length >= MAX_KEYWORD_CHARS) return current;
    // the most common character right after, and right before, the keyword in its texts
    const after = new Map<string, number>();
    const before = new Map<string, number>();
    for (const t of holders) {
      const seenAfter = new Set<string>();
      const seenBefore = new Set<string>();
      for (let at = t.indexOf(current); at >= 0; at = t.indexOf(current, at + 1)) {
        const next = String.fromCodePoint(t.codePointAt(at + current.length) ?? 0);
        const prev = at > 0 ? [...t.slice(Math.max(0, at - 2), at)].pop() ?? '' : '';
        if (at + current.length < t.length && !FUNCTION_CHARS.has(next)) seenAfter.add(next);
        if (prev.length > 0 && !FUNCTION_CHARS.has(prev) && !PLACE_SUFFIXES.has(prev)) seenBefore.add(prev);
      }
      for (const c of seenAfter) after.set(c, (after.get(c) ?? 0) + 1);
      for (const c of seenBefore) before.set(c, (before.get(c) ?? 0) + 1);
    }
    const best = (m: Map<string, number>) => [...m.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0];
    const right = best(after);
    const left = best(before);
    let next: string | undefined;
    if (right && right[1] >= needed && (!left || right[1] >= left[1])) next = current + right[0];
    else if (left && left[1] >= needed) next = left[0] + current;
    if (next === undefined) return current;
    const grown = next;
    const still = holders.filter((t) => t.includes(grown));
    if (still.length < needed) return current;
    current = grown;
    holders = still;
  }
}

/**
 * A grown keyword cut to whole words (jieba's) of a text it was grown in: no word begun or left
 * half-way — 地拖欠农民工工资 → 拖欠农民工工资, 工地拖欠农民工工 → 工地拖欠农民工. Left as it is when
 * nothing of two characters or more would remain.
 */
function toWholeWords(keyword: string, texts: string[], boundariesOf: (text: string) => Set<number>): string {
  const text = texts.find((t) => t.includes(keyword));
  if (!text) return keyword;
  const cuts = boundariesOf(text);
  const at = text.indexOf(keyword);
  let start = at;
  let end = at + keyword.length;
  while (start < end && !cuts.has(start)) start++;
  while (end > start && !cuts.has(end)) end--;
  const whole = text.slice(start, end);
  return [...whole].length >= 2 ? whole : keyword;
}

/** Does `b` begin with two or more characters that `a` ends with (a phrase running on)? */
function runsOn(a: string, b: string): boolean {
  for (let n = Math.min(a.length, b.length) - 1; n >= 2; n--) if (a.endsWith(b.slice(0, n))) return true;
  return false;
}

/** Grown keywords are at most this long (a place or company name, not a phrase). */
const MAX_KEYWORD_CHARS = 8;

/** Characters that end the name of an administrative division. */
const PLACE_SUFFIXES: ReadonlySet<string> = new Set(['省', '市', '县', '区']);
