/**
 * Facts a risk alert (风险预警) reads from a ticket's text (title + detail): how many people a
 * complaint speaks for (涉及人数), which employer it names (用人单位), and whether it is a labour
 * dispute (劳资纠纷: 欠薪, 补偿, 社保, 集体讨薪).
 *
 * Every function is pure, takes any string (empty, garbage, lone surrogates, control
 * characters) without throwing, and scans only the first {@link MAX_SCAN_CHARS} characters, so
 * one call costs a few milliseconds at most. Full-width digits and Latin letters count as ASCII
 * (７２名 = 72名).
 */

/** Only the first `MAX_SCAN_CHARS` UTF-16 units of a text are scanned. */
export const MAX_SCAN_CHARS = 20_000;

/** The text to scan: at most {@link MAX_SCAN_CHARS} units, full-width digits and letters → ASCII. */
export function prepareText(text: string, maxChars: number = MAX_SCAN_CHARS): string {
  if (typeof text !== 'string' || text.length === 0) return '';
  let t = text;
  if (t.length > maxChars) {
    const code = t.charCodeAt(maxChars - 1);
    t = t.slice(0, code >= 0xd800 && code <= 0xdbff ? maxChars - 1 : maxChars);
  }
  return t.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (c) =>
    String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** Chinese digits; 几 and 数 ("a few", 几十 = some tens) count as 3. */
const CN_DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 几: 3, 数: 3,
};
const CN_SMALL_UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };

/** A parsed quantity: its value and whether the text only gives it roughly. */
export interface Quantity {
  value: number;
  approximate: boolean;
}

/**
 * A Chinese numeral as a number: 七十二 → 72, 一百五十 → 150, 一千零五 → 1005, 两万 → 20000.
 *
 * Colloquial forms: 一百五 → 150 and 一千二 → 1200 (a trailing digit after 百/千/万 is the next
 * place); vague ones are approximate: 几十 → 30, 十几 → 13, 数百 → 300 (几/数 = 3), and a
 * range of two neighbouring digits (概数) takes its lower end: 三四十 → 30, 一两百 → 100,
 * 七八 → 7. Returns null for what is not a well-formed numeral (三三, 十百).
 */
export function parseChineseNumeral(numeral: string): Quantity | null {
  const chars = [...numeral];
  if (chars.length === 0) return null;
  let approximate = chars.some((c) => c === '几' || c === '数');
  // a range of two neighbouring digits (三四十, 一两百, 七八): keep the lower one
  for (let i = 0; i + 1 < chars.length; i++) {
    const a = CN_DIGITS[chars[i]];
    const b = CN_DIGITS[chars[i + 1]];
    const isDigit = (c: string) => c !== '几' && c !== '数' && CN_DIGITS[c] !== undefined;
    if (isDigit(chars[i]) && isDigit(chars[i + 1]) && a >= 1 && b === a + 1) {
      chars.splice(i + 1, 1);
      approximate = true;
      break;
    }
  }
  let total = 0;
  let section = 0;
  let pending: number | null = null;
  let lastUnit = 0; // the last place unit seen in the current section (0 = none)
  let previous = '';
  let afterZero = false;
  let sawWan = false;
  for (const c of chars) {
    if (CN_DIGITS[c] !== undefined) {
      if (pending !== null) return null;
      if (CN_DIGITS[c] === 0) {
        if (previous === '' || afterZero) return null;
        afterZero = true;
      } else {
        pending = CN_DIGITS[c];
      }
    } else if (CN_SMALL_UNITS[c] !== undefined) {
      const unit = CN_SMALL_UNITS[c];
      if (lastUnit !== 0 && unit >= lastUnit) return null;
      if (pending === null && previous !== '' && !afterZero && c !== '十') return null;
      section += (pending ?? 1) * unit;
      pending = null;
      lastUnit = unit;
      afterZero = false;
    } else if (c === '万') {
      if (sawWan) return null;
      sawWan = true;
      section += pending ?? 0;
      total = (section === 0 ? 1 : section) * 10_000;
      section = 0;
      pending = null;
      lastUnit = 10_000;
      afterZero = false;
    } else {
      return null;
    }
    previous = c;
  }
  if (pending !== null) {
    // 一百五 → 150, 一千二 → 1200, 一万二 → 12000; but 十五 → 15 and 一千零五 → 1005
    const lastChar = chars.length >= 2 ? chars[chars.length - 2] : '';
    const placeBefore = lastChar === '百' ? 100 : lastChar === '千' ? 1000 : lastChar === '万' ? 10_000 : 0;
    section += placeBefore > 0 && !afterZero ? pending * (placeBefore / 10) : pending;
  }
  const value = total + section;
  return value > 0 ? { value, approximate } : null;
}

