/** Hot issues (热点问题): topics of recent tickets and their heat. */
import { wordBoundaries } from '../../routing/tokenize';
import { heatIndex, hotIssues, topicTerms } from '../cluster';
import { normalizeForMatching } from '../similarity';
import type { HotIssueItem } from '../cluster';

const DAY = 86_400_000;
const START = Date.UTC(2019, 0, 1);

/** Victims of a collapsed P2P lending platform asking about the criminal case. */
const P2P = [
  '我是58车贷平台的受害人，平台去年8月恶性退出，老板跑路，A4区经侦大队立案已经五个月了，至今没有发布任何案情通报，请问58车贷案件进展如何？',
  '58车贷恶性退出案件立案快半年了，经侦一直说在侦查，却没有任何案情通报，受害人的血汗钱一分都没有追回，恳请领导督促经侦加快58车贷案件的侦办。',
  '再次请求过问58车贷案件的进展情况。五千多名受害人、三亿多元待收，经侦至今没有公布案情通报和资产追缴情况，受害人非常着急。',
  '58车贷的实际控制人已经潜逃国外，我们受害人多次去A4区经侦大队询问58车贷案情，得到的答复都是正在侦办，希望尽快通报案件进展。',
  '请书记关注58车贷集资诈骗案件，平台恶性退出后受害人遍布全国，立案以来经侦没有任何案情通报，希望依法追缴资产，给受害人一个公道。',
  '作为58车贷案件的受害人，想知道经侦对58车贷平台资产的冻结和追缴进展到哪一步了，为什么立案这么久都没有一次正式的案情通报？',
];


/** Night construction noise at one building site. */
const NOISE = [
  '中建嘉和城二期工地每天晚上施工到凌晨两三点，挖掘机和渣土车的噪音特别大，周边居民根本没法睡觉，请城管部门查处夜间违规施工。',
  '投诉中建嘉和城二期工地夜间施工扰民，已经连续一个多月了，半夜还在打桩，噪音吵得小孩和老人整夜睡不着，多次打电话也没人管。',
  '中建嘉和城二期工地夜间施工噪音严重扰民，晚上十一点以后还在浇筑混凝土，是否办理了夜间施工许可？请执法部门到现场检查。',
  '我们是中建嘉和城附近的居民，二期工地凌晨还在施工，机器轰鸣声和运渣车的声音太吵了，严重影响休息，希望相关部门制止夜间施工。',
  '中建嘉和城二期工地违规夜间施工，噪音扰民问题反映多次仍未解决，工地晚上灯火通明，打桩声音一直持续到凌晨，请尽快处理。',
];

/** Migrant workers owed their wages by one project. */
const WAGES = [
  '我们是星河湾项目工地的农民工，包工头拖欠我们三十多人的工资四十多万元，快过年了还不发，请劳动监察部门帮我们讨回血汗钱。',
  '星河湾项目施工单位拖欠农民工工资已经半年，我们多次找项目部讨薪，他们说工资款已经拨给劳务公司，劳务公司老板却联系不上。',
  '反映星河湾项目拖欠农民工工资问题，我们在工地干了五个月的木工，一分钱工资都没拿到，家里老人小孩等着钱过年，请政府帮忙讨薪。',
  '星河湾项目工地的劳务公司拖欠工人工资，总额四十多万元，我们向劳动仲裁和劳动监察都反映过，至今没有结果，请领导督促尽快支付工资。',
  '农民工讨薪难：星河湾项目工地拖欠我们的工资迟迟不发，项目部和劳务公司互相推诿，我们三十多个工人过年回不了家，请求帮助。',
];

