/** What risk alerts read from a ticket's text: people affected, employer, labour dispute. */
import {
  MAX_SCAN_CHARS,
  employerKey,
  employerName,
  isLabourDispute,
  parseChineseNumeral,
  peopleAffected,
  prepareText,
} from '../extract';

describe('parseChineseNumeral', () => {
  test.each<[string, number, boolean]>([
    ['七十二', 72, false],
    ['十', 10, false],
    ['十五', 15, false],
    ['一百五十', 150, false],
    ['一百五', 150, false],
    ['一千零五', 1005, false],
    ['一千二', 1200, false],
    ['两万', 20000, false],
    ['一万二千三百', 12300, false],
    ['几十', 30, true],
    ['十几', 13, true],
    ['二十几', 23, true],
    ['数百', 300, true],
    ['三四十', 30, true],
    ['一两百', 100, true],
    ['十七八', 17, true],
  ])('%s → %d', (numeral, value, approximate) => {
    expect(parseChineseNumeral(numeral)).toEqual({ value, approximate });
  });

  test.each(['', '三三', '十百', '零', '一二三四', '万万', 'abc'])('%p is not a numeral', (numeral) => {
    expect(parseChineseNumeral(numeral)).toBeNull();
  });
});

describe('peopleAffected', () => {
  test.each<[string, number, boolean]>([
    ['东莞市某某电子厂拖欠72名员工三个月工资，员工多次讨要无果', 72, false],
    ['厂里几十名工人聚集在厂门口讨薪', 30, true],
    ['上百人堵在公司门口要求支付补偿款', 100, true],
    ['我们三十多个人在工地干了半年，包工头一直不给钱', 30, true],
    ['工厂搬迁，二百余名职工的经济补偿至今没有落实', 200, true],
    ['小区1200多名业主反映开发商延期交房', 1200, true],
    ['我和十几个工友被拖欠工资', 13, true],
    ['两百多户居民家中停水三天', 200, true],
    ['工地一百五十人的工资还没有结清', 150, false],
    ['数十名外卖骑手反映平台克扣配送费', 30, true],
    ['近百名农民工在项目部讨要工资', 100, true],
    ['我们30多人在该公司上班，已经两个月没发工资了', 30, true],
    ['公司有员工72名，均未签订劳动合同', 72, false],
    ['该厂共有职工约300人', 300, true],
    ['涉及农民工20余人，欠薪金额约40万元', 20, true],
    ['5位老人反映养老金未到账', 5, false],
    ['本栋楼有60户业主受到噪音影响', 60, false],
    ['２００名工人集体停工', 200, false],
    ['整个村有三四十户村民的房屋出现裂缝', 30, true],
    ['大约有1,500名员工受影响', 1500, true],
    ['公司裁员，涉及1.2万名员工', 12000, false],
    ['商户20多家联名反映市场管理方乱收费', 20, true],
    ['我一个人在家，楼上装修噪音太大', 1, false],
    ['十多名家长反映学校食堂饭菜质量差', 10, true],
    ['附近上千名居民饮用水有异味', 1000, true],
    ['该楼盘几百户业主至今未办理房产证', 300, true],
    ['20-30名工人在厂门口拉横幅', 20, true],
    ['反映工地有十七八个工人被欠薪', 17, true],
    ['我们厂一两百号人都没拿到工资', 100, true],
    ['超过500名学生家长联名投诉', 500, true],
    ['二十几个租户被房东赶走', 23, true],
    ['公司拖欠工资，员工共计八十六人', 86, false],
    ['该小区3000余户居民受停电影响', 3000, true],
    ['一千二百多名工人的社保没有缴纳', 1200, true],
    ['上万人的小区只有一个出入口', 10000, true],
    ['好几十个民工在讨薪', 30, true],
    ['全村五十多户人家饮水困难', 50, true],
    ['厂里工人100人左右，工资拖了两个月', 100, true],
    ['3000元的工资拖了3个月，我们有15个工人', 15, false],
    ['12楼的3户住户反映漏水', 3, false],
    ['6名保安和12名保洁员被辞退', 12, false],
    ['几位老人每天在楼下跳广场舞', 3, true],
    ['年初至今已有四五十名职工离职', 40, true],
    ['成百上千名工人围在厂门口', 1000, true],
    ['工友30个，都在等工资', 30, false],
    ['2023年10月，我们200多名员工被通知放假', 200, true],
    ['家里两个孩子在这所学校上学', 2, false],
    ['一家人都被油烟熏得睡不着', 1, false],
    ['我家3口人挤在10平方米的房子里', 3, false],
    ['约有两三百人围观', 200, true],
  ])('%s → %d', (text, count, approximate) => {
    const found = peopleAffected(text);
    expect(found).not.toBeNull();
    expect(found?.count).toBe(count);
    expect(found?.approximate).toBe(approximate);
    expect(text.normalize('NFKC')).toContain(found?.phrase.normalize('NFKC'));
  });

  test('the phrase is the words the count was read from', () => {
    expect(peopleAffected('东莞市某某电子厂拖欠72名员工工资')).toEqual({
      count: 72,
      phrase: '72名员工',
      approximate: false,
    });
    expect(peopleAffected('两百多户')?.phrase).toBe('两百多户');
    expect(peopleAffected('附近近百名农民工')?.phrase).toBe('近百名农民工');
    expect(peopleAffected('最近3名工人来过')).toEqual({ count: 3, phrase: '3名工人', approximate: false });
  });

  test('the largest people count wins', () => {
    const text = '我们班组12名工人，整个厂二百余名职工，老板欠薪72万元，拖了3个月';
    expect(peopleAffected(text)).toEqual({ count: 200, phrase: '二百余名职工', approximate: true });
  });

  test.each([
    '欠薪72万元至今未还',
    '工资3000元，已拖欠3个月',
    '2019年3月入职，每月10号发工资',
    '家住12楼，电梯经常故障',
    '我今年72岁，腿脚不便',
    '联系电话13800138000，请尽快回电',
    '住在5栋302户，楼上漏水',
    '孩子在期末考试中考了第一名',
    '宿舍是6人间，太拥挤',
    '三口之家住在一楼',
    '地铁3号线人太多',
    '60多岁的老人腿脚不便',
    '押金100人民币不退',
    '小区只有5个出入口',
    '我是1602业主，楼上装修噪音',
    '老百姓反映的问题没人管',
    '大多数人都不知道这件事',
    '千万不要让这种事再发生',
    '每平方米3000多元',
    '已经等了两个多小时',
    '楼下有3家餐馆油烟扰民',
    '公司欠了六位数的货款',
    '周一人特别多，排队两小时',
    '请统一个人信息的填写格式',
    '面积约120平方米，3室2厅',
    '1.5米宽的路被占了一半',
    '',
    'abc',
  ])('no people count in %p', (text) => {
    expect(peopleAffected(text)).toBeNull();
  });

  test('garbage and odd strings never throw', () => {
    const odd = [
      '\ud800', '\udc00名工人', '72名\ud800员工', '\u0000\u0001\u001f', '𠀋𠀋72名员工𪚥', '名名名', '几几几个人',
      '近近近', '上上上百人', ',,,,名', '1,2,3,4名', '.5人', '0名', '00000人', '9'.repeat(30) + '人',
    ];
    for (const text of odd) expect(() => peopleAffected(text)).not.toThrow();
    expect(peopleAffected('72名\ud800员工')?.count).toBe(72);
    expect(peopleAffected('𠀋𠀋72名员工𪚥')?.count).toBe(72);
    expect(peopleAffected('0名')).toBeNull();
    expect(peopleAffected('9'.repeat(30) + '人')).toBeNull();
    expect(peopleAffected(null as unknown as string)).toBeNull();
  });
});

