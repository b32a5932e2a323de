/**
 * 模拟来电: realistic citizen calls to Guangzhou's 12345 hotline, for demos and benchmarks.
 *
 * Deterministic: the same seed gives the same calls, in the same order, on every machine. Each
 * call is a ready `CreateTicketInput` (valid enum values, lengths, phone numbers). Matters are
 * weighted by how often the hotline hears them; the text is assembled from many hand-written
 * templates with slots (小区, 路名, 地铁站, times, head counts, shops…), sometimes short or vague.
 * Points spread around the district's centroid, and part of them gather at a few persistent
 * places per district (a construction site, a park, a market, a metro station…), so a heatmap
 * shows clusters; a call placed at such a place names it in its text.
 */
import { seededRandom } from '../routing/random';
import { GUANGZHOU_DISTRICTS } from '../seed/guangzhou';
import { AccessNeed, Channel, TicketCategory, Urgency } from '../tickets/ticket.enums';

type District = (typeof GUANGZHOU_DISTRICTS)[number];

/** The city's bounding box: every generated point lies inside. */
export const CITY_BOUNDS = { south: 22.5, north: 23.95, west: 112.9, east: 114.1 } as const;

/** One simulated call, shaped as the `createTicket` input (send it as `variables.input`). */
export interface SimulatedCall {
  channel: Channel;
  category: TicketCategory;
  title: string;
  /** 诉求: what the citizen said */
  content: string;
  districtCode: string;
  lat: number;
  lng: number;
  urgency: Urgency;
  /** 专席, when the caller needs one */
  accessNeeds?: AccessNeed[];
  citizenName?: string;
  citizenPhone?: string;
  citizenAddress?: string;
}

/** The kinds of matter the generator knows (a coarse grouping, not duty-list codes). */
export type MatterFamily =
  | 'CONSTRUCTION_NOISE'
  | 'SQUARE_DANCE'
  | 'NIGHTLIFE_NOISE'
  | 'AIRCRAFT_NOISE'
  | 'RAILWAY_NOISE'
  | 'ROADS_BRIDGES'
  | 'STREET_LIGHTS'
  | 'WATER_POWER'
  | 'PROPERTY_ELEVATORS'
  | 'WAGES_LABOUR'
  | 'CONSUMER'
  | 'FOOD_SAFETY'
  | 'TAXI_RIDE_HAILING'
  | 'EDUCATION'
  | 'MEDICAL_INSURANCE'
  | 'EXIT_ENTRY'
  | 'SANITATION'
  | 'PARKING_STREET_TRADE'
  | 'PETS'
  | 'COOKING_FUMES'
  | 'ILLEGAL_BUILDING'
  | 'TREES'
  | 'GENERAL_ENQUIRY';

export type HotspotKind = 'CONSTRUCTION' | 'PARK' | 'MARKET' | 'METRO' | 'NIGHTLIFE' | 'STATION' | 'AIRPORT' | 'FACTORY';

/** 热点: a persistent place where calls of some matters gather. */
export interface Hotspot {
  districtCode: string;
  name: string;
  kind: HotspotKind;
  lat: number;
  lng: number;
}

/** A call and what it was made from (for tests and reports; not part of the ticket). */
export interface GeneratedCall {
  call: SimulatedCall;
  family: MatterFamily;
  /** the place the call is about, when it was placed at a hotspot */
  hotspot: Hotspot | null;
}

const h = (districtCode: string, name: string, kind: HotspotKind, lat: number, lng: number): Hotspot => ({
  districtCode,
  name,
  kind,
  lat,
  lng,
});

/** Approximate positions; close enough for a heatmap. */
export const HOTSPOTS: readonly Hotspot[] = [
  h('440103', '荔湾湖公园', 'PARK', 23.1275, 113.2372),
  h('440103', '上下九步行街', 'MARKET', 23.117, 113.247),
  h('440103', '花地湾地铁站', 'METRO', 23.089, 113.236),
  h('440103', '白鹅潭商务区工地', 'CONSTRUCTION', 23.105, 113.24),
  h('440104', '越秀公园', 'PARK', 23.139, 113.265),
  h('440104', '北京路步行街', 'MARKET', 23.125, 113.27),
  h('440104', '广州火车站', 'STATION', 23.149, 113.257),
  h('440104', '东山口', 'NIGHTLIFE', 23.1247, 113.2962),
  h('440105', '海珠湖公园', 'PARK', 23.084, 113.336),
  h('440105', '客村地铁站', 'METRO', 23.096, 113.318),
  h('440105', '中大布匹市场', 'MARKET', 23.098, 113.292),
  h('440105', '琶洲西区工地', 'CONSTRUCTION', 23.1, 113.37),
  h('440105', '江南西商圈', 'NIGHTLIFE', 23.101, 113.276),
  h('440106', '天河公园', 'PARK', 23.129, 113.37),
  h('440106', '体育西路地铁站', 'METRO', 23.135, 113.321),
  h('440106', '珠江新城', 'NIGHTLIFE', 23.119, 113.326),
  h('440106', '石牌村', 'MARKET', 23.136, 113.34),
  h('440106', '国际金融城工地', 'CONSTRUCTION', 23.12, 113.412),
  h('440111', '白云湖公园', 'PARK', 23.258, 113.237),
  h('440111', '嘉禾望岗地铁站', 'METRO', 23.247, 113.283),
  h('440111', '白云国际机场', 'AIRPORT', 23.392, 113.299),
  h('440111', '石井片区改造工地', 'CONSTRUCTION', 23.21, 113.22),
  h('440111', '太和镇市场', 'MARKET', 23.32, 113.33),
  h('440111', '江高工业园', 'FACTORY', 23.29, 113.23),
  h('440112', '科学城工地', 'CONSTRUCTION', 23.17, 113.45),
  h('440112', '鱼珠地铁站', 'METRO', 23.103, 113.429),
  h('440112', '香雪公园', 'PARK', 23.175, 113.497),
  h('440112', '大沙地商业街', 'MARKET', 23.106, 113.456),
  h('440113', '市桥步行街', 'MARKET', 22.942, 113.357),
  h('440113', '大夫山森林公园', 'PARK', 22.92, 113.33),
  h('440113', '汉溪长隆地铁站', 'METRO', 23.001, 113.33),
  h('440113', '万博商务区工地', 'CONSTRUCTION', 23.005, 113.35),
  h('440113', '广州南站', 'STATION', 22.989, 113.269),
  h('440114', '花都湖公园', 'PARK', 23.395, 113.205),
  h('440114', '新华商业街', 'MARKET', 23.399, 113.222),
  h('440114', '花东镇', 'AIRPORT', 23.415, 113.32),
  h('440114', '广州北站', 'STATION', 23.379, 113.2),
  h('440114', '狮岭皮具城', 'FACTORY', 23.46, 113.15),
  h('440115', '蕉门公园', 'PARK', 22.798, 113.523),
  h('440115', '南沙港区工地', 'CONSTRUCTION', 22.7, 113.6),
  h('440115', '金洲地铁站', 'METRO', 22.799, 113.549),
  h('440115', '黄阁汽车城', 'FACTORY', 22.83, 113.52),
  h('440117', '街口市场', 'MARKET', 23.55, 113.592),
  h('440117', '流溪河滨江公园', 'PARK', 23.54, 113.585),
  h('440117', '温泉镇工地', 'CONSTRUCTION', 23.63, 113.62),
  h('440118', '荔城街市', 'MARKET', 23.295, 113.828),
  h('440118', '挂绿湖', 'PARK', 23.288, 113.81),
  h('440118', '新塘牛仔城', 'FACTORY', 23.133, 113.615),
  h('440118', '增城广场地铁站', 'METRO', 23.282, 113.828),
  h('440118', '增城开发区工地', 'CONSTRUCTION', 23.2, 113.74),
];

/** Distance in km (equirectangular; good to well under 1 % at city scale). */
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dy = (a.lat - b.lat) * 110.57;
  const dx = (a.lng - b.lng) * 111.32 * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  return Math.hypot(dx, dy);
}

/** Per district: call volume (≈ population, millions), spread (σ, km), and local names. */
interface Locale {
  weight: number;
  sigmaKm: number;
  roads: readonly string[];
  stations: readonly string[];
  localities: readonly string[];
}