/** Unrelated tickets: every window has many of them. */
const OTHERS = [
  '望仙路靠宁华路口有两百米路段的路灯已经坏了一个多月，晚上漆黑一片，小学生放学很危险，请尽快维修。',
  '建议增加808路公交车的班次，早高峰等车要半个小时，很多上班族只能打车，希望公交公司优化调度。',
  '小区配套幼儿园交房两年了还没有开园，孩子只能去很远的地方上学，请教育局督促开发商尽快移交。',
  '楼下新开的烧烤店油烟直接排到居民楼里，晚上吵到凌晨，窗户都不能开，请环保部门检查油烟净化设施。',
  '物业公司擅自提高停车费，从每月一百五涨到三百，没有召开业主大会，也没有公示，请物价部门调查。',
  '咨询人才新政购房补贴的申请条件，我是硕士研究生，落户半年了，网上申请一直显示审核中。',
  '小区二次供水水质很差，水龙头流出来的水发黄，还有异味，多次联系物业都说不归他们管。',
  '电梯经常故障，上个月困人三次，物业说维修资金不够，请质监部门督促物业更换老旧电梯。',
  '城管执法人员暴力执法，推倒了卖菜老人的三轮车，希望有关部门调查处理，规范文明执法。',
  '医保异地报销手续太复杂，跑了三趟社保局还没办好，希望简化流程，推行网上办理。',
  '学校要求学生统一购买校服和教辅资料，价格比外面贵很多，家长意见很大，请教育局查处乱收费。',
  '小区门口的道路坑坑洼洼，下雨天积水很深，电动车经常摔倒，请住建部门尽快修补路面。',
];


function items(texts: string[], prefix: string, startDay: number, extra: Partial<HotIssueItem> = {}): HotIssueItem[] {
  return texts.map((text, i) => ({ id: `${prefix}${i + 1}`, text, time: new Date(START + (startDay + i) * DAY), ...extra }));
}

function corpus(): HotIssueItem[] {
  return [
    ...items(P2P, 'p2p-', 0),
    ...items(NOISE, 'noise-', 2),
    ...items(WAGES, 'wage-', 4),
    ...items(OTHERS, 'other-', 1),
  ];
}

describe('topicTerms', () => {
  test('jieba words of two or more characters without stopwords, and unit bigrams', () => {
    const terms = topicTerms('尊敬的领导：您好！请问58车贷案件的进展？');
    expect(terms.has('w:案件')).toBe(true);
    expect(terms.has('b:58车')).toBe(true);
    expect(terms.has('b:车贷')).toBe(true);
    expect(terms.has('w:尊敬')).toBe(false);
    expect(terms.has('w:领导')).toBe(false);
    expect([...terms.keys()].some((t) => t === 'w:58')).toBe(false); // bare numbers say nothing
    expect(topicTerms('')).toEqual(new Map());
    expect(topicTerms('，。！？')).toEqual(new Map());
  });
});