/** An Arabic count: 72, 1,200, 1.2万, 3千, 20几 (→ 23, approximate). */
function parseArabicCount(raw: string): Quantity | null {
  let s = raw;
  let approximate = false;
  let extra = 0;
  if (s.endsWith('几')) {
    s = s.slice(0, -1);
    approximate = true;
    extra = 3;
  }
  let multiplier = 1;
  const last = s.charAt(s.length - 1);
  if (last === '万' || last === '千' || last === '百') {
    multiplier = last === '万' ? 10_000 : last === '千' ? 1000 : 100;
    s = s.slice(0, -1);
  }
  const n = Number(s.replace(/,/g, ''));
  if (!Number.isFinite(n)) return null;
  const value = Math.round(n * multiplier * 1000) / 1000 + extra;
  if (!Number.isInteger(value) || value <= 0) return null;
  return { value, approximate };
}

// ---------------------------------------------------------------------------------------------
// People affected (涉及人数)

/** How many people a complaint speaks for, and the words that say so. */
export interface PeopleCount {
  /** The number of people (households count as people affected). */
  count: number;
  /** The words the count was read from, e.g. `72名员工`, `上百人`, `两百多户`. */
  phrase: string;
  /** The text gives the number roughly: 几十, 上百, 三十多, 二百余, 近百, 十几, 左右. */
  approximate: boolean;
}

/** Words for people, longest first so that 农民工 wins over 民工. */
const PEOPLE_WORDS: readonly string[] = [
  '外来务工人员', '退休人员', '务工人员', '工作人员', '从业人员', '建筑工人', '工人师傅', '劳务人员',
  '农民工', '临时工', '合同工', '派遣工', '劳务工', '环卫工', '快递员', '外卖员', '老年人', '消费者',
  '购房者', '投资人', '受害人', '受害者', '老百姓', '个体户', '工人们',
  '人员', '员工', '职工', '工人', '工友', '民工', '职员', '雇员', '业主', '住户', '租户', '居民',
  '村民', '社员', '市民', '群众', '百姓', '学生', '家长', '老人', '儿童', '孩子', '小孩', '患者',
  '病人', '乘客', '旅客', '游客', '客户', '会员', '学员', '教师', '老师', '护士', '医生', '司机',
  '骑手', '保安', '保洁', '商户', '摊主', '摊贩', '店主', '车主', '师傅', '同事', '同学', '邻居',
  '人家', '家庭', '农户', '渔民', '农民', '家属',
  '人',
];

/** What 人 must not be followed by to mean people: 人民币, 人次, 人口, 人间 (3人间), 人制, 人份. */
const NOT_PEOPLE_AFTER_REN = /^(?:民|次|口|间|制|份)/u;

/** The length of the people word at `pos`, or 0. */
function peopleWordAt(text: string, pos: number): number {
  for (const word of PEOPLE_WORDS) {
    if (text.startsWith(word, pos)) {
      if (word === '人' && NOT_PEOPLE_AFTER_REN.test(text.slice(pos + 1, pos + 3))) return 0;
      return word.length;
    }
  }
  return 0;
}

/** Whether a people word other than a lone 人 starts within `window` characters before `pos`. */
function peopleWordBefore(text: string, pos: number, window: number): boolean {
  const from = Math.max(0, pos - window);
  for (let i = from; i < pos; i++) if (peopleWordAt(text, i) > 0 && text.charAt(i) !== '人') return true;
  return false;
}

/** What must not follow a classifier for it to count people: 名额, 名次, 位数, 位置, 户口, 户型… */
const NOT_AFTER_UNIT: Readonly<Record<string, RegExp>> = {
  名: /^[额次单义字称下片牌胜列誉气声望]/u,
  位: /^[数置于次子]/u,
  人: NOT_PEOPLE_AFTER_REN,
  户: /^[口籍型外头主]/u,
};