const LOCALES: Record<District['code'], Locale> = {
  '440103': {
    weight: 1.24,
    sigmaKm: 1.8,
    roads: ['中山八路', '康王中路', '龙津西路', '芳村大道', '花地大道', '黄沙大道', '南岸路', '东漖北路', '浣花路', '多宝路'],
    stations: ['陈家祠', '长寿路', '黄沙', '坑口', '花地湾', '西朗', '中山八', '彩虹桥', '鹤洞'],
    localities: ['西塱村', '东漖村', '海中村', '增滘村'],
  },
  '440104': {
    weight: 1.04,
    sigmaKm: 1.5,
    roads: ['环市东路', '东风中路', '中山四路', '解放北路', '农林下路', '起义路', '北京路', '盘福路', '先烈中路', '东华东路'],
    stations: ['公园前', '农讲所', '东山口', '越秀公园', '北京路', '团一大广场', '杨箕', '区庄', '西门口', '纪念堂'],
    localities: ['杨箕村', '瑶台村'],
  },
  '440105': {
    weight: 1.82,
    sigmaKm: 2,
    roads: ['江南大道中', '新港西路', '工业大道', '宝岗大道', '昌岗中路', '南洲路', '广州大道南', '滨江东路', '东晓南路', '赤岗路'],
    stations: ['客村', '江南西', '昌岗', '沥滘', '中大', '广州塔', '赤岗', '宝岗大道', '东晓南', '南洲'],
    localities: ['康乐村', '鹭江村', '沥滘村', '新滘村', '土华村'],
  },
  '440106': {
    weight: 2.24,
    sigmaKm: 2.5,
    roads: ['天河路', '天河北路', '体育东路', '中山大道西', '黄埔大道西', '龙口西路', '五山路', '天河东路', '华夏路', '棠下二社路'],
    stations: ['体育西路', '岗顶', '石牌桥', '珠江新城', '天河客运站', '车陂南', '华师', '五山', '猎德', '员村', '棠东'],
    localities: ['石牌村', '棠下村', '车陂村', '冼村', '上社村', '龙洞村'],
  },
  '440111': {
    weight: 3.74,
    sigmaKm: 4,
    roads: ['广园中路', '机场路', '白云大道北', '同和路', '增槎路', '石井大道', '云城西路', '京溪路', '黄石东路', '大源北路'],
    stations: ['嘉禾望岗', '同和', '京溪南方医院', '白云大道北', '永泰', '黄边', '萧岗', '三元里', '人和', '龙归'],
    localities: ['三元里村', '新市村', '大源村', '夏茅村', '沙涌村', '江夏村'],
  },
  '440112': {
    weight: 1.26,
    sigmaKm: 3.5,
    roads: ['开创大道', '科学大道', '黄埔东路', '丰乐北路', '开发大道', '香雪大道', '大沙东路', '护林路', '港湾路', '开泰大道'],
    stations: ['鱼珠', '大沙地', '萝岗', '香雪', '科学城', '黄埔新港', '夏园', '南岗', '苏元', '水西'],
    localities: ['茅岗村', '笔岗村', '横沙村', '九龙镇'],
  },
  '440113': {
    weight: 2.79,
    sigmaKm: 3.5,
    roads: ['西环路', '番禺大道北', '迎宾路', '汉溪大道', '兴南大道', '市广路', '亚运大道', '禺山大道', '清河东路', '南村大道'],
    stations: ['市桥', '汉溪长隆', '大石', '番禺广场', '大学城南', '厦滘', '南村万博', '会江', '钟村', '石壁'],
    localities: ['大石街', '钟村', '罗家村', '南村镇', '石楼镇'],
  },
  '440114': {
    weight: 1.64,
    sigmaKm: 4,
    roads: ['新华路', '迎宾大道', '凤凰北路', '106国道', '公益大道', '天贵路', '宝华路', '花山大道', '建设北路'],
    stations: ['花都广场', '花果山公园', '马鞍山公园', '清布', '莲塘', '花城路', '广州北站', '飞鹅岭', '花都汽车城'],
    localities: ['狮岭镇', '炭步镇', '花山镇', '赤坭镇'],
  },
  '440115': {
    weight: 0.85,
    sigmaKm: 4,
    roads: ['进港大道', '蕉门路', '环市大道中', '黄阁大道', '凤凰大道', '金隆路', '南沙大道', '港前大道'],
    stations: ['金洲', '蕉门', '黄阁', '黄阁汽车城', '南沙客运港', '庆盛', '东涌', '横沥'],
    localities: ['东涌镇', '大岗镇', '横沥镇', '榄核镇'],
  },
  '440117': {
    weight: 0.72,
    sigmaKm: 4,
    roads: ['河滨北路', '河滨南路', '新城路', '105国道', '江埔路', '青云路', '广从南路'],
    stations: ['东风', '太平', '神岗', '赤草'],
    localities: ['鳌头镇', '太平镇', '良口镇', '温泉镇'],
  },
  '440118': {
    weight: 1.47,
    sigmaKm: 4,
    roads: ['荔城大道', '增城大道', '广深大道', '府佑路', '荔景大道', '新塘大道', '挂绿路', '107国道'],
    stations: ['增城广场', '荔城', '新塘', '官湖', '朱村', '山田', '钟岗', '新沙', '白江', '凤岗'],
    localities: ['新塘镇', '石滩镇', '中新镇', '仙村镇'],
  },
};

// ——— word lists ———

const ESTATE_HEADS = [
  '锦绣', '翠湖', '华景', '丽江', '骏景', '汇景', '天朗', '荔景', '东湖', '南湖', '康乐', '怡安', '和平', '宏城', '金沙',
  '碧水', '龙苑', '富华', '雅居', '新景', '万福', '嘉和', '云山', '珠江', '凤凰', '紫荆', '逸翠', '星河', '金碧', '东方',
];
const ESTATE_TAILS = ['花园', '新村', '小区', '苑', '雅苑', '豪庭', '名苑', '山庄', '新城', '家园', '公寓', '广场'];
const BRANDS = ['恒康', '佳美', '优品', '鑫源', '百味', '悦动', '金牌', '好运来', '喜多多', '福满楼', '顺记', '阿强', '老广', '利民', '星辰', '乐享'];
const COMPANY_HEADS = ['宏达', '永盛', '鑫隆', '华通', '建辉', '金利', '恒信', '利丰', '广盛', '德兴', '嘉诚', '荣发', '新锐', '创远', '众联'];
const BRIDGES = ['海印桥', '猎德大桥', '华南大桥', '洛溪大桥', '鹤洞大桥', '广州大桥', '江湾大桥', '人民桥', '新光大桥', '琶洲大桥'];
const PROVINCES = ['湖南', '广西', '江西', '四川', '湖北', '河南', '粤东', '粤西', '贵州', '福建'];
const SURNAMES = [
  '陈', '陈', '陈', '黄', '黄', '李', '李', '梁', '梁', '林', '张', '刘', '何', '罗', '郭', '吴', '杨', '周', '郑', '谢',
  '冯', '邓', '曾', '彭', '蔡', '潘', '许', '麦', '钟', '叶', '卢', '欧阳', '司徒', '王', '赵', '徐', '朱', '胡',
];
const GIVEN_ONE = ['伟', '芳', '敏', '静', '丽', '强', '磊', '军', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞', '平', '刚', '浩', '婷', '斌', '欣', '华', '琳'];
const GIVEN_TWO = [
  '秀英', '志强', '国华', '建华', '嘉欣', '梓豪', '子轩', '晓东', '丽华', '淑芬', '美玲', '锦华', '柏林', '小红', '少华', '文杰',
  '伟明', '嘉怡', '家豪', '慧敏', '振东', '永康', '海燕', '雪梅', '颖儿', '俊杰', '卓霖', '思琪', '泽宇', '诗韵',
];
const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '153', '155', '156', '157',
  '158', '159', '166', '173', '175', '176', '177', '178', '180', '181', '182', '183', '184', '185', '186', '187', '188', '189',
  '191', '193', '195', '198', '199',
];

const NIGHT = ['晚上十一点多', '凌晨一点多', '半夜十二点以后', '凌晨两三点', '晚上十点以后', '凌晨', '深夜'];
const EARLY = ['早上六点不到', '早上五点多', '天还没亮', '早上六点半'];
const SPELLS = ['一个多星期', '三天', '四五天', '半个多月', '两个多月', '快一个月', '好几天', '差不多一年'];
const MONTHS = ['两个月', '三个月', '四个多月', '半年', '快一年', '三个多月'];
const SLEEPLESS = [
  '整栋楼的人都睡不着',
  '孩子第二天还要上学，根本没法休息',
  '家里老人心脏不好，被吵得整夜睡不着',
  '窗户关紧了还是听得很清楚',
  '我上夜班白天补觉都补不了',
  '已经连续好几天失眠了',
  '家里小孩被吵醒哭个不停',
];
const GOODS = ['手机', '空调', '冰箱', '热水器', '电动车', '洗衣机', '沙发', '床垫', '电饭煲', '扫地机器人', '燃气灶'];
const FOODS = ['牛奶', '面包', '酸奶', '火腿肠', '饼干', '速冻饺子', '月饼', '婴儿奶粉', '方便面', '鸡蛋'];

const DIGITS = '零一二三四五六七八九';

/** 1-999 in Chinese numerals; `counting` says 两 for a count (两个, 两百), else 二 (二十). */
function chineseNumber(n: number, counting = true): string {
  if (n === 2 && counting) return '两';
  if (n < 10) return DIGITS[n];
  if (n < 20) return `十${n % 10 ? DIGITS[n % 10] : ''}`;
  if (n < 100) return `${DIGITS[Math.floor(n / 10)]}十${n % 10 ? DIGITS[n % 10] : ''}`;
  const rest = n % 100;
  const head = `${n >= 200 && n < 300 && counting ? '两' : DIGITS[Math.floor(n / 100)]}百`;
  if (!rest) return head;
  return rest < 10 ? `${head}零${DIGITS[rest]}` : `${head}${rest < 20 ? '一' : ''}${chineseNumber(rest, false)}`;
}

// ——— the per-call context that templates draw from ———

type Template = (c: CallContext) => string;

class CallContext {
  /** the first place a template named: the title may repeat it */
  mentioned: string | null = null;
  private home: string | null = null;

  constructor(
    private readonly random: () => number,
    readonly district: District,
    private readonly locale: Locale,
    readonly hotspot: Hotspot | null,
    /** on the phone (spoken words) rather than written */
    readonly spoken: boolean,
  ) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  private mention(name: string): string {
    this.mentioned ??= name;
    return name;
  }

  /** The caller's 小区: the same one however often a call names it. */
  estate(): string {
    this.home ??= `${this.pick(ESTATE_HEADS)}${this.pick(ESTATE_TAILS)}`;
    return this.mention(this.home);
  }

  road(): string {
    return this.mention(this.pick(this.locale.roads));
  }

  /** 两条路的路口: 天河路和体育东路交叉口 */
  crossing(): string {
    const first = this.road();
    const others = this.locale.roads.filter((r) => r !== first);
    return `${first}和${this.pick(others)}交叉口`;
  }

  /** 门牌: 中山八路123号 */
  address(): string {
    return `${this.road()}${this.int(1, 680)}号`;
  }

  metro(): string {
    const name = this.pick(this.locale.stations);
    return this.mention(`${name}${this.chance(0.5) ? '地铁站' : '站'}`);
  }

  locality(): string {
    return this.mention(this.pick(this.locale.localities));
  }