describe('employerName', () => {
  test.each<[string, string]>([
    ['我在东莞市某某电子厂上班，老板拖欠三个月工资', '东莞市某某电子厂'],
    ['惠州市XX实业有限公司拖欠我们72名员工工资', '惠州市XX实业有限公司'],
    ['反映广州天河某某科技有限公司不与员工签订劳动合同', '广州天河某某科技有限公司'],
    ['我们是某某建筑工地的工人，包工头拖欠工资', '某某建筑工地'],
    ['投诉XX物业管理公司乱收物业费', 'XX物业管理公司'],
    ['本人于2023年3月入职东莞市长安镇华达电子厂，至今未缴社保', '东莞市长安镇华达电子厂'],
    ['被深圳市华强电子有限公司无故辞退', '深圳市华强电子有限公司'],
    ['我老公在XX餐饮店做厨师，工资一直没发', 'XX餐饮店'],
    ['中建某局某某项目部拖欠农民工工资', '中建某局某某项目部'],
    ['恒大集团有限公司拖欠工程款', '恒大集团有限公司'],
    ['我们72名员工在华为技术有限公司外包岗位工作', '华为技术有限公司'],
    ['在某某酒店当服务员，老板不给加班费', '某某酒店'],
    ['东莞市XX塑胶制品厂老板跑路了', '东莞市XX塑胶制品厂'],
    ['ABC科技有限公司拖欠工资两个月', 'ABC科技有限公司'],
    ['我是深圳市某某设计工作室的员工', '深圳市某某设计工作室'],
    ['惠州某某培训中心关门，老师工资未结', '惠州某某培训中心'],
    ['在XX被服厂上班三年，厂里不给买社保', 'XX被服厂'],
    ['拖欠工资的XX制衣厂至今没有回应', 'XX制衣厂'],
    ['今年以来某某公司一直拖欠我们的工资', '某某公司'],
    ['７２名员工在ＸＸ电子厂讨薪', 'XX电子厂'],
    ['我们在惠州大亚湾某某石化项目工地干活，工钱没结', '惠州大亚湾某某石化项目工地'],
    ['某某小学拖欠代课老师工资', '某某小学'],
  ])('%s → %s', (text, name) => {
    expect(employerName(text)).toBe(name);
  });

  test.each([
    '我在一家电子厂打工，工资被拖欠',
    '该公司拖欠工资',
    '物业公司不作为',
    '今天天气很好',
    '在建筑工地上班，包工头跑了',
    '住在市中心，晚上很吵',
    '',
  ])('no employer in %p', (text) => {
    expect(employerName(text)).toBeNull();
  });

  test('odd strings never throw', () => {
    for (const text of ['\ud800厂', '厂', '公司公司公司', '某'.repeat(100) + '厂', '\u0000有限公司']) {
      expect(() => employerName(text)).not.toThrow();
    }
    expect(employerName('某'.repeat(100) + '厂')?.length).toBeLessThanOrEqual(41);
  });
});