/**
 * A count and what follows it: an optional prefix (近, 上, 约, 超过…), an Arabic or Chinese
 * number, an optional 多/余/来 and an optional classifier (名/位/个/人/户/家/号/口). Bounded
 * repetitions keep every attempt short, whatever the input.
 */
const COUNT_RE = new RegExp(
  '(大约有|大约|约有|约|将近|接近|近|超过|逾|上|成|多达|达|好|大概|差不多|足足|至少)?' +
    '((?:\\d{1,3}(?:,\\d{3}){1,2}(?!\\d)|\\d{1,9}(?:\\.\\d{1,3})?)[百千万]?几?|[零〇一二两三四五六七八九十百千万几数]{1,12})' +
    '(多|余|来)?' +
    '(名|位|个|人|户|家|号|口)?',
  'gu',
);

const APPROX_PREFIXES = new Set(['大约有', '大约', '约有', '约', '将近', '接近', '近', '超过', '逾', '上', '成', '大概', '差不多']);
/** Characters before 近 that make it another word (最近, 附近, 临近). */
const NOT_BEFORE_JIN = new Set(['最', '附', '临', '亲', '靠', '就', '远']);
/** Characters before 数 that make it another word (多数, 人数, 无数, 次数…). */
const NOT_BEFORE_SHU = new Set([...'多少无大总人半整单双系参函指分倍次岁户件票位读算']);
/** Characters before a lone 一 that make it another word (统一, 唯一, 周一, 初一…). */
const NOT_BEFORE_YI = new Set([...'统唯单同专归逐周初之其划整星期拜万第']);
/** Characters before a number that make it a house number (3栋302户, 10号楼). */
const HOUSE_NUMBER_BEFORE = new Set([...'栋幢楼座室房号元#-']);
const HAN_OR_WORD = /^[\p{Script=Han}\p{L}\p{N}]/u;
/** What 家 counts when it does not count households: 3家企业, 5家店. */
const BUSINESS_AFTER_JIA = /^(?:公司|企业|工厂|厂|店|单位|银行|医院|学校|酒店|超市|门店|商铺|铺|机构|餐|饭)/u;

/**
 * The number of people a complaint speaks for (涉及人数), read from its text:
 *
 * ```ts
 * peopleAffected('72名员工被拖欠工资')  // { count: 72, phrase: '72名员工', approximate: false }
 * peopleAffected('上百人聚集在厂门口')  // { count: 100, phrase: '上百人', approximate: true }
 * peopleAffected('两百多户业主')        // { count: 200, phrase: '两百多户业主', approximate: true }
 * peopleAffected('欠薪72万元')          // null
 * ```
 *
 * A count is a number (Arabic or Chinese, with 多/余/来/几/上/近/数 for vague ones) with a
 * people classifier (名, 位, 人, 户) or a people word (员工, 工人, 业主, 村民…); 个 and 家 count
 * people only next to a people word (三十多个人, 20多家商户, 工友30个). Money (72万元), dates
 * (2019年3月, 10号), floors (12楼), ages (72岁), durations (3个月), ordinals (第3名), phone and
 * house numbers (3栋302户) are not counts. When several counts appear the largest wins.
 * Returns null when there is none.
 */
export function peopleAffected(text: string): PeopleCount | null {
  const t = prepareText(text);
  if (t.length === 0) return null;
  let best: PeopleCount | null = null;
  const re = new RegExp(COUNT_RE.source, COUNT_RE.flags);
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    const found = readCount(t, m);
    if (found === null) {
      re.lastIndex = m.index + 1; // look again inside the rejected match (成百上千 → 上千)
      continue;
    }
    if (best === null || found.count > best.count) best = found;
  }
  return best;
}