  bridge(): string {
    return this.mention(this.pick(BRIDGES));
  }

  /** The hotspot's name when the call is placed at one of this kind, else the fallback. */
  at(kind: HotspotKind | readonly HotspotKind[], fallback: () => string): string {
    const kinds: readonly HotspotKind[] = typeof kind === 'string' ? [kind] : kind;
    if (this.hotspot && kinds.includes(this.hotspot.kind)) return this.mention(this.hotspot.name);
    return fallback();
  }

  /** The hotspot, whatever its kind, or somewhere nearby. */
  place(): string {
    if (this.hotspot) return this.mention(this.hotspot.name);
    return this.pick<() => string>([() => this.metro(), () => this.road(), () => `${this.estate()}附近`])();
  }

  site(): string {
    return this.at('CONSTRUCTION', () =>
      this.pick<() => string>([
        () => `${this.road()}的一个工地`,
        () => `${this.road()}上的在建楼盘`,
        () => `地铁${this.pick(['七', '十', '十二', '十三', '二十二'])}号线的施工工地`,
        () => `${this.road()}的市政工程工地`,
        () => '新建商业综合体工地',
        () => `${this.locality()}的旧改工地`,
      ])(),
    );
  }

  park(): string {
    return this.at('PARK', () =>
      this.pick<() => string>([
        () => `${this.estate()}楼下的小广场`,
        () => `${this.road()}边上的小公园`,
        () => '小区对面的文化广场',
        () => `${this.locality()}的祠堂广场`,
        () => `${this.estate()}中心花园`,
      ])(),
    );
  }

  market(): string {
    return this.at(['MARKET', 'NIGHTLIFE'], () =>
      this.pick<() => string>([() => `${this.road()}菜市场`, () => `${this.estate()}商业街`, () => `${this.locality()}市场`])(),
    );
  }

  /** 车站 / 机场 / 地铁站: where taxis wait */
  terminal(): string {
    return this.at(['STATION', 'AIRPORT', 'METRO'], () =>
      this.pick<() => string>([() => this.metro(), () => '火车站', () => '机场', () => '客运站'])(),
    );
  }

  shop(kind: string): string {
    return `${this.pick(BRANDS)}${kind}`;
  }

  company(kinds: readonly string[]): string {
    const name = `${this.pick(COMPANY_HEADS)}${this.pick(kinds)}`;
    return this.hotspot?.kind === 'FACTORY' ? `${this.mention(this.hotspot.name)}的${name}` : name;
  }

  night(): string {
    return this.pick(NIGHT);
  }

  early(): string {
    return this.pick(EARLY);
  }

  spell(): string {
    return this.pick(SPELLS);
  }

  months(): string {
    return this.pick(MONTHS);
  }

  sleepless(): string {
    return this.pick(SLEEPLESS);
  }

  floor(): number {
    return this.int(7, 33);
  }

  /** A count, as digits or Chinese numerals: 3 / 三 */
  count(min: number, max: number): string {
    const n = this.int(min, max);
    return this.chance(0.4) ? String(n) : chineseNumber(n);
  }

  /** A head count with its noun: 72名员工, 三十多个工人, 二十来个工友, 十几个人… */
  workers(nouns: readonly string[] = ['工人', '员工', '工友']): string {
    const noun = this.pick(nouns);
    switch (this.int(0, 5)) {
      case 0:
        return `${this.int(8, 320)}名${noun}`;
      case 1:
        return `${chineseNumber(this.int(2, 9) * 10, false)}多个${noun}`;
      case 2:
        return `${chineseNumber(this.int(2, 5) * 10, false)}来个${noun}`;
      case 3:
        return `十几个${noun}`;
      case 4:
        return `${this.pick(['一百多', '两百多', '近百'])}名${noun}`;
      default:
        return `${this.pick(['二三十', '四五十', '六七十'])}个${noun}`;
    }
  }

  /** 一共多少钱: 3万多, 8600元, 十几万… */
  money(): string {
    switch (this.int(0, 3)) {
      case 0:
        return `${this.int(2, 60)}万多`;
      case 1:
        return `${this.int(12, 98) * 100}元`;
      case 2:
        return `${this.pick(['十几万', '二十多万', '七八万', '五十多万'])}`;
      default:
        return `${this.int(3, 9)}千多块`;
    }
  }

  /** 粤A·5K2M8 style plates; ride-hailing cars are often 粤AD… (new energy). */
  plate(): string {
    const letter = () => this.pick('ABCDEFGHJKLMNPQRSTUVWXYZ'.split(''));
    const digits = (n: number) => String(this.int(0, 10 ** n - 1)).padStart(n, '0');
    const form = this.random();
    if (form < 0.4) return `粤A${this.pick(['D', 'F'])}${digits(5)}`;
    if (form < 0.75) return `粤A${letter()}${digits(4)}`;
    return `粤A${digits(1)}${letter()}${digits(3)}`;
  }

  school(level: '小学' | '中学' | '幼儿园' = '小学'): string {
    return this.mention(`${this.pick(ESTATE_HEADS)}${level}`);
  }

  hospital(): string {
    return this.pick([`${this.district.name}人民医院`, '社区卫生服务中心', `${this.district.name}中医医院`, '附近的三甲医院', '市第一人民医院']);
  }

  otherDistrict(): string {
    const others = GUANGZHOU_DISTRICTS.filter((d) => d.code !== this.district.code);
    return this.pick(others).name;
  }

  province(): string {
    return this.pick(PROVINCES);
  }
}

// ——— matters ———

interface Body {
  /** titles an operator would give this text */
  titles: readonly string[];
  text: Template;
  /** chance the call is urgent (紧急), when it differs from the variant's */
  urgent?: number;
}

const b = (titles: readonly string[], text: Template, urgent?: number): Body => ({ titles, text, urgent });

interface Variant {
  category: TicketCategory;
  weight: number;
  /** chance the call is urgent (紧急) */
  urgent?: number;
  bodies: readonly Body[];
}

interface Family {
  family: MatterFamily;
  /** relative frequency on the hotline */
  weight: number;
  /** calls of this family placed at a hotspot of these kinds, with this chance (when the district has one) */
  hotspots?: { kinds: readonly HotspotKind[]; share: number };
  variants: readonly Variant[];
  /** what short or vague callers say */
  short: readonly string[];
}

const C = TicketCategory;