describe('employerKey', () => {
  test('place prefixes and legal forms go, so one employer clusters together', () => {
    expect(employerKey('东莞市长安镇华达电子厂')).toBe('华达电子');
    expect(employerKey('华达电子厂')).toBe('华达电子');
    // what callers call 厂 is registered as 有限公司
    expect(employerKey('广州市华达电子有限公司')).toBe('华达电子');
    // a short name: the place goes before 厂 does
    for (const name of ['虎门华达厂', '东莞市虎门镇华达厂', '华达厂', '华达有限公司']) expect([name, employerKey(name)]).toEqual([name, '华达']);
    expect(employerKey('广东省东莞市虎门镇某某服装厂')).toBe('某某服装');
    expect(employerKey('惠州市XX实业有限公司')).toBe('xx实业');
    expect(employerKey('深圳市华强电子股份有限公司')).toBe('华强电子');
    expect(employerKey('某某科技有限公司（东莞分公司）')).toBe('某某科技');
  });

  test('a mask and a business word alone (某某公司, XX厂) is no key: two callers saying it may mean two employers', () => {
    for (const name of ['某某公司', 'XX有限公司', '某某厂', '东莞市某某建筑工地', 'xx店']) expect(employerKey(name)).toBe('');
    expect(employerKey('某某服装厂')).toBe('某某服装');
    expect(employerKey('XX物业管理公司')).toBe('xx物业管理');
  });

  test('bare city and district names go too', () => {
    const keys = ['广州天河某某科技有限公司', '广州市天河区某某科技有限公司', '某某科技有限责任公司'].map(employerKey);
    expect(new Set(keys)).toEqual(new Set(['某某科技']));
  });

  test('words that only look like places stay', () => {
    expect(employerKey('华润万家超市')).toBe('华润万家超市');
    expect(employerKey('长安汽车有限公司')).toBe('长安汽车');
    expect(employerKey('东莞市XX市政工程有限公司')).toBe('xx市政工程');
    expect(employerKey('某某社区服务中心')).toBe('某某社区服务中心');
    expect(employerKey('')).toBe('');
  });
});