/** One count candidate checked against its context; null when it is not a people count. */
function readCount(t: string, m: RegExpExecArray): PeopleCount | null {
  let prefix = m[1] ?? '';
  const raw = m[2];
  const suffix = m[3] ?? '';
  const unit = m[4] ?? '';
  const start = m.index;
  const numberStart = start + prefix.length;
  const before = start > 0 ? t.charAt(start - 1) : '';
  const isArabic = /^\d/.test(raw);

  if (before === '第') return null; // ordinals: 第3名
  if (prefix === '近' && NOT_BEFORE_JIN.has(before)) prefix = '';
  if ((prefix === '上' || prefix === '成') && !/^[百千万]/u.test(raw)) prefix = '';

  let quantity: Quantity | null;
  let rangeStart = -1;
  if (isArabic) {
    const prev = numberStart > 0 ? t.charAt(numberStart - 1) : '';
    if (prefix === '' && /[A-Za-z0-9._/:#\-~～—]/.test(prev)) {
      // a range (20-30人) counts its lower end; any other glued number is a code or house number
      const range = /(\d{1,7})\s*[-~～—]\s*$/.exec(t.slice(Math.max(0, numberStart - 12), numberStart));
      const parsed = parseArabicCount(raw);
      if (range === null || parsed === null || Number(range[1]) <= 0 || Number(range[1]) >= parsed.value) {
        return null;
      }
      rangeStart = numberStart - range[0].length;
      quantity = { value: Number(range[1]), approximate: true };
    } else {
      quantity = parseArabicCount(raw);
    }
    if (unit === '' && suffix === '' && prefix === '' && !raw.endsWith('几')) {
      // a bare Arabic number glued to a people word is too often a room number (1602业主)
      return null;
    }
  } else {
    if (raw.startsWith('数') && NOT_BEFORE_SHU.has(before)) return null;
    if (raw === '一' && NOT_BEFORE_YI.has(before)) return null;
    if (raw.length === 1 && /[周期拜初]/u.test(before)) return null;
    if (/^[百千万]/u.test(raw) && prefix === '' && suffix === '') return null; // 百姓, 千万, 万一
    if (prefix === '' && /[零〇一二两三四五六七八九十百千万几数]/u.test(before)) return null; // inside a longer run
    quantity = parseChineseNumeral(raw);
  }
  if (quantity === null || quantity.value > 10_000_000) return null;

  let end = start + m[0].length;
  const after = t.slice(end, end + 3);
  let approximate = quantity.approximate || suffix !== '' || APPROX_PREFIXES.has(prefix);
  if (unit !== '' && NOT_AFTER_UNIT[unit]?.test(after)) return null;

  const wordLength = unit === '人' ? 0 : peopleWordAt(t, end);
  if (unit === '号' || unit === '口') {
    if (!after.startsWith('人') || wordLength === 0) return null; // 一两百号人, 3口人; not 10号, 三口之家
  } else if (unit === '个') {
    if (wordLength === 0) {
      // 工友30个: a people word just before, and 个 ends the phrase (not 工人3个月)
      const boundary = after === '' || !HAN_OR_WORD.test(after) || after.startsWith('左右');
      if (!boundary || !peopleWordBefore(t, numberStart, 8)) return null;
    }
  } else if (unit === '家') {
    // 20多家商户, 商户20多家; not 3家餐馆 or 住户说有5家企业
    if (wordLength === 0 && (BUSINESS_AFTER_JIA.test(after) || !peopleWordBefore(t, numberStart, 8))) {
      return null;
    }
  } else if (unit === '') {
    if (wordLength === 0) return null;
  }
  if ((unit === '户' || unit === '家' || unit === '') && !approximate && HOUSE_NUMBER_BEFORE.has(before)) {
    return null;
  }
  end += wordLength;
  if (/^(?:左右|上下|以上)/u.test(t.slice(end, end + 2))) {
    end += 2;
    approximate = true;
  }
  const from = rangeStart >= 0 ? rangeStart : prefix === '' ? numberStart : start;
  return { count: quantity.value, phrase: t.slice(from, end), approximate };
}

// ---------------------------------------------------------------------------------------------
// Employer (用人单位)

/** Endings of an employer's name, longest first. */
const EMPLOYER_SUFFIXES: readonly string[] = [
  '股份有限公司', '有限责任公司', '有限公司', '分公司', '公司', '集团', '加工厂', '工厂', '厂',
  '建筑工地', '项目工地', '工地', '项目部', '项目', '大酒店', '酒店', '宾馆', '饭店', '餐厅', '餐馆', '酒楼',
  '超市', '商场', '门店', '店', '工作室', '中心', '医院', '学校', '小学', '中学', '幼儿园', '作坊', '农场',
  '养殖场', '商行', '经营部', '事务所', '会所',
];
const EMPLOYER_SUFFIX_RE = new RegExp(EMPLOYER_SUFFIXES.join('|'), 'gu');
/** Legal-form endings that may follow another ending: 恒大集团有限公司, 华达电子厂有限公司. */
const LEGAL_TAILS: readonly string[] = ['股份有限公司', '有限责任公司', '有限公司', '分公司', '公司', '集团'];
/** Characters a name is made of: Han, Latin letters, digits, masks (某某, XX, ××, **). */
const NAME_CHAR = /[\p{Script=Han}A-Za-z0-9×*]/u;
const MAX_NAME_CHARS = 40;

/**
 * A name starts after the last of these (…反映东莞市某某电子厂, 我老公在华达电子厂, 被XX公司,
 * 拖欠工资的XX公司); 在线, 在职 and 被服 are words of their own.
 */
const NAME_CUT_RE =
  /^.*(?:反映|投诉|举报|控告|起诉|入职|我是|我们是|请求|要求|希望|拖欠|在(?![线职])|于|被(?![服子褥])|的|了|着|过)/u;
/** Words stripped, again and again, from the start of a name candidate. */
const NAME_LEADING_WORDS: readonly string[] = [
  '我们', '咱们', '本人', '他们', '她们', '大家', '我', '他', '她', '今年', '去年', '前年', '目前',
  '现在', '之前', '以前', '以来', '一直', '曾经', '曾', '原来', '当时', '现', '均', '都', '也', '一起',
  '共同', '集体', '所在', '位于', '属于', '关于', '应聘到', '应聘', '进入', '就职', '任职', '打工',
  '上班', '工作', '从事', '老公', '老婆', '丈夫', '妻子', '儿子', '女儿', '父亲', '母亲', '爸爸',
  '妈妈', '亲戚', '朋友', '哥哥', '弟弟', '姐姐', '妹妹', '是', '到', '去', '进', '对', '给', '跟',
  ...PEOPLE_WORDS.filter((w) => w.length >= 2),
];
/** Words a leading-word strip must not remove when the rest would be too short. */
const DEMONSTRATIVES = /^(?:这家|那家|这个|那个|一家|某家|该|此|本|这|那)/u;
/** Bodies too generic to be a name: 物业公司, 电子厂, 该公司, 一家餐厅. */
const GENERIC_BODIES = new Set([
  '', '某', '物业', '物业管理', '劳务', '劳务派遣', '建筑', '装修', '装饰', '餐饮', '电子', '服装',
  '家具', '快递', '外卖', '保安', '保洁', '中介', '房产中介', '培训', '教育', '科技', '网络', '贸易',
  '物流', '工程', '建设', '施工', '用人', '涉事', '相关', '上述', '原', '新', '老', '大', '小', '总',
  '子', '母', '分', '空壳', '皮包', '黑心', '无良', '市', '区', '县', '镇', '村', '工业', '加工',
  '五金', '塑胶', '印刷', '制衣', '鞋', '玩具', '机械', '汽车', '美容', '健身', '酒', '饭', '商',
  '各', '多', '其他', '别的', '其它', '另一', '两', '几', '哪', '什么',
]);

/**
 * The employer a labour complaint names (用人单位), e.g. `东莞市某某电子厂`,
 * `惠州市XX实业有限公司`, `某某建筑工地`; null when there is none. The first name in the text wins.
 *
 * A name ends in a business word (有限公司, 公司, 厂, 工地, 项目部, 酒店, 店, 工作室, 中心…) and
 * starts after the verbs and prepositions before it (我在, 我们是, 在, 于, 被, 反映, 入职…).
 * Generic references (该公司, 物业公司, 电子厂, 一家餐厅) are not names.
 */
export function employerName(text: string): string | null {
  const t = prepareText(text);
  if (t.length === 0) return null;
  const re = new RegExp(EMPLOYER_SUFFIX_RE.source, EMPLOYER_SUFFIX_RE.flags);
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    const name = nameEndingAt(t, m.index, m.index + m[0].length);
    if (name !== null) return name;
  }
  return null;
}