const FAMILIES: readonly Family[] = [
  {
    family: 'CONSTRUCTION_NOISE',
    weight: 9,
    hotspots: { kinds: ['CONSTRUCTION'], share: 0.75 },
    short: ['工地太吵了', '夜间施工扰民', '旁边工地半夜还在施工', '打桩声音太大了，睡不着'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 0.85,
        bodies: [
          b(
            ['夜间施工噪音扰民', '工地夜间施工扰民', '深夜施工扰民'],
            (c) =>
              `${c.site()}每天${c.night()}还在${c.pick(['打桩', '用风镐破碎', '浇混凝土', '切割钢筋', '开挖掘机挖土'])}，${c.sleepless()}。`,
          ),
          b(
            ['夜间施工噪音扰民', '工地夜间施工扰民', '泥头车夜间作业扰民'],
            (c) =>
              `我住在${c.estate()}，旁边${c.site()}已经连续${c.spell()}夜间施工了，${c.night()}还有泥头车进进出出，${c.sleepless()}。`,
          ),
          b(
            ['夜间施工噪音扰民', '夜间施工许可未公示'],
            (c) =>
              `${c.site()}${c.night()}开始施工，噪音特别大。问过工地的人，说是赶工期，有夜间施工许可证，但是我们在现场没看到任何公示。`,
          ),
          b(['道路施工噪音扰民', '通宵施工扰民'], (c) => `${c.road()}那边修路，晚上通宵作业，机器声音一直响到天亮，${c.sleepless()}。`),
          b(['工地凌晨作业扰民', '深夜施工扰民'], (c) => `现在是${c.night()}，${c.site()}还在作业，吵得人没法睡觉，请派人到现场看看。`),
          b(
            ['工地噪音太大', '施工噪音影响休息', '周末施工扰民'],
            (c) =>
              `小区对面的${c.site()}周末也是${c.early()}就开工，电锯声、敲打声一直不停。之前投诉过一次，停了两天又开始了。`,
          ),
          b(
            ['工地噪音太大', '施工噪音影响休息'],
            (c) =>
              `${c.site()}的噪音从白天响到晚上，中午也不休息，我家${c.pick(['宝宝才三个月', '老人刚做完手术', '孩子今年中考'])}，实在受不了。`,
          ),
        ],
      },
      {
        category: C.REPORT,
        weight: 0.15,
        bodies: [
          b(['举报工地违规夜间施工', '工地无证夜间施工'], (c) => `举报${c.site()}没有办夜间施工许可，${c.night()}还在施工，已经不是第一次了。`),
          b(['泥头车未密闭运输', '工地扬尘严重'], (c) => `${c.site()}的泥头车不盖篷布，沿路撒得到处都是泥，扬尘很大，晚上还在拉土。`),
          b(
            ['工地扬尘严重', '工地未围蔽施工'],
            (c) => `${c.site()}没有围蔽也不洒水，风一吹整条${c.road()}都是灰，路边的车一天就盖满一层土。`,
          ),
        ],
      },
    ],
  },
  {
    family: 'SQUARE_DANCE',
    weight: 4,
    hotspots: { kinds: ['PARK'], share: 0.75 },
    short: ['广场舞太吵了', '楼下跳舞音乐太大声', '跳广场舞的音响吵死人'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 1,
        bodies: [
          b(
            ['广场舞噪音扰民', '广场舞音响太大'],
            (c) =>
              `${c.park()}每天晚上${c.pick(['七点半到十点', '八点到十点多', '七点到九点半'])}都有人跳广场舞，音响开得很大声，${c.sleepless()}。`,
          ),
          b(
            ['广场舞噪音扰民', '大功率音箱扰民'],
            (c) => `${c.park()}里有${c.pick(['几十个', '二三十个', '上百个', '十几个'])}人跳广场舞，还带着大功率音箱，我们家离那里两三百米都听得很清楚。`,
          ),
          b(['晨练音响噪音扰民', '早晨跳舞扰民'], (c) => `每天${c.early()}就有人在${c.park()}放音乐做操跳舞，周末也不停，上夜班的人根本没法睡。`),
          b(
            ['广场舞扰民', '广场舞音响太大'],
            (c) => `${c.park()}跳舞的几支队伍互相比音量，一个比一个大声。跟她们沟通过，她们说公园是公共场所谁都能用。`,
          ),
          b(['广场舞扰民', '广场舞影响考生休息'], (c) => `孩子今年高考，${c.park()}的广场舞音乐每天吵到快十点，希望能限制一下音量和时间。`),
          b(['户外唱歌噪音扰民', '音响噪音扰民'], (c) => `${c.park()}晚上有人唱卡拉OK，话筒声音开到最大，唱到十一点多还不停。`),
        ],
      },
    ],
  },
  {
    family: 'NIGHTLIFE_NOISE',
    weight: 2.5,
    hotspots: { kinds: ['NIGHTLIFE', 'MARKET'], share: 0.6 },
    short: ['楼下酒吧太吵', '商铺音响太吵了'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 1,
        bodies: [
          b(['酒吧噪音扰民', '娱乐场所噪音扰民'], (c) => `${c.market()}有一间酒吧每天晚上放音乐放到凌晨两三点，低音炮震得我家窗户都在响。`),
          b(
            ['KTV噪音扰民', '娱乐场所噪音扰民'],
            (c) => `楼下新开了一家${c.shop(c.pick(['KTV', '清吧', '音乐餐吧']))}，客人唱歌、喝酒吵闹到${c.night()}，${c.sleepless()}。`,
          ),
          b(
            ['商铺音响噪音扰民', '商铺促销广告扰民'],
            (c) => `${c.road()}上几家商铺门口摆着大音箱循环播放促销广告，从早上九点放到晚上十点，住在楼上的人受不了。`,
          ),
          b(
            ['夜宵店深夜喧哗扰民', '烧烤店噪音扰民'],
            (c) => `${c.market()}的${c.shop('烧烤')}每天营业到凌晨三四点，客人喝酒猜拳大声喧哗，还占道摆桌子。`,
          ),
          b(['街头直播噪音扰民', '路边弹唱扰民'], (c) => `${c.market()}有人在路边弹唱直播，音响开得很大，每晚都到十二点以后。`),
        ],
      },
    ],
  },
  {
    family: 'AIRCRAFT_NOISE',
    weight: 1.5,
    hotspots: { kinds: ['AIRPORT'], share: 0.6 },
    short: ['飞机太吵了', '直升机噪音很大'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 0.85,
        bodies: [
          b(['直升机低空飞行噪音扰民', '直升机噪音扰民'], (c) => `最近每天都有直升机在${c.estate()}上空低飞，轰隆隆的声音很大，${c.sleepless()}。`),
          b(
            ['飞机噪音扰民', '航空器噪音扰民'],
            (c) =>
              `我家在${c.at('AIRPORT', () => c.locality())}附近，正好在航线下面，${c.night()}飞机还一架接一架飞过，家里说话都听不清，从${c.int(2019, 2024)}年开始越来越严重。`,
          ),
          b(
            ['直升机低空盘旋扰民', '直升机噪音扰民'],
            (c) =>
              `今天${c.pick(['上午', '下午', '中午'])}有架直升机在我们小区上空盘旋了半个多小时，噪音很大，想问一下是哪个单位的，有没有审批。`,
          ),
          b(['飞机夜航噪音扰民', '飞机噪音扰民'], () => '晚上十一点以后还有飞机低空飞过，震得窗户响，能不能调整一下航线或者夜航时间？'),
        ],
      },
      {
        category: C.CONSULTATION,
        weight: 0.15,
        bodies: [
          b(
            ['飞机噪音补偿咨询', '隔音窗政策咨询'],
            (c) => `我们村离${c.at('AIRPORT', () => '机场')}不到十公里，飞机噪音很大，想问一下有没有噪音补偿或者免费安装隔音窗的政策？`,
          ),
        ],
      },
    ],
  },
  {
    family: 'RAILWAY_NOISE',
    weight: 1,
    hotspots: { kinds: ['STATION'], share: 0.6 },
    short: ['火车噪音太大'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 1,
        bodies: [
          b(['火车鸣笛扰民', '铁路噪音扰民'], (c) => `我们${c.estate()}紧挨着铁路，火车${c.night()}经过还鸣笛，声音特别刺耳，希望加装隔音屏。`),
          b(
            ['高铁噪音扰民', '铁路噪音扰民'],
            (c) => `${c.at('STATION', () => c.locality())}附近的高铁线路噪音很大，每隔几分钟就有一趟车过去，窗户关着都挡不住。`,
          ),
          b(
            ['铁路夜间施工扰民', '铁路噪音扰民'],
            (c) => `铁路旁边在做夜间线路维修，机器从半夜一直响到${c.pick(['凌晨四五点', '天亮'])}，已经${c.spell()}了。`,
          ),
        ],
      },
    ],
  },
  {
    family: 'ROADS_BRIDGES',
    weight: 5,
    short: ['路上有个大坑', '井盖不见了', '路面塌了'],
    variants: [
      {
        category: C.HELP_REQUEST,
        weight: 0.6,
        urgent: 0.15,
        bodies: [
          b(['道路坑洼', '路面破损'], (c) => `${c.road()}往${c.metro()}方向有好几个大坑，下雨就积水，电动车经过很容易摔。`, 0),
          b(['人行道破损', '人行道地砖松动'], (c) => `${c.road()}的人行道砖松动翘起来很多块，老人小孩经常绊倒，已经${c.spell()}了没人修。`, 0),
          b(['道路积水', '道路水浸'], (c) => `${c.metro()}出口那条路一下雨就水浸，积水到小腿，行人没法过。`, 0.3),
          b(['村道破损', '道路坑洼'], (c) => `${c.locality()}进村那条路坑坑洼洼，大货车一过尘土飞扬，下雨天全是泥。`, 0),
          b(['道路开挖未恢复', '道路反复开挖'], (c) => `${c.road()}刚修好没多久又被挖开了，到现在也没有恢复，车只能走一条道，天天堵车。`, 0),
        ],
      },
      {
        category: C.REPORT,
        weight: 0.28,
        urgent: 0.45,
        bodies: [
          b(['井盖缺失', '井盖丢失'], (c) => `${c.address()}门口的井盖不见了，留下一个大洞，晚上看不清，很危险，麻烦尽快处理。`, 0.6),
          b(['路面塌陷'], (c) => `${c.road()}有一段路面塌陷了，大概有一张桌子那么大，现在只放了个雪糕筒。`, 0.7),
          b(['桥面有障碍物', '桥面散落碎石'], (c) => `${c.bridge()}桥面上有货车掉下来的碎石，车辆都在绕行，很容易出事故。`, 0.5),
          b(['天桥护栏损坏', '人行天桥安全隐患'], (c) => `${c.road()}的人行天桥护栏松了，有一段已经歪出去了，小孩靠上去很危险。`, 0.4),
        ],
      },
      {
        category: C.SUGGESTION,
        weight: 0.12,
        bodies: [
          b(
            ['建议增设人行横道', '建议增设红绿灯'],
            (c) => `${c.estate()}门口到${c.metro()}之间没有红绿灯和斑马线，每天早上很多学生横穿马路，建议增设人行横道。`,
          ),
          b(['建议优化路口信号灯', '路口拥堵建议'], (c) => `${c.crossing()}早晚高峰堵得很厉害，建议调整红绿灯时间或者增加左转车道。`),
        ],
      },
    ],
  },
  {
    family: 'STREET_LIGHTS',
    weight: 3.5,
    short: ['路灯坏了', '我们这里路灯不亮'],
    variants: [
      {
        category: C.HELP_REQUEST,
        weight: 1,
        urgent: 0.05,
        bodies: [
          b(['路灯不亮', '路灯长时间不亮'], (c) => `${c.road()}靠近${c.metro()}那段的路灯坏了${c.spell()}，晚上黑乎乎的，走路都看不清。`),
          b(['路灯不亮', '小区门口路灯损坏'], (c) => `${c.estate()}门口有${c.count(3, 8)}盏路灯都不亮了，晚上下班回来都不敢走。`),
          b(['路灯长时间不亮', '村道路灯不亮'], (c) => `${c.locality()}村口到大路那段的路灯${c.spell()}都没亮过，老人晚上出来散步看不清路。`),
          b(['路灯白天常亮'], (c) => `${c.road()}的路灯白天也一直亮着，${c.spell()}了，很浪费电。`),
          b(['路灯故障', '路灯漏电隐患'], (c) => `${c.metro()}附近的路灯一闪一闪的，时亮时不亮，路灯杆的检修门也掉了，里面的电线露在外面。`, 0.4),
          b(['路灯杆损坏', '路灯杆倾斜'], (c) => `${c.road()}有一根路灯杆被车撞歪了，斜在人行道上，随时可能倒下来。`, 0.4),
        ],
      },
    ],
  },
  {
    family: 'WATER_POWER',
    weight: 5,
    short: ['停水了', '停电了', '我们这边没水', '家里水管没水'],
    variants: [
      {
        category: C.HELP_REQUEST,
        weight: 1,
        urgent: 0.35,
        bodies: [
          b(
            ['突然停水', '停水无通知'],
            (c) => `我们${c.estate()}从${c.pick(['早上', '昨天晚上', '中午', '今天凌晨'])}开始停水，没有看到任何通知，什么时候能恢复？`,
            0.3,
          ),
          b(
            ['长时间停电', '停电求助'],
            (c) => `${c.estate()}${c.int(1, 20)}栋停电${c.count(3, 10)}个小时了，供电所的电话一直打不通，家里冰箱里的东西都坏了。`,
            0.4,
          ),
          b(['自来水发黄', '自来水水质问题'], (c) => `家里的自来水放出来是黄色的，还有一股味道，邻居家也一样，不敢喝。我们住在${c.estate()}。`, 0.2),
          b(
            ['水压不足', '高层供水不足'],
            (c) => `${c.estate()}高层水压很低，${c.count(15, 25)}楼以上的住户一到早晚高峰就没水用，物业说是水务的问题。`,
            0.05,
          ),
          b(['水管爆裂', '供水管道漏水'], (c) => `${c.address()}附近的水管爆了，水一直往外冒，路面都淹了。`, 0.7),
          b(['频繁停电', '停电无通知'], (c) => `这个月已经停了${c.count(3, 5)}次电了，每次都没有提前通知，家里有老人用制氧机，停电很危险。`, 0.6),
          b(['电压不稳', '频繁跳闸'], (c) => `${c.locality()}一到用电高峰就跳闸，电压不稳，家里的空调和冰箱烧坏了好几台。`, 0.2),
        ],
      },
    ],
  },
  {
    family: 'PROPERTY_ELEVATORS',
    weight: 6,
    short: ['电梯又坏了', '物业不管事', '投诉物业'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 0.8,
        bodies: [
          b(
            ['电梯故障频繁', '电梯维修不及时'],
            (c) =>
              `${c.estate()}${c.int(1, 30)}栋的电梯这个月坏了${c.count(3, 6)}次，物业一直拖着不修，我们住${c.floor()}楼，老人上下楼很困难。`,
          ),
          b(
            ['物业乱收费', '物业管理问题', '公共收益不公开'],
            (c) =>
              `${c.estate()}的物业${c.pick(['乱收停车费', '私自涨物业费', '把公共区域租出去做生意', '不公开公共收益账目', '强制业主交装修押金'])}，业主多次反映都没有结果。`,
          ),
          b(['小区电梯停用', '电梯长期停用'], (c) => `小区电梯已经停用${c.spell()}了，说是要等维修资金审批，我们住${c.floor()}楼，每天爬楼梯。`),
          b(['物业不作为', '物业服务差'], (c) => `${c.estate()}的物业管理很差，垃圾没人清，楼道灯坏了也不修，保安经常不在岗。`),
          b(
            ['物业交接纠纷', '物业管理问题'],
            (c) =>
              `小区换物业，新旧物业交接不清，现在${c.pick(['门禁卡用不了', '没人收垃圾', '停车场没人管', '电梯没人维保'])}，业主都很有意见。`,
          ),
          b(
            ['电梯安全隐患', '电梯年检过期'],
            (c) => `${c.estate()}的电梯运行的时候抖得很厉害，还有异响，年检标志都过期了，物业说没钱修。`,
          ),
        ],
      },
      {
        category: C.HELP_REQUEST,
        weight: 0.2,
        urgent: 0.8,
        bodies: [
          b(
            ['电梯困人', '电梯故障困人'],
            (c) => `${c.estate()}${c.int(1, 30)}栋有人被困在电梯里${c.count(10, 40)}分钟了，打物业电话没人接，请赶紧派人来！`,
          ),
          b(['电梯困人', '老人被困电梯'], (c) => `我家老人被困在${c.estate()}的电梯里了，电梯里的紧急呼叫按了没反应，麻烦马上处理。`),
        ],
      },
    ],
  },
  {
    family: 'WAGES_LABOUR',
    weight: 7,
    hotspots: { kinds: ['CONSTRUCTION', 'FACTORY'], share: 0.6 },
    short: ['工资没发', '老板欠薪', '我要投诉欠薪', '公司不发工资'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 0.6,
        urgent: 0.3,
        bodies: [
          b(
            ['拖欠工资', '公司拖欠员工工资'],
            (c) =>
              `我在${c.company(['电子厂', '服装厂', '五金厂', '皮具厂', '印刷厂', '家具厂'])}上班，公司已经拖欠我们${c.months()}工资了，` +
              `${c.workers(['员工', '工人', '同事'])}都没拿到钱，老板电话也不接。`,
          ),
          b(
            ['工地拖欠农民工工资', '包工头欠薪'],
            (c) =>
              `${c.site()}的包工头欠我们${c.workers(['工人', '工友'])}的工资，一共${c.money()}，快过年了还不给，我们都是外地来的，家里等着钱用。`,
            0.4,
          ),
          b(
            ['老板欠薪跑路', '工厂停产欠薪'],
            (c) =>
              `${c.company(['电子厂', '服装厂', '制衣厂', '塑料厂'])}突然停产，老板跑了，${c.workers(['员工', '工人'])}的工资和社保都没着落，现在大家都在厂门口等着。`,
            0.6,
          ),
          b(
            ['工地拖欠农民工工资', '欠薪求助'],
            (c) =>
              `我们是在${c.site()}做${c.pick(['钢筋', '木工', '泥水', '水电', '外墙'])}的，${c.workers(['工人', '工友'])}，活干完${c.months()}了，工钱一分都没结。`,
            0.3,
          ),
          b(
            ['公司拖欠员工工资', '克扣工资'],
            (c) =>
              `${c.company(['物流有限公司', '科技有限公司', '餐饮管理有限公司', '装饰工程有限公司'])}以经营困难为由，每个月只发一半工资，已经${c.months()}了，去找人事，人事说等通知。`,
            0.15,
          ),
          b(
            ['离职工资未结', '拖欠工资'],
            (c) => `我在${c.shop('餐厅')}做了${c.count(2, 8)}个月服务员，辞职后老板一直拖着不结最后一个月的工资，还说要扣押金。`,
            0,
          ),
        ],
      },
      {
        category: C.REPORT,
        weight: 0.2,
        bodies: [
          b(
            ['未签劳动合同', '不购买社保'],
            (c) =>
              `举报${c.company(['电子厂', '服装厂', '五金厂', '玩具厂'])}不给员工买社保，也不签劳动合同，厂里${c.workers(['工人', '员工'])}都是这样。`,
          ),
          b(
            ['强制加班', '不支付加班费'],
            (c) => `${c.company(['电子厂', '物流有限公司', '科技有限公司'])}每天要求加班到晚上十点，一个月只休两天，加班费也不给。`,
          ),
          b(['涉嫌使用童工', '违法用工'], (c) => `${c.company(['制衣厂', '皮具厂', '五金厂'])}招了几个看起来不到十六岁的小孩在车间干活。`),
        ],
      },
      {
        category: C.CONSULTATION,
        weight: 0.2,
        bodies: [
          b(
            ['劳动仲裁咨询', '经济补偿咨询'],
            (c) => `公司要辞退我，不给经济补偿，我工作了${c.count(2, 12)}年，想问一下应该怎么申请劳动仲裁？`,
          ),
          b(['工伤认定咨询'], () => '上班路上被车撞了，这种情况算不算工伤？要去哪里申请认定？'),
          b(['离职工资咨询', '欠薪投诉渠道咨询'], (c) => `离职${c.months()}了，公司还没把最后一个月的工资结给我，要去哪里投诉？`),
          b(['孕期调岗降薪咨询', '劳动权益咨询'], () => '我怀孕了，公司找理由要把我调岗降薪，这样合法吗？'),
        ],
      },
    ],
  },
  {
    family: 'CONSUMER',
    weight: 6,
    hotspots: { kinds: ['MARKET'], share: 0.5 },
    short: ['商家不给退款', '健身房跑路了', '投诉一个商家'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 0.85,
        bodies: [
          b(
            ['健身房关门跑路', '预付卡退费难'],
            (c) =>
              `我在${c.estate()}附近的${c.shop('健身房')}办了${c.pick(['两千多块', '三千八', '五千多块', '六千块', '一万多块', '八千八'])}的年卡，` +
              `现在突然关门了，老板联系不上，${c.workers(['会员'])}都在找他们。`,
          ),
          b(
            ['商家拒绝退换', '商品质量问题'],
            (c) =>
              `在${c.market()}的${c.shop('电器行')}买的${c.pick(GOODS)}，用了不到${c.count(3, 20)}天就坏了，商家说不在保修范围，拒绝退换。`,
          ),
          b(['美容院诱导消费', '预付卡退费难'], (c) => `${c.shop('美容院')}推销的时候说可以随时退，结果我要退卡的时候说要扣${c.int(3, 6)}成的手续费。`),
          b(['网购商品与宣传不符', '虚假宣传'], (c) => `网上买的${c.pick(GOODS)}跟宣传的完全不一样，联系商家一直不回复，平台也不处理。`),
          b(
            ['培训机构退费难', '培训机构停课'],
            (c) => `${c.shop('教育培训中心')}收了孩子${c.count(40, 120)}节课的学费，上了几节课就不开了，说是搬迁，现在退费没人管。`,
          ),
          b(['缺斤短两', '商贩短斤缺两'], (c) => `在${c.market()}买${c.pick(['水果', '海鲜', '猪肉', '牛肉'])}，回家一称少了快一斤，商贩的秤有问题。`),
          b(['装修公司拒退定金', '消费纠纷'], (c) => `${c.shop('装修公司')}收了定金${c.money()}，到现在${c.months()}了还没开工，要退定金也不给。`),
        ],
      },
      {
        category: C.CONSULTATION,
        weight: 0.15,
        bodies: [
          b(['消费维权咨询', '预付卡维权咨询'], () => '预付卡的商家跑路了，想问一下可以去哪里投诉，钱还能不能追回来？'),
          b(['消费维权咨询', '网购退货咨询'], () => '网购的东西有质量问题，七天无理由退货商家不认，我可以找哪个部门？'),
        ],
      },
    ],
  },
  {
    family: 'FOOD_SAFETY',
    weight: 3.5,
    hotspots: { kinds: ['MARKET'], share: 0.6 },
    short: ['超市卖过期的东西', '外卖吃出虫子', '举报一家无证餐馆'],
    variants: [
      {
        category: C.REPORT,
        weight: 0.7,
        urgent: 0.1,
        bodies: [
          b(
            ['售卖过期食品', '超市销售过期食品'],
            (c) =>
              `在${c.market()}附近的${c.shop('超市')}买的${c.pick(FOODS)}已经过期${c.count(2, 10)}天了，收银员说不能退，希望市场监管部门查处。`,
            0,
          ),
          b(['餐馆卫生差', '后厨卫生问题'], (c) => `${c.road()}的${c.shop('快餐店')}后厨很脏，老鼠到处跑，员工不戴口罩也不戴手套。`, 0.05),
          b(
            ['售卖三无食品', '食品来源不明'],
            (c) => `${c.market()}有人在卖来路不明的${c.pick(['冻肉', '散装白酒', '散装酱油', '腊肠', '鸡爪'])}，没有任何标签。`,
            0,
          ),
          b(
            ['无证食品作坊', '无证经营餐饮'],
            (c) => `${c.locality()}有一家没有招牌的小作坊在做${c.pick(['肠粉', '米粉', '豆腐', '凉茶'])}，环境很脏，也没有营业执照。`,
            0.05,
          ),
        ],
      },
      {
        category: C.COMPLAINT,
        weight: 0.3,
        urgent: 0.25,
        bodies: [
          b(
            ['外卖吃出异物', '外卖食品安全'],
            (c) =>
              `点的${c.shop('快餐')}外卖里吃出了${c.pick(['头发', '苍蝇', '塑料片', '钢丝球的丝'])}，联系商家只肯退${c.int(10, 40)}块钱。`,
            0,
          ),
          b(['疑似食物中毒', '餐饮食品安全'], (c) => `我们${c.count(3, 12)}个人在${c.shop('酒楼')}吃完饭后上吐下泻，去医院说是食物中毒，商家不承认。`, 0.6),
          b(['学校饭堂食品安全', '疑似食物中毒'], () => '孩子在学校饭堂吃了午饭以后肚子痛，班上好几个同学都一样，学校说不是饭菜的问题。', 0.5),
        ],
      },
    ],
  },
  {
    family: 'TAXI_RIDE_HAILING',
    weight: 3,
    hotspots: { kinds: ['STATION', 'METRO', 'AIRPORT'], share: 0.6 },
    short: ['出租车拒载', '司机绕路', '投诉一个网约车司机'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 0.8,
        bodies: [
          b(
            ['出租车拒载'],
            (c) => `${c.pick(['晚上', '刚才', '今天早上', '昨天晚上'])}在${c.terminal()}打车，出租车司机嫌路程近拒载，车牌号${c.plate()}。`,
          ),
          b(['出租车绕路', '出租车多收费'], (c) => {
            const usual = c.int(18, 60);
            return `从${c.terminal()}坐出租车到${c.road()}，司机故意绕路，平时${usual}块左右，这次收了${usual + c.int(20, 80)}块。`;
          }),
          b(['出租车不打表', '出租车议价拉客'], (c) => `${c.terminal()}门口的出租车不打表，一口价要${c.int(5, 20) * 10}块，不坐还骂人。`),
          b(['网约车乱收费', '网约车中途甩客'], (c) => `用手机叫的网约车，司机中途让我下车，还收了全程的钱，车牌${c.plate()}。`),
          b(
            ['网约车司机态度恶劣', '网约车服务质量'],
            (c) => `网约车司机一路打电话、抽烟，我提醒他还被骂，车牌${c.plate()}，平台客服只给了一张优惠券。`,
          ),
        ],
      },
      {
        category: C.REPORT,
        weight: 0.2,
        bodies: [
          b(['非法营运车辆拉客', '黑车拉客'], (c) => `${c.terminal()}出口一直有黑车司机拉客，围着旅客不让走，价格也乱开。`),
          b(['摩的非法载客', '非法营运'], (c) => `${c.metro()}附近每天都有摩的和电动车非法载客，逆行抢道，很危险。`),
        ],
      },
    ],
  },
  {
    family: 'EDUCATION',
    weight: 3,
    short: ['想问一下入学的事', '学位怎么申请'],
    variants: [
      {
        category: C.CONSULTATION,
        weight: 0.6,
        bodies: [
          b(['积分入学咨询', '学位申请咨询'], () => '孩子明年上小学，我们是租房的，积分入学怎么申请？需要准备哪些材料？'),
          b(
            ['转学咨询'],
            (c) => `孩子在${c.district.name}读${c.pick(['三年级', '初一', '四年级', '初二'])}，想转学到${c.otherDistrict()}，要怎么办手续？`,
          ),
          b(['学位申请咨询', '对口学校咨询'], (c) => `我们刚在${c.estate()}买了房，想问一下对口的是哪所小学，今年还能不能报名？`),
          b(['中考报考资格咨询', '随迁子女升学咨询'], () => '非广州户籍的孩子在这边读完初中，能不能在广州参加中考？'),
        ],
      },
      {
        category: C.COMPLAINT,
        weight: 0.3,
        bodies: [
          b(['学位问题', '小区配套学校未落实'], (c) => `我们是${c.estate()}的业主，小区划片的学校一直没确定，开发商当初卖房的时候说有对口学位。`),
          b(
            ['幼儿园收费问题', '幼儿园涨价'],
            (c) => `${c.school('幼儿园')}说下学期要涨保育费，一个月涨了${c.pick(['三', '四', '五', '八'])}百块，也没有开家长会说明。`,
          ),
          b(['校外培训违规', '违规补课'], (c) => `${c.estate()}旁边有个培训机构在暑假违规补课，收费还很高。`),
          b(['学校要求家长值日', '增加家长负担'], (c) => `${c.school()}要求家长每周轮流去学校值日，不去就在班级群里点名，家长都是要上班的。`),
        ],
      },
      {
        category: C.SUGGESTION,
        weight: 0.1,
        bodies: [
          b(['学校周边交通', '建议疏导校门口交通'], (c) => `${c.school()}门口每天放学车辆乱停，堵得水泄不通，建议安排交警疏导。`),
          b(['建议增加学位', '建议增加公办学位'], (c) => `${c.locality()}这几年搬来很多人，附近只有一所小学，建议增加公办学位。`),
        ],
      },
    ],
  },
  {
    family: 'MEDICAL_INSURANCE',
    weight: 3,
    short: ['医保怎么报销', '问一下医保的事'],
    variants: [
      {
        category: C.CONSULTATION,
        weight: 0.8,
        bodies: [
          b(['异地就医备案', '医保报销咨询'], (c) => `在${c.province()}老家住院的费用回来怎么报销医保？需要先备案吗？`),
          b(['医保报销咨询', '报销比例咨询'], (c) => `我母亲在${c.hospital()}住院，医保报销的比例跟我们算的不一样，想问一下是怎么计算的。`),
          b(['医保缴费咨询', '医保断缴补缴'], (c) => `我是灵活就业人员，医保断缴了${c.months()}，现在补缴还能不能连续计算？`),
          b(['新生儿参保咨询', '居民医保办理'], () => '孩子刚出生，城乡居民医保要怎么办理？在网上办不了。'),
          b(['医保卡问题', '医保卡被冻结'], () => '去药店用医保卡买药，被告知卡被冻结了，不知道是什么原因。'),
          b(['门特报销咨询', '门诊特定病种申请'], () => '我有高血压和糖尿病，门诊特定病种要怎么申请？'),
        ],
      },
      {
        category: C.COMPLAINT,
        weight: 0.2,
        bodies: [
          b(['医保药品自费问题', '医院推诿医保药品'], (c) => `${c.hospital()}要求我们自费去外面药房买医保目录里的药，说医院没有这个药。`),
          b(['医保报销慢', '报销款未到账'], (c) => `医保报销材料交上去${c.months()}了，钱还没到账，打电话问也说不清楚。`),
        ],
      },
    ],
  },
  {
    family: 'EXIT_ENTRY',
    weight: 2,
    short: ['签注怎么办', '问一下护照的事'],
    variants: [
      {
        category: C.CONSULTATION,
        weight: 0.85,
        bodies: [
          b(['港澳通行证签注咨询', '出入境证件办理'], () => '想问一下港澳通行证签注在哪里办，外地户口在广州可以办吗？'),
          b(['签注自助机问题', '港澳通行证签注咨询'], (c) => `在${c.place()}的自助签注机办签注，机器提示查不到我的记录，怎么办？`),
          b(['护照办理咨询', '护照换发咨询'], () => '护照快过期了，换发新护照要准备什么材料？多久能拿到？'),
          b(
            ['港澳签注咨询', '非本地户籍签注'],
            (c) => `我是${c.province()}户籍，在广州工作${c.count(2, 10)}年了，能不能在这边办理赴港澳团队旅游签注？`,
          ),
          b(['台湾通行证咨询', '证件补办咨询'], () => '往来台湾通行证丢了，要去哪里补办？'),
        ],
      },
      {
        category: C.HELP_REQUEST,
        weight: 0.15,
        bodies: [
          b(['护照加急办理', '护照预约难'], () => '下个月要出国探亲，护照在网上一直预约不到号，能不能加急？'),
          b(['护照加急办理', '紧急出国证件办理'], () => '家里老人在国外病重，急着出国，护照还没办，有没有紧急办理的渠道？'),
        ],
      },
    ],
  },
  {
    family: 'SANITATION',
    weight: 5,
    hotspots: { kinds: ['MARKET', 'PARK'], share: 0.5 },
    short: ['垃圾没人收', '这里垃圾好臭', '有人乱倒垃圾'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 0.6,
        bodies: [
          b(['垃圾清运不及时', '垃圾堆积'], (c) => `${c.estate()}门口的垃圾桶${c.count(3, 6)}天没人清了，臭气熏天，苍蝇蚊子很多。`),
          b(['垃圾站臭味扰民', '垃圾中转站异味'], (c) => `${c.market()}旁边的垃圾中转站臭味很大，夏天窗户都不敢开。`),
          b(
            ['公厕卫生差', '公共厕所管理'],
            (c) => `${c.at(['PARK', 'MARKET'], () => c.metro())}的公共厕所很脏，没有纸也没有水，保洁好几天才来一次。`,
          ),
          b(['河涌发臭', '河涌垃圾'], (c) => `${c.locality()}附近的河涌水发黑发臭，上面飘着很多垃圾，蚊子特别多。`),
          b(
            ['环卫作业不规范', '垃圾扫入下水道'],
            (c) => `${c.at(['MARKET', 'PARK'], () => c.road())}的环卫工人把落叶和垃圾直接扫进下水道，一下雨就堵。`,
          ),
        ],
      },
      {
        category: C.REPORT,
        weight: 0.25,
        bodies: [
          b(['乱倒建筑垃圾', '偷倒垃圾'], (c) => `有人晚上用三轮车往${c.road()}边上乱倒建筑垃圾，已经堆成小山了。`),
          b(['偷倒装修垃圾', '露天焚烧垃圾'], (c) => `${c.locality()}的空地上每天晚上都有货车来偷倒装修垃圾，还烧过几次，烟很大。`),
        ],
      },
      {
        category: C.SUGGESTION,
        weight: 0.15,
        bodies: [
          b(['垃圾分类投放时间建议', '建议延长投放时间'], () => '小区垃圾分类只能定时定点投放，上班的人根本赶不上时间，建议延长投放时间。'),
          b(['建议增设垃圾桶'], (c) => `${c.park()}里垃圾桶太少了，周末人多的时候垃圾扔得满地都是，建议多放几个。`),
        ],
      },
    ],
  },
  {
    family: 'PARKING_STREET_TRADE',
    weight: 4,
    hotspots: { kinds: ['METRO', 'MARKET'], share: 0.6 },
    short: ['有车堵住门口了', '门口乱停车', '摊贩占道'],
    variants: [
      {
        category: C.REPORT,
        weight: 0.6,
        urgent: 0.1,
        bodies: [
          b(['流动摊贩占道', '占道经营'], (c) => `${c.at(['METRO', 'MARKET'], () => c.metro())}附近很多流动摊贩占道经营，行人走路都要绕到马路上。`),
          b(['消防通道被占用'], (c) => `${c.estate()}的消防通道被私家车长期占用，万一着火消防车根本进不来。`, 0.2),
          b(['车辆乱停乱放', '违章停车堵路'], (c) => `${c.road()}两边每天都停满车，还有车停在人行道上，公交车都过不去。`),
          b(['共享单车乱停放', '盲道被占用'], (c) => `${c.at(['METRO', 'MARKET'], () => c.metro())}附近共享单车堆得满地都是，把盲道全挡住了。`),
          b(['商铺占道经营', '占道经营'], (c) => `${c.market()}周边的商铺把货物摆到门口的人行道上，推婴儿车都过不去。`),
        ],
      },
      {
        category: C.HELP_REQUEST,
        weight: 0.4,
        urgent: 0.2,
        bodies: [
          b(
            ['车辆堵门求助', '车辆阻挡车库出入'],
            (c) => `有一辆车牌${c.plate()}的车停在我家车库门口${c.count(2, 6)}个小时了，车上没留电话，联系不上车主。`,
          ),
          b(['车辆阻挡出入', '货车堵住小区出口'], (c) => `${c.estate()}门口有辆货车停在出入口，里面的车都出不去，我要送孩子去医院。`, 0.8),
        ],
      },
    ],
  },
  {
    family: 'PETS',
    weight: 2,
    hotspots: { kinds: ['PARK'], share: 0.5 },
    short: ['邻居的狗一直叫', '有人遛狗不拴绳'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 0.8,
        urgent: 0.1,
        bodies: [
          b(['犬只扰民', '狗吠扰民'], (c) => `${c.estate()}有住户养了${c.count(3, 8)}条狗，每天晚上叫个不停，跟他沟通也没用。`, 0),
          b(['遛狗不牵绳', '不文明养犬'], (c) => `${c.park()}很多人遛狗不牵绳，今天我家孩子被一条大狗追着跑，吓哭了。`, 0.05),
          b(['流浪狗伤人', '流浪犬只'], (c) => `${c.road()}附近有几条流浪狗，前几天咬伤了一个小学生，希望有关部门来处理。`, 0.4),
          b(['狗粪便污染', '不文明养犬'], () => '小区里到处是狗粪便，物业说管不了，希望有关部门管一管文明养犬。', 0),
          b(['饲养宠物扰民', '宠物异味扰民'], (c) => `楼上邻居在家里养了${c.pick(['十几', '二十多', '三十多'])}只猫，楼道里臭味很大。`, 0),
        ],
      },
      {
        category: C.REPORT,
        weight: 0.2,
        bodies: [
          b(['饲养禁养犬只', '烈性犬'], (c) => `${c.estate()}有人养了一条${c.pick(['藏獒', '比特犬', '罗威纳'])}，这种狗不是禁养的吗？看到都害怕。`),
        ],
      },
    ],
  },
  {
    family: 'COOKING_FUMES',
    weight: 2,
    hotspots: { kinds: ['MARKET', 'NIGHTLIFE'], share: 0.5 },
    short: ['油烟太大', '附近有股怪味'],
    variants: [
      {
        category: C.COMPLAINT,
        weight: 0.75,
        bodies: [
          b(['餐饮油烟扰民', '餐馆油烟直排'], (c) => `楼下新开的${c.shop('餐馆')}油烟直接排到我们窗户，家里全是油烟味。`),
          b(['烧烤油烟扰民', '露天烧烤'], (c) => `${c.market()}的烧烤摊每天晚上在露天烤东西，烟熏得整栋楼都是味道。`),
          b(['餐饮油烟扰民', '排烟管道设置不当'], (c) => `${c.estate()}一楼的${c.shop('烧腊店')}排烟管道对着住户的阳台，衣服都不敢晾。`),
        ],
      },
      {
        category: C.REPORT,
        weight: 0.25,
        bodies: [
          b(
            ['工厂排放异味', '偷排废气'],
            (c) => `附近的${c.company(['塑料厂', '喷涂厂', '家具厂', '化工厂'])}晚上偷偷排放废气，有一股刺鼻的味道，闻了头晕。`,
          ),
          b(['露天焚烧', '焚烧垃圾污染空气'], (c) => `${c.locality()}有人在露天焚烧电线和垃圾，黑烟很大。`),
        ],
      },
    ],
  },
  {
    family: 'ILLEGAL_BUILDING',
    weight: 2,
    short: ['有人违章搭建', '举报违建'],
    variants: [
      {
        category: C.REPORT,
        weight: 1,
        urgent: 0.1,
        bodies: [
          b(['楼顶违建', '违章搭建'], () => '隔壁楼顶在加建铁皮房，已经搭了两层，存在安全隐患。', 0.1),
          b(['违章搭建', '阳台违规外扩'], (c) => `${c.estate()}${c.floor()}楼的业主把阳台往外扩建，还在外墙打孔装钢架。`, 0),
          b(['占用公共区域搭建', '占用绿地搭建'], (c) => `${c.road()}边上有人在绿化带里搭棚子做仓库，已经${c.spell()}了。`, 0),
          b(['私拆承重墙', '装修破坏房屋结构'], () => '一楼商铺装修私自把承重墙打掉了，楼上住户都很担心房子的安全。', 0.5),
          b(['违法占用农田建房', '违章搭建'], (c) => `${c.locality()}有人在农田上盖房子，晚上偷偷施工，白天用布盖起来。`, 0),
        ],
      },
    ],
  },
  {
    family: 'TREES',
    weight: 1.5,
    hotspots: { kinds: ['PARK'], share: 0.6 },
    short: ['树倒了', '树枝挡住窗户'],
    variants: [
      {
        category: C.HELP_REQUEST,
        weight: 1,
        urgent: 0.25,
        bodies: [
          b(['树木倒伏', '倒树阻塞步道'], (c) => `${c.park()}有一棵大树被风吹倒了，压在步道上，还没人处理。`, 0.5),
          b(['申请修剪树木', '树枝遮挡'], (c) => `${c.estate()}楼下的树长得太高了，树枝伸到我们家窗户里，白天屋里都很暗，还招虫。`, 0),
          b(['绿化带被破坏', '毁绿种菜'], (c) => `${c.road()}的绿化带被人挖掉种菜了。`, 0),
          b(['断枝悬挂', '台风后树木隐患'], (c) => `台风过后${c.road()}好多断掉的树枝挂在树上，随时可能掉下来砸到人。`, 0.5),
        ],
      },
    ],
  },
  {
    family: 'GENERAL_ENQUIRY',
    weight: 3,
    short: ['你好', '我想咨询个事', '喂，你好，请问是12345吗', '我想反映个问题'],
    variants: [
      {
        category: C.CONSULTATION,
        weight: 1,
        bodies: [
          b(['咨询', '反映问题', '来电咨询'], () => '我想反映一个情况，不知道找哪个部门。'),
          b(
            ['证件办理咨询', '办事指引咨询'],
            (c) => `我想问一下${c.pick(['居住证', '社保卡', '公积金提取', '不动产证', '残疾证', '老人优待证'])}在哪里办，要带什么材料。`,
          ),
          b(['查询办理进度', '工单进度查询'], () => '之前反映过的问题到现在都没有人联系我，想问一下进度。'),
          b(['部门职责咨询', '其他咨询'], () => '打了好几个部门的电话都说不归他们管，不知道该找谁。'),
          b(['政务服务中心咨询', '办事时间咨询'], (c) => `请问${c.district.name}的政务服务中心在哪里，周六上不上班？`),
        ],
      },
    ],
  },
];