describe('hotIssues', () => {
  test('58车贷 complaints, night noise and wage arrears become three separate topics', () => {
    const issues = hotIssues(corpus());
    expect(issues).toHaveLength(3);
    const byFirst = new Map(issues.map((h) => [h.ticketIds[0].split('-')[0], h]));
    expect(new Set(byFirst.get('p2p')?.ticketIds)).toEqual(new Set(items(P2P, 'p2p-', 0).map((i) => i.id)));
    expect(new Set(byFirst.get('noise')?.ticketIds)).toEqual(new Set(items(NOISE, 'noise-', 0).map((i) => i.id)));
    expect(new Set(byFirst.get('wage')?.ticketIds)).toEqual(new Set(items(WAGES, 'wage-', 0).map((i) => i.id)));
    expect(byFirst.get('p2p')?.keywords.join(' ')).toMatch(/经侦|案情|受害人/);
    expect(byFirst.get('noise')?.keywords.join(' ')).toMatch(/施工|噪音|中建嘉和城/);
    expect(byFirst.get('wage')?.keywords.join(' ')).toMatch(/工资|星河湾/);
    for (const h of issues) {
      expect(h.label.split('、')).toEqual(h.keywords.slice(0, 3));
      expect(h.evidenceIds).toHaveLength(3);
      expect(h.ticketIds).toEqual(expect.arrayContaining(h.evidenceIds));
      expect(h.id).toBe(`hot:${h.ticketIds[0]}`);
    }
  });

  test('keywords are whole words of the texts (jieba’s), never a word cut in half, nor one running on from another', () => {
    const day = (xs: string[], prefix: string) => xs.map((text, i) => ({ id: `${prefix}${i}`, text, time: new Date(START + i * DAY) }));
    const wages = ['工地拖欠农民工工资三个月了，老板跑路', '我们工地拖欠农民工工资，包工头不见了', '反映工地拖欠农民工工资问题，三十多人', '某某工地拖欠农民工工资已经半年'];
    const outages = ['凤凰家园突然停水，没有看到任何通知，什么时候恢复？', '凤凰家园又停水了，没有看到任何通知，什么时候恢复供水', '凤凰家园停水两天，没看到任何通知，什么时候恢复'];
    const issues = hotIssues([...day(wages, 'w'), ...day(outages, 'o'), ...items(OTHERS, 'other-', 1)], { minCount: 2 });
    expect(issues.length).toBeGreaterThanOrEqual(2);
    const wholeIn = (keyword: string, text: string) => {
      const cuts = wordBoundaries(text);
      for (let at = text.indexOf(keyword); at >= 0; at = text.indexOf(keyword, at + 1)) if (cuts.has(at) && cuts.has(at + keyword.length)) return true;
      return false;
    };
    for (const h of issues) {
      const texts = [...wages, ...outages].filter((_, i) => h.ticketIds.includes(i < wages.length ? `w${i}` : `o${i - wages.length}`)).map(normalizeForMatching);
      if (!texts.length) continue;
      for (const k of h.keywords.slice(0, 3)) expect([k, texts.some((t) => wholeIn(k, t))]).toEqual([k, true]);
      const [a, b] = h.keywords;
      expect(b && a.slice(-2) === b.slice(0, 2)).toBeFalsy();
    }
  });

  test('heat: reporters, people and likes order the topics; the figures are reported', () => {
    const tickets = [
      ...items(P2P, 'p2p-', 0, { likes: 300 }),
      ...items(NOISE, 'noise-', 0),
      ...items(WAGES, 'wage-', 0).map((it, i) => (i === 0 ? { ...it, people: 30 } : it)),
      ...items(OTHERS, 'other-', 0),
    ];
    const issues = hotIssues(tickets);
    expect(issues.map((h) => h.ticketIds[0].split('-')[0])).toEqual(['p2p', 'wage', 'noise']);
    expect(issues.map((h) => h.heat)).toEqual([...issues.map((h) => h.heat)].sort((a, b) => b - a));
    const [p2p, wage, noise] = issues;
    expect(p2p.likes).toBe(1800);
    expect(wage.people).toBe(34);
    expect(noise).toMatchObject({ count: 5, reporters: 5, people: 5, likes: 0 });
    expect(noise.heat).toBeCloseTo(heatIndex({ reporters: 5, people: 5, likes: 0, growth: noise.growth }), 10);
  });

  test('one caller writing five times is one reporter, and less hot than five callers', () => {
    const tickets = [...items(NOISE, 'noise-', 0, { callerId: 'c1' }), ...items(WAGES, 'wage-', 0), ...items(OTHERS, 'other-', 0)];
    const issues = hotIssues(tickets);
    expect(issues.map((h) => [h.ticketIds[0].split('-')[0], h.count, h.reporters])).toEqual([
      ['wage', 5, 5],
      ['noise', 5, 1],
    ]);
  });

  test('exact duplicates (same text after normalisation) count once and are reported', () => {
    const copy = (id: string, text: string, day: number): HotIssueItem => ({
      id,
      text: ` ${text.replace(/，/g, ',').replace(/。/g, '.')}\n`,
      time: new Date(START + day * DAY),
      likes: 10,
    });
    const tickets = [...corpus(), copy('noise-copy1', NOISE[0], 20), copy('noise-copy2', NOISE[0], 21)];
    const noise = hotIssues(tickets).find((h) => h.ticketIds.includes('noise-1'));
    expect(noise?.count).toBe(5);
    expect(noise?.ticketIds).not.toContain('noise-copy1');
    expect(noise?.duplicates).toEqual([
      { id: 'noise-copy1', duplicateOf: 'noise-1' },
      { id: 'noise-copy2', duplicateOf: 'noise-1' },
    ]);
    expect(noise?.likes).toBe(20); // likes of duplicates count
    expect(noise?.lastTime).toEqual(new Date(START + 21 * DAY));
    expect(noise?.reporters).toBe(5); // copies without a caller are no new reporters
    const signed = [...tickets, { ...copy('noise-copy3', NOISE[1], 22), callerId: 'someone-else' }];
    expect(hotIssues(signed).find((h) => h.ticketIds.includes('noise-1'))).toMatchObject({ count: 5, reporters: 6 });
  });

  test('growth: a topic whose tickets all came in the later half of the window is growing', () => {
    const tickets = [...items(P2P, 'p2p-', 0), ...items(WAGES, 'wage-', 40), ...items(OTHERS, 'other-', 20)];
    const issues = hotIssues(tickets, { window: { from: new Date(START), to: new Date(START + 50 * DAY) } });
    const p2p = issues.find((h) => h.ticketIds.includes('p2p-1'));
    const wage = issues.find((h) => h.ticketIds.includes('wage-1'));
    expect(p2p).toMatchObject({ recentCount: 0, earlierCount: 6, growth: 1 / 7 });
    expect(wage).toMatchObject({ recentCount: 5, earlierCount: 0, growth: 6 });
    expect(issues[0]).toBe(wage);
  });

  test('the window leaves out older and newer tickets; first and minCount limit the answer', () => {
    const all = corpus();
    const window = { from: new Date(START + 2 * DAY), to: new Date(START + 6 * DAY) };
    for (const h of hotIssues(all, { window, minCount: 1, first: 100 })) {
      for (const id of h.ticketIds) {
        const t = (all.find((i) => i.id === id) as HotIssueItem).time.getTime();
        expect(t).toBeGreaterThanOrEqual(window.from.getTime());
        expect(t).toBeLessThanOrEqual(window.to.getTime());
      }
    }
    expect(hotIssues(all, { first: 1 })).toHaveLength(1);
    expect(hotIssues(all, { minCount: 1, first: 100 }).length).toBeGreaterThan(3);
    expect(hotIssues(all, { minCount: 6 }).map((h) => h.count)).toEqual([6]);
  });

  test('deterministic: the same answer for the same tickets in any order', () => {
    const all = corpus();
    const shuffled = [...all].reverse();
    shuffled.push(shuffled.shift() as HotIssueItem);
    expect(hotIssues(shuffled, { minCount: 1, first: 100 })).toEqual(hotIssues(all, { minCount: 1, first: 100 }));
  });

  test('empty, garbage and huge input never throws', () => {
    expect(hotIssues([])).toEqual([]);
    expect(hotIssues(null as unknown as HotIssueItem[])).toEqual([]);
    const garbage = [
      null,
      42,
      { id: 'no-time', text: '噪音' },
      { id: 'bad-time', text: '噪音', time: new Date('not a date') },
      { id: 7, text: 12345, time: new Date(START), likes: NaN, people: -3 },
      { id: 'symbols', text: '！！？？😀😀', time: new Date(START), likes: -5 },
      { id: 'empty', text: '', time: new Date(START) },
    ] as unknown as HotIssueItem[];
    expect(() => hotIssues(garbage)).not.toThrow();
    expect(() => hotIssues([...garbage, ...corpus()], { window: { from: new Date(NaN) }, first: NaN, threshold: -1 })).not.toThrow();
    const huge: HotIssueItem = { id: 'huge', text: '夜间施工噪音扰民，'.repeat(150_000), time: new Date(START) };
    const issues = hotIssues([huge, { ...huge, id: 'huge2', text: huge.text + '再次投诉' }, ...corpus()]);
    expect(issues.length).toBeGreaterThan(0);
  });
});