/** The name whose business word spans `[suffixStart, suffixEnd)`, or null. */
function nameEndingAt(t: string, suffixStart: number, suffixEnd: number): string | null {
  let end = suffixEnd;
  for (let extended = true; extended; ) {
    extended = false;
    for (const tail of LEGAL_TAILS) {
      if (t.startsWith(tail, end)) {
        end += tail.length;
        extended = true;
        break;
      }
    }
  }
  let start = suffixStart;
  while (start > 0 && suffixStart - start < MAX_NAME_CHARS && NAME_CHAR.test(t.charAt(start - 1))) start--;
  let body = t.slice(start, suffixStart).replace(NAME_CUT_RE, '');
  body = stripLeading(body);
  body = body.replace(DEMONSTRATIVES, '');
  if (body.length < 2 || GENERIC_BODIES.has(body) || /^[\d×*]+$/u.test(body)) return null;
  return body + t.slice(suffixStart, end);
}

/** Strips dates, counts, subjects, verbs and prepositions from the start of a name candidate. */
function stripLeading(body: string): string {
  let s = body;
  for (let i = 0; i < 20; i++) {
    const before = s;
    const date = /^(?:\d{2,4}年|\d{1,2}月|\d{1,2}[日号])+(?:起|开始|份|底|初|以来)?/u.exec(s);
    if (date !== null) s = s.slice(date[0].length);
    const count = /^[\d零一二两三四五六七八九十百千几数]+[多余]?[名个位户人]/u.exec(s);
    if (count !== null) s = s.slice(count[0].length);
    for (const word of NAME_LEADING_WORDS) {
      if (s.startsWith(word) && s.length - word.length >= 2) {
        s = s.slice(word.length);
        break;
      }
    }
    if (s === before) break;
  }
  return s;
}