// ——— assembling a call ———

/** How callers begin: reporting something (投诉, 举报, 求助, 建议)… */
const PHONE_OPENERS: readonly Template[] = [
  () => '你好，',
  () => '您好，',
  () => '喂，你好，我想反映个事情。',
  (c) => `你好，我是${c.estate()}的业主，`,
  (c) => `你好，我住在${c.road()}附近，`,
  () => '你们好，',
];
/** …or asking (咨询). */
const PHONE_QUESTION_OPENERS: readonly Template[] = [() => '你好，', () => '您好，', () => '喂，你好，我想咨询一下。', () => '你好，想问个事情，'];
const WRITTEN_OPENERS: readonly Template[] = [(c) => `本人是${c.estate()}的居民，`, () => '您好！', () => '反映一个问题：'];
const WRITTEN_QUESTION_OPENERS: readonly Template[] = [() => '您好！', () => '请问一下，', () => '咨询：'];
/** Closing words asking for action (投诉, 举报, 求助, 建议). */
const ACTION_ASKS: readonly Template[] = [
  () => '希望有关部门尽快处理。',
  () => '麻烦帮忙跟进一下，谢谢。',
  () => '请尽快派人来看看。',
  () => '希望能彻底解决，不要每次来看一下就走了。',
  () => '请相关部门核实处理。',
  () => '希望给个答复。',
  (c) => (c.spoken ? `已经打过${c.count(2, 5)}次电话了，一直没解决。` : `之前已经反映过${c.count(2, 5)}次了，一直没解决。`),
];
/** Closing words asking for an answer (咨询). */
const ANSWER_ASKS: readonly Template[] = [
  () => '谢谢！',
  () => '麻烦告诉我一下，谢谢。',
  () => '希望给个答复。',
  (c) => (c.spoken ? '能不能把答复用短信发给我？' : '请回复，谢谢。'),
];
/** Closing words of an urgent call. */
const URGENT_ASKS: readonly Template[] = [() => '麻烦尽快！', () => '请马上派人来处理！', () => '现在情况很急，麻烦快一点。'];
/** How an operator writes up a clue found online (网络线索). */
const CLUE_LEADS = ['网民反映：', '有网友在论坛发帖称：', '网民在社交平台反映，', '网络舆情：有市民发帖称，'];
const CATEGORY_WORDS: Record<TicketCategory, string> = {
  [C.CONSULTATION]: '咨询',
  [C.HELP_REQUEST]: '求助',
  [C.COMPLAINT]: '投诉',
  [C.REPORT]: '举报',
  [C.SUGGESTION]: '建议',
};