describe('heatIndex', () => {
  test('the documented formula', () => {
    expect(heatIndex({ reporters: 0, people: 0, likes: 0, growth: 1 })).toBe(0);
    expect(heatIndex({ reporters: 1, people: 1, likes: 0, growth: 1 })).toBeCloseTo(Math.log(2), 12);
    const expected = Math.log(4) + 0.5 * Math.log(73) + 0.25 * Math.log(16);
    expect(heatIndex({ reporters: 3, people: 75, likes: 15, growth: 1 })).toBeCloseTo(expected, 12);
    // growth is clamped to [1/2, 2] and enters as its square root
    expect(heatIndex({ reporters: 3, people: 3, likes: 0, growth: 10 })).toBeCloseTo(Math.log(4) * Math.SQRT2, 12);
    expect(heatIndex({ reporters: 3, people: 3, likes: 0, growth: 0 })).toBeCloseTo(Math.log(4), 12);
    expect(heatIndex({ reporters: 3, people: 3, likes: 0, growth: 0.1 })).toBeCloseTo(Math.log(4) / Math.SQRT2, 12);
    expect(heatIndex({ reporters: 3, people: 3, likes: 16, growth: 1 }, { likes: 1 })).toBeCloseTo(Math.log(4) + Math.log(17), 12);
    expect(heatIndex({ reporters: NaN, people: -1, likes: -10, growth: NaN })).toBe(0);
  });
});