/** Places stripped from a name without their 市/区/镇: major cities, and districts and towns of Guangdong. */
const BARE_PLACES: readonly string[] = [
  '广东', '广州', '深圳', '东莞', '惠州', '佛山', '中山', '珠海', '江门', '肇庆', '汕头', '湛江', '茂名',
  '清远', '韶关', '河源', '梅州', '汕尾', '阳江', '揭阳', '潮州', '云浮', '北京', '上海', '天津', '重庆',
  '天河', '越秀', '海珠', '荔湾', '白云', '黄埔', '番禺', '花都', '南沙', '从化', '增城', '福田', '罗湖',
  '南山', '宝安', '龙岗', '龙华', '坪山', '光明', '盐田', '惠城', '惠阳', '博罗', '惠东', '龙门', '大亚湾',
  '仲恺', '南城', '东城', '莞城', '万江', '虎门', '长安', '厚街', '塘厦', '凤岗', '常平', '樟木头', '清溪',
  '大朗', '大岭山', '寮步', '松山湖', '石碣', '石龙', '茶山', '石排', '企石', '横沥', '桥头', '谢岗',
  '黄江', '沙田', '道滘', '洪梅', '麻涌', '望牛墩', '中堂', '高埗', '东坑', '禅城', '南海', '顺德',
  '三水', '高明',
];
const CORPORATE_ENDINGS = /(?:股份有限公司|有限责任公司|有限公司|公司)$/u;
const ADMIN_PREFIXES: readonly RegExp[] = [
  /^[\p{Script=Han}]{2,3}省/u,
  /^[\p{Script=Han}]{2,4}?市(?![场政民区])/u,
  /^[\p{Script=Han}]{1,4}?(?:新区|区|县)(?!域)/u,
  /^[\p{Script=Han}]{2,4}?(?:镇|乡|街道)/u,
  // a street address before the name: 珠吉路, 建设大道88号, 石马村, 民营工业园
  /^[\p{Script=Han}]{1,5}?(?:大道|路|街|巷|村|工业园|工业区)(?:\d{1,5}号)?(?=[\p{Script=Han}]{3})/u,
];
/** Characters before 市 or 区 that make them part of another word (超市, 门市, 社区, 小区…). */
const NOT_PLACE_BEFORE: Readonly<Record<string, ReadonlySet<string>>> = {
  市: new Set([...'超菜都城夜门股']),
  区: new Set([...'社小园厂景校营专街片']),
};

/**
 * The key employers cluster by ('' when the name is only a mask and a business word, e.g.
 * 某某公司: no key): the name without its province, city, district and town
 * (广东省, 东莞市, 天河区, 长安镇, or a bare 广州/天河), its legal form (有限公司, 有限责任公司,
 * 股份有限公司, 公司) or 厂 — callers say 厂 where the register says 有限公司 — a street
 * address (珠吉路, 建设大道88号) and a bracketed branch, lower case. `东莞市长安镇华达电子厂`,
 * `天河区珠吉路华达电子厂`, `华达电子有限公司` and `华达电子厂` share the key `华达电子`.
 */