const CHANNELS: readonly [Channel, number][] = [
  [Channel.PHONE, 62],
  [Channel.WECHAT, 15],
  [Channel.WEB, 8],
  [Channel.APP, 7],
  [Channel.QR_CODE, 3],
  [Channel.EMAIL, 2],
  [Channel.ONLINE_CLUE, 2],
  [Channel.OPEN311, 1],
];

function weighted<T>(random: () => number, items: readonly T[], weight: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  let r = random() * total;
  for (const item of items) {
    r -= weight(item);
    if (r < 0) return item;
  }
  return items[items.length - 1];
}

/** 地点 + 标题, without repeating a word they share: 大夫山森林公园 + 公园音响… → 大夫山森林公园音响… */
function placeTitle(place: string, title: string): string {
  for (let k = Math.min(4, place.length, title.length - 1); k >= 2; k--) {
    if (place.endsWith(title.slice(0, k))) return place + title.slice(k);
  }
  return place + title;
}

/**
 * 模拟来电生成器: `next()` gives one `createTicket` input after another. The sequence depends
 * on the seed only.
 */
export class CallGenerator {
  private readonly random: () => number;

  /** `seed`: any 32-bit integer; the same seed gives the same sequence. */
  constructor(seed = 12345) {
    this.random = seededRandom(seed);
  }