describe('isLabourDispute', () => {
  test.each<[string, string[]]>([
    ['老板拖欠我们三个月工资', ['拖欠工资']],
    ['公司欠薪半年，找不到人', ['欠薪']],
    ['工资一直未发放，找了很多次', ['工资未发']],
    ['我们去讨薪被保安拦住', ['讨薪']],
    ['工厂搬迁，员工的搬迁补偿没有落实', ['搬迁补偿']],
    ['公司裁员不给经济补偿', ['辞退', '经济补偿']],
    ['公司一直没有给我们缴纳社保', ['社保未缴']],
    ['社保从去年开始就没交了', ['社保未缴']],
    ['遣散费至今没有发放', ['遣散费']],
    ['单位不签劳动合同，还克扣加班费', ['劳动合同', '加班费']],
    ['包工头拖欠农民工工资40多万元', ['拖欠工资']],
    ['在工地上受伤，老板不给认定工伤', ['工伤']],
    ['老板跑路了，工人的工资没人管', ['老板跑路']],
    ['欠我们每人两个月的工钱', ['欠工资']],
  ])('%s', (text, terms) => {
    expect(isLabourDispute(text)).toEqual({ matched: true, terms });
  });

  test('a mass action over wages collects every term in text order', () => {
    expect(isLabourDispute('72名工人集体罢工，堵门讨要被拖欠的工资和补偿款')).toEqual({
      matched: true,
      terms: ['集体', '罢工', '堵门', '讨薪', '拖欠工资', '补偿款'],
    });
  });

  test.each<[string, string[]]>([
    ['小区楼下烧烤店噪音扰民', []],
    ['拆迁补偿款迟迟不到位', ['补偿款']],
    ['健身房老板跑路，会员卡无法退费', ['老板跑路']],
    ['工地夜间施工噪音大', []],
    ['路灯不亮', []],
    ['集体土地上有违章建筑', ['集体']],
    ['交通事故的赔偿金一直谈不拢', ['赔偿金']],
    ['', []],
  ])('not a labour dispute: %p', (text, terms) => {
    expect(isLabourDispute(text)).toEqual({ matched: false, terms });
  });
});

describe('bounded work on any input', () => {
  /** A deterministic stream of random UTF-16 code units, weighted towards what the scanners look at. */
  function randomText(length: number, seed: number): string {
    let state = seed >>> 0;
    const next = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const alphabet = [...'0123456789一二两三十百千万几数多余来名位个人户家号员工业主厂公司有限店近上约，。-'];
    const units = new Array<string>(length);
    for (let i = 0; i < length; i++) {
      const r = next();
      if (r < 0.6) units[i] = alphabet[Math.floor(next() * alphabet.length)];
      else units[i] = String.fromCharCode(Math.floor(next() * 0x10000)); // lone surrogates, controls…
    }
    return units.join('');
  }

  const MB = 1 << 20;
  const inputs: [string, string][] = [
    ['random', randomText(MB, 12345)],
    ['digits', '1'.repeat(MB)],
    ['Chinese digits', '一'.repeat(MB)],
    ['counts', '近上几十多名工人'.repeat(MB / 8)],
    ['suffixes', '厂'.repeat(MB)],
    ['labour words', '拖欠工资未发社保'.repeat(MB / 8)],
    ['lone surrogates', '\ud800'.repeat(MB)],
  ];

  // (a pathological pattern would run into jest's per-test timeout; speed is the benches' business)
  test.each(inputs)('%s (1 MB): no throw', (_name, text) => {
    expect(() => peopleAffected(text)).not.toThrow();
    expect(() => employerName(text)).not.toThrow();
    expect(() => isLabourDispute(text)).not.toThrow();
    expect(() => employerKey(text)).not.toThrow();
  });

  test(`only the first ${MAX_SCAN_CHARS} characters are scanned, never half a surrogate pair`, () => {
    expect(prepareText('x'.repeat(MAX_SCAN_CHARS + 10))).toHaveLength(MAX_SCAN_CHARS);
    const split = 'x'.repeat(MAX_SCAN_CHARS - 1) + '𠀋';
    expect(prepareText(split)).toHaveLength(MAX_SCAN_CHARS - 1);
    expect(peopleAffected('噪'.repeat(MAX_SCAN_CHARS) + '72名员工')).toBeNull();
    expect(peopleAffected('噪'.repeat(MAX_SCAN_CHARS - 10) + '72名员工')?.count).toBe(72);
  });

  test('full-width digits and letters count as ASCII', () => {
    expect(prepareText('７２名ＸＸ')).toBe('72名XX');
  });
});