export function employerKey(name: string): string {
  let s = prepareText(name, 200)
    .toLowerCase()
    .replace(/[\s\u3000]+/gu, '')
    .replace(/[（(][^（）()]{0,20}[）)]/gu, '');
  for (let i = 0; i < 3; i++) {
    const stripped = s.replace(CORPORATE_ENDINGS, '');
    if (stripped === s || stripped.length < 2) break;
    s = stripped;
  }
  for (let changed = true, i = 0; changed && i < 10; i++) {
    changed = false;
    for (const re of ADMIN_PREFIXES) {
      const m = re.exec(s);
      if (m === null || s.length - m[0].length < 2) continue;
      const marker = m[0].endsWith('街道') || m[0].endsWith('新区') ? 2 : 1;
      const notBefore = NOT_PLACE_BEFORE[m[0].charAt(m[0].length - 1)];
      if (notBefore?.has(m[0].charAt(m[0].length - marker - 1))) continue;
      s = s.slice(m[0].length);
      changed = true;
    }
    for (const place of BARE_PLACES) {
      // not when an admin word follows (虎门镇…): the patterns above take the whole place
      if (s.startsWith(place) && s.length - place.length >= 3 && !/^[省市区县镇乡]/u.test(s.slice(place.length))) {
        s = s.slice(place.length);
        changed = true;
      }
    }
  }
  // 厂 last, after the places (虎门华达厂 → 华达厂 → 华达): what callers call 厂 the register calls 有限公司
  const plain = s.replace(/(?:工厂|厂)$/u, '');
  if (plain.length >= 2) s = plain;
  return maskedOnly(s) ? '' : s;
}

/** Characters callers (and hotline records) mask a name with. */
const MASK_CHARS = /^[某xX×*＊Ｘ]+/u;

/**
 * A name that is nothing but a mask and a business word — 某某公司, XX厂, 某某建筑工地: two
 * callers who say it may mean two different employers, so it is no key. (某某服装厂 says more
 * and stays a key: published records mask real names so, keeping the trade.)
 */
function maskedOnly(key: string): boolean {
  if (!MASK_CHARS.test(key)) return false;
  let rest = key.replace(MASK_CHARS, '');
  for (const suffix of EMPLOYER_SUFFIXES) {
    if (rest.endsWith(suffix)) {
      rest = rest.slice(0, -suffix.length);
      break;
    }
  }
  return rest === '';
}

// ---------------------------------------------------------------------------------------------
// Labour disputes (劳资纠纷)

/** The outcome of {@link isLabourDispute}. */
export interface LabourMatch {
  matched: boolean;
  /** The labour terms found, in order of first appearance, each once. */
  terms: string[];
}

/** Up to n characters within one sentence. */
const GAP = (n: number) => `[^。！？!?；;\\n]{0,${n}}?`;
const WAGES = '(?:工资|薪水|薪资|薪酬|工钱|血汗钱|劳务费)';
const NOT = '(?:未|没|没有|不|拒不|拒绝|迟迟不|迟迟未|一直没|一直未|还没|尚未|至今未|至今没)';
const INSURANCE = '(?:社保|社会保险|五险一金|五险|公积金)';
const PAY_IN = '(?:缴纳?|交|买|购买|办理?)';

interface LabourTerm {
  term: string;
  pattern: RegExp;
  /** Strong terms make a labour dispute alone; weak ones need a word about work nearby. */
  strong: boolean;
}