  next(): SimulatedCall {
    return this.nextDetailed().call;
  }

  /** The next call with the matter family and hotspot it was made from. */
  nextDetailed(): GeneratedCall {
    const random = this.random;
    const district = weighted(random, GUANGZHOU_DISTRICTS, (d) => LOCALES[d.code].weight);
    const locale = LOCALES[district.code];
    const family = weighted(random, FAMILIES, (f) => f.weight);
    const variant = weighted(random, family.variants, (v) => v.weight);

    // a candidate place; the call is placed there only if its text names it
    let hotspot: Hotspot | null = null;
    if (family.hotspots && random() < family.hotspots.share) {
      const kinds = family.hotspots.kinds;
      const candidates = HOTSPOTS.filter((s) => s.districtCode === district.code && kinds.includes(s.kind));
      if (candidates.length) hotspot = candidates[Math.floor(random() * candidates.length)];
    }
    const channel = weighted(random, CHANNELS, ([, w]) => w)[0];
    const spoken = channel === Channel.PHONE;
    const c = new CallContext(random, district, locale, hotspot, spoken);
    const body = c.pick(variant.bodies);
    const urgency = random() < (body.urgent ?? variant.urgent ?? 0) ? Urgency.URGENT : Urgency.NORMAL;

    let content: string;
    let title = c.pick(body.titles);
    if (random() < 0.07) {
      // a short or vague call: a few words, nothing more
      content = c.pick(family.short);
    } else {
      const said = body.text(c);
      // the place the text is about: the hotspot when named, else the first place named
      const place = hotspot && said.includes(hotspot.name) ? hotspot.name : c.mentioned;
      if (channel === Channel.ONLINE_CLUE) {
        content = `${c.pick(CLUE_LEADS)}${said}`;
      } else {
        const question = variant.category === C.CONSULTATION;
        const openers = spoken
          ? (question ? PHONE_QUESTION_OPENERS : PHONE_OPENERS)
          : question
            ? WRITTEN_QUESTION_OPENERS
            : WRITTEN_OPENERS;
        const opener = random() < (spoken ? 0.35 : 0.12) ? c.pick(openers)(c) : '';
        const asks = urgency === Urgency.URGENT ? URGENT_ASKS : question ? ANSWER_ASKS : ACTION_ASKS;
        // no second plea after a text that already ends asking for speed
        const ask = random() < 0.45 && !/(尽快|赶紧|马上)[^，。！？]*[。！？]$/u.test(said) ? c.pick(asks)(c) : '';
        content = `${opener}${said}${ask}`;
      }
      const form = random();
      if (place && variant.category !== C.CONSULTATION) {
        if (form < 0.25) title = placeTitle(place, title);
        else if (form < 0.35) title = `关于${place}${title}的${CATEGORY_WORDS[variant.category]}`;
      }
    }

    if (hotspot && !content.includes(hotspot.name)) hotspot = null;
    const { lat, lng } = this.point(district, locale, hotspot);
    const call: SimulatedCall = {
      channel,
      category: variant.category,
      title,
      content,
      districtCode: district.code,
      lat,
      lng,
      urgency,
    };
    this.addCitizen(call, c, spoken);
    return { call, family: family.family, hotspot };
  }

  /** Near the hotspot (σ ≈ 250 m) or around the district's centroid, inside the city. */
  private point(district: District, locale: Locale, hotspot: Hotspot | null): { lat: number; lng: number } {
    const centre = hotspot ?? district;
    const sigmaKm = hotspot ? 0.25 : locale.sigmaKm;
    const kmPerLng = 111.32 * Math.cos((centre.lat * Math.PI) / 180);
    for (let attempt = 0; attempt < 20; attempt++) {
      const [dx, dy] = this.gaussianPair();
      // truncated at 2.5 σ: the tails would leave the district
      if (Math.hypot(dx, dy) > 2.5) continue;
      const lat = centre.lat + (dy * sigmaKm) / 110.57;
      const lng = centre.lng + (dx * sigmaKm) / kmPerLng;
      if (lat > CITY_BOUNDS.south && lat < CITY_BOUNDS.north && lng > CITY_BOUNDS.west && lng < CITY_BOUNDS.east) {
        return { lat: round6(lat), lng: round6(lng) };
      }
    }
    return { lat: centre.lat, lng: centre.lng };
  }

  /** Two independent standard normals (Box–Muller). */
  private gaussianPair(): [number, number] {
    const u = 1 - this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    return [r * Math.cos(2 * Math.PI * v), r * Math.sin(2 * Math.PI * v)];
  }

  /** Who called: often a surname and 先生/女士 on the phone, sometimes anonymous. */
  private addCitizen(call: SimulatedCall, c: CallContext, spoken: boolean): void {
    if (call.channel === Channel.ONLINE_CLUE) return; // found online: no caller
    const surname = c.pick(SURNAMES);
    const form = this.random();
    let elderly = false;
    if (form < 0.45) call.citizenName = `${surname}${this.random() < 0.45 ? c.pick(GIVEN_ONE) : c.pick(GIVEN_TWO)}`;
    else if (spoken && form < 0.8) call.citizenName = `${surname}${c.pick(['先生', '女士', '小姐'])}`;
    else if (spoken && form < 0.85) {
      call.citizenName = `${surname}${c.pick(['阿姨', '伯'])}`;
      elderly = true;
    }
    if (this.random() < (spoken ? 0.97 : 0.8)) {
      call.citizenPhone = `${c.pick(MOBILE_PREFIXES)}${String(Math.floor(this.random() * 1e8)).padStart(8, '0')}`;
    }
    if (this.random() < 0.5) {
      const home =
        this.random() < 0.5
          ? `${c.road()}${c.int(1, 680)}号`
          : `${c.road()}${c.estate()}${c.int(1, 30)}栋${c.int(1, 33)}0${c.int(1, 8)}房`;
      call.citizenAddress = `${this.random() < 0.4 ? '广州市' : ''}${c.district.name}${home}`;
    }
    if (spoken && (elderly || this.random() < 0.03)) call.accessNeeds = [AccessNeed.ELDERLY];
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