const LABOUR_TERMS: readonly LabourTerm[] = [
  { term: '拖欠工资', pattern: new RegExp(`拖欠${GAP(10)}${WAGES}`, 'u'), strong: true },
  { term: '欠薪', pattern: /欠薪/u, strong: true },
  { term: '欠工资', pattern: new RegExp(`(?<!拖)欠${GAP(8)}${WAGES}`, 'u'), strong: true },
  {
    term: '工资未发',
    pattern: new RegExp(
      `${WAGES}${GAP(8)}${NOT}(?:按时)?(?:发|给|结|支付|到账|付|兑现)|${NOT}(?:按时)?(?:发放?|支付|结清?|给|付)${GAP(6)}${WAGES}`,
      'u',
    ),
    strong: true,
  },
  { term: '讨薪', pattern: new RegExp(`讨薪|追薪|(?:讨要|追讨|索要)${GAP(6)}${WAGES}`, 'u'), strong: true },
  { term: '经济补偿', pattern: /经济补偿|工龄补偿|[nN]\s*\+\s*[12]/u, strong: true },
  { term: '遣散费', pattern: /遣散费/u, strong: true },
  { term: '加班费', pattern: /加班费/u, strong: true },
  { term: '工伤', pattern: /工伤/u, strong: true },
  {
    term: '社保未缴',
    pattern: new RegExp(
      `${INSURANCE}${GAP(8)}${NOT}${PAY_IN}|${NOT}(?:给|帮|为)?${GAP(6)}${PAY_IN}${GAP(4)}${INSURANCE}|` +
        '社保断缴|断缴社保',
      'u',
    ),
    strong: true,
  },
  {
    term: '劳动合同',
    pattern: new RegExp(`${NOT}${GAP(10)}签${GAP(4)}劳动合同|解除劳动合同|劳动合同纠纷`, 'u'),
    strong: true,
  },
  { term: '辞退', pattern: /辞退|开除|裁员|解雇/u, strong: true },
  { term: '劳动仲裁', pattern: /劳动仲裁|劳动监察|劳动争议|劳动纠纷|劳资纠纷/u, strong: true },
  { term: '罢工', pattern: /罢工/u, strong: true },
  { term: '补偿款', pattern: /补偿款|补偿金/u, strong: false },
  { term: '赔偿金', pattern: /赔偿金/u, strong: false },
  { term: '搬迁补偿', pattern: /搬迁补偿|搬迁赔偿/u, strong: false },
  { term: '工程款', pattern: new RegExp(`拖欠${GAP(6)}工程款|工程款${GAP(6)}${NOT}(?:付|结|支付|到位)`, 'u'), strong: false },
  { term: '集体', pattern: /集体/u, strong: false },
  { term: '群体', pattern: /群体/u, strong: false },
  { term: '停工', pattern: /停工|停产/u, strong: false },
  { term: '堵门', pattern: /堵门|堵路|拉横幅|拉条幅|静坐|聚集/u, strong: false },
  { term: '老板跑路', pattern: new RegExp(`(?:老板|厂方|厂里|公司)${GAP(6)}(?:跑路|失联|卷款)`, 'u'), strong: false },
];

/** Words about work that turn a weak term (补偿款, 集体, 停工) into a labour dispute. */
const WORK_CONTEXT =
  /员工|工人|职工|农民工|工友|民工|工厂|厂里|厂方|上班|工资|离职|工龄|入职|劳动合同|劳动者|劳动关系|包工头|用人单位|打工|雇主/u;

/** Does the text speak of work at all (员工, 工资, 上班, 用人单位…)? */
export function speaksOfWork(text: string): boolean {
  return WORK_CONTEXT.test(prepareText(text));
}

/**
 * Whether a ticket is a labour dispute (劳资纠纷), and the terms that say so: wage arrears
 * (拖欠工资, 欠薪, 工资未发, 讨薪), compensation (经济补偿, 遣散费, 补偿款, 赔偿金, 搬迁补偿),
 * social insurance arrears (社保未缴), dismissal, work injury, and mass actions (集体, 罢工,
 * 停工, 堵门, 群体).
 *
 * Compensation money and mass actions alone are not enough (拆迁补偿款 is a land matter,
 * 工地停工 a building site's): they count only next to a word about work (员工, 工厂, 老板,
 * 工资…). The other terms count alone.
 */
export function isLabourDispute(text: string): LabourMatch {
  const t = prepareText(text);
  if (t.length === 0) return { matched: false, terms: [] };
  const found: { term: string; at: number; strong: boolean }[] = [];
  for (const { term, pattern, strong } of LABOUR_TERMS) {
    const m = pattern.exec(t);
    if (m !== null) found.push({ term, at: m.index, strong });
  }
  found.sort((a, b) => a.at - b.at);
  const matched = found.some((f) => f.strong) || (found.length > 0 && WORK_CONTEXT.test(t));
  return { matched, terms: found.map((f) => f.term) };
}
