import fs from 'node:fs';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Role } from '../auth/viewer';
import type { Viewer } from '../auth/viewer';
import { PROJECT_ROOT } from '../app/config';
import type { Config } from '../app/config';
import { DutyListFormat } from '../dutylist/dutylist.enums';
import { Matter } from '../dutylist/matter.entity';
import { systemClock } from '../shared/clock';
import type { Clock } from '../shared/clock';
import { createLoaders } from '../app/loaders';
import type { RequestContext } from '../app/context';
import { createServices } from '../app/hub';
import { Department } from '../departments/department.entity';
import { District } from '../departments/district.entity';
import { ManualClock } from '../shared/clock';
import type { Sql } from '../realtime/stream';
import { toGlobalId } from '../shared/relay';
import type { Ticket } from '../tickets/ticket.entity';
import { Channel, Resolution, Satisfaction, TicketCategory, Urgency } from '../tickets/ticket.enums';
import { GUANGZHOU_DEPARTMENTS, GUANGZHOU_DISTRICTS } from './guangzhou';

const C = TicketCategory;

/** Demo requests in citizens' words; `dept` is a city code or a district-branch suffix. */
const REQUESTS: { title: string; content: string; category: TicketCategory; dept: string; urgent?: boolean }[] = [
  { title: '工地夜间施工噪音扰民', content: '小区旁边的工地每天晚上十一点以后还在打桩，噪音很大，孩子没法睡觉，希望管一管。', category: C.COMPLAINT, dept: 'EEB' },
  { title: '路灯不亮', content: '我们村口到大路那段的路灯坏了一个多星期，晚上很黑，老人走路不安全。', category: C.HELP_REQUEST, dept: 'UM' },
  { title: '公司拖欠工资', content: '我在一家电子厂上班，公司已经拖欠我们三个月工资了，二十多名工人都没拿到钱。', category: C.COMPLAINT, dept: 'HRSS', urgent: true },
  { title: '小区物业不作为', content: '小区电梯经常坏，物业一直拖着不修，业主多次反映都没有结果。', category: C.COMPLAINT, dept: 'HUD' },
  { title: '超市售卖过期食品', content: '在附近超市买的牛奶已经过期两天了，收银员说不退，希望市场监管部门查处。', category: C.REPORT, dept: 'GZ-AMR' },
  { title: '出租车拒载', content: '晚上在火车站打车，出租车司机嫌路程近拒载，车牌号粤A12345。', category: C.COMPLAINT, dept: 'GZ-TRANS' },
  { title: '护照办理咨询', content: '想咨询一下在广州办理护照需要准备什么材料，外地户口可以办吗？', category: C.CONSULTATION, dept: 'GZ-EXIT' },
  { title: '道路坑洼积水', content: '国道旁边辅道有好几个大坑，下雨就积水，电动车经过很危险。', category: C.HELP_REQUEST, dept: 'GZ-HWY' },
  { title: '医保报销咨询', content: '在外地住院的费用回来怎么报销？需要先备案吗？', category: C.CONSULTATION, dept: 'GZ-HSA' },
  { title: '突然停水没有通知', content: '我们这栋楼从早上开始停水，没有看到任何通知，什么时候能恢复？', category: C.HELP_REQUEST, dept: 'GZ-WATER', urgent: true },
  { title: '学位申请咨询', content: '孩子明年上小学，租房的积分入学怎么申请？', category: C.CONSULTATION, dept: 'GZ-EDU' },
  { title: '飞机噪音扰民', content: '最近每天晚上都有直升机低空飞过，声音非常大，从2023年就开始了。', category: C.COMPLAINT, dept: 'GZ-PORT' },
  { title: '占道经营', content: '地铁口有很多流动摊贩占道经营，行人走路都要绕到马路上。', category: C.COMPLAINT, dept: 'UM' },
  { title: '餐馆油烟扰民', content: '楼下新开的餐馆油烟直接排到我们窗户，家里全是油烟味。', category: C.COMPLAINT, dept: 'EEB' },
  { title: '工伤认定咨询', content: '上班路上被车撞了，这种情况算不算工伤？要去哪里申请？', category: C.CONSULTATION, dept: 'HRSS' },
  { title: '违章搭建', content: '隔壁楼顶在加建铁皮房，已经搭了两层，存在安全隐患。', category: C.REPORT, dept: 'UM' },
  { title: '公园树木倒伏', content: '公园里有一棵大树被风吹倒了，压在步道上，还没人处理。', category: C.HELP_REQUEST, dept: 'GZ-FOREST', urgent: true },
  { title: '医院挂号难', content: '网上挂号总是约不到专家号，窗口也说没有号，希望增加号源。', category: C.SUGGESTION, dept: 'GZ-HEALTH' },
];

/** Calls that just came in: the router dispatches the ones it is sure of (即接即办). */
const FRESH_CALLS = [
  '天桥上有人倒了一大堆建筑垃圾，桥面全是碎石，车辆经过很危险。',
  '晚上十二点了旁边工地还在打桩，吵得整栋楼的人都睡不着。',
  '公园里跳广场舞的音响开得太大声了，每天晚上八点到十点，家里窗户关着都听得见。',
  '最近每天都有直升机在我们小区上空低飞，轰隆隆的，老人小孩都被吓到。',
  '在口岸办港澳通行证签注，自助机说查不到我的签注记录，怎么办？',
  '我们二十多个工人被老板拖欠了两个月工资，老板电话也不接了。',
];

type Step =
  | 'dispatch'
  | 'accept'
  | 'start'
  | 'resolve'
  | 'satisfied'
  | 'dissatisfied'
  | 'reject'
  | 'dispute'
  | 'arbitrate'
  | 'oncall'
  | 'extend'
  | 'approve'
  | 'merge'
  | 'close';

/** Paths that leave tickets in every status; the hours say how long ago the ticket came in. */
const PATHS: { steps: Step[]; hoursAgo: number }[] = [
  { steps: [], hoursAgo: 1 }, // RECEIVED
  { steps: ['dispatch'], hoursAgo: 0.5 }, // DISPATCHED, in time
  { steps: ['dispatch'], hoursAgo: 100 }, // DISPATCHED, overdue to accept
  { steps: ['dispatch', 'accept'], hoursAgo: 3 }, // ACCEPTED
  { steps: ['dispatch', 'accept', 'start'], hoursAgo: 20 }, // IN_PROGRESS
  { steps: ['dispatch', 'accept', 'start'], hoursAgo: 24 * 12 }, // IN_PROGRESS, overdue
  { steps: ['dispatch', 'accept', 'start', 'extend'], hoursAgo: 48 }, // extension pending
  { steps: ['dispatch', 'accept', 'start', 'extend', 'approve'], hoursAgo: 72 },
  { steps: ['dispatch', 'reject'], hoursAgo: 5 }, // back to RECEIVED after a reject
  { steps: ['dispatch', 'reject', 'dispute'], hoursAgo: 8 }, // ARBITRATION
  { steps: ['dispatch', 'reject', 'dispute', 'arbitrate', 'accept'], hoursAgo: 30 },
  { steps: ['dispatch', 'accept', 'start', 'resolve'], hoursAgo: 26 }, // RESOLVED
  { steps: ['dispatch', 'accept', 'start', 'resolve', 'satisfied'], hoursAgo: 24 * 4 }, // CLOSED
  { steps: ['dispatch', 'accept', 'start', 'resolve', 'dissatisfied'], hoursAgo: 24 * 5 }, // REOPENED
  { steps: ['dispatch', 'accept', 'start', 'resolve', 'dissatisfied', 'dispatch'], hoursAgo: 24 * 6 },
  { steps: ['oncall'], hoursAgo: 2 }, // 即接即办, RESOLVED
  { steps: ['oncall', 'satisfied'], hoursAgo: 24 * 2 },
  { steps: ['merge'], hoursAgo: 4 }, // MERGED into the previous ticket
  { steps: ['dispatch', 'accept', 'start', 'resolve', 'close'], hoursAgo: 24 * 7 },
];

const OPERATOR: Viewer = { role: Role.OPERATOR, subject: 'demo-operator', districtCodes: [] };
const SUPERVISOR: Viewer = { role: Role.SUPERVISOR, subject: 'demo-supervisor', districtCodes: [] };

/** Loads districts, departments and (through the services, so every step is audited) tickets. */
export async function seedDemo(orm: MikroORM, config: Config, log: (m: string) => void = () => undefined) {
  if ((await orm.em.fork().count(District)) > 0) {
    log('demo data: already there, nothing to do');
    return { seeded: false };
  }
  const { districts, departments } = await seedDirectory(orm);
  // published a month back: in force for every demo ticket (the scripted histories go back days,
  // and the fresh calls at the end are routed by it)
  const dutyList = await seedDutyList(orm, config, new ManualClock(new Date(Date.now() - 30 * 86_400_000)));
  const count = await seedDemoTickets(orm, config, departments);
  log(
    `demo data: ${districts.size} districts, ${departments.size} departments, ` +
      `duty list ${dutyList.number} (${dutyList.matters} matters), ${count} tickets`,
  );
  return { seeded: true };
}

/** Guangzhou's districts and departments (the directory tests and the demo share). */
export async function seedDirectory(orm: MikroORM) {
  const em = orm.em.fork();
  const districts = new Map<string, District>();
  for (const d of GUANGZHOU_DISTRICTS) {
    const row = em.create(District, {
      code: d.code,
      name: d.name,
      cityCode: '4401',
      cityName: '广州市',
      centroidLat: d.lat,
      centroidLng: d.lng,
    });
    districts.set(d.code, row);
  }
  const departments = new Map<string, Department>();
  for (const d of GUANGZHOU_DEPARTMENTS) {
    departments.set(
      d.code,
      em.create(Department, {
        code: d.code,
        name: d.name,
        kind: d.kind,
        level: d.level,
        districtId: d.districtCode ? districts.get(d.districtCode)!.id : null,
        lat: d.lat ?? null,
        lng: d.lng ?? null,
      }),
    );
  }
  await em.flush();
  return { districts, departments };
}

/** The demo duty list (src/seed/dutylist.demo.csv), imported and published like any other. */
export const DEMO_DUTY_LIST = path.join(PROJECT_ROOT, 'src', 'seed', 'dutylist.demo.csv');

export async function seedDutyList(orm: MikroORM, config: Config, clock: Clock = systemClock) {
  const { dutyLists } = createServices(config, clock);
  const em = orm.em.fork();
  const admin: Viewer = { role: Role.ADMIN, subject: 'demo-seed', districtCodes: [] };
  const version = await dutyLists.import(
    { viewer: admin, em, loaders: createLoaders(em) },
    {
      format: DutyListFormat.CSV,
      content: fs.readFileSync(DEMO_DUTY_LIST, 'utf8'),
      notes: '演示清单：参照惠州、广州公开的民生诉求事项清单编写',
      publish: true,
    },
  );
  return { number: version.number, matters: await em.count(Matter, { versionId: version.id }) };
}

/** Raw statements ($1 parameters) on a connection of the ORM's pool. */
function pgSql(orm: MikroORM): Sql {
  const knex = orm.em.getConnection().getKnex();
  return async <T>(text: string, params?: unknown[]): Promise<T[]> => {
    const client = (await knex.client.acquireConnection()) as { query(text: string, params?: unknown[]): Promise<{ rows: T[] }> };
    try {
      return (await client.query(text, params)).rows;
    } finally {
      await knex.client.releaseConnection(client);
    }
  };
}

async function seedDemoTickets(orm: MikroORM, config: Config, departments: Map<string, Department>): Promise<number> {
  const now = new Date();
  const clock = new ManualClock(now);
  // the scripted histories are dispatched by hand; the fresh calls at the end go through the router
  const { tickets } = createServices({ ...config, ROUTING_THRESHOLD: 1.01 }, clock);
  const live = createServices(config, clock).tickets;
  // intake writes through the intake writer, as in the hub
  tickets.attach(orm, pgSql(orm));
  live.attach(orm, pgSql(orm));
  const codeById = new Map([...departments.values()].map((d) => [d.id, d.code]));
  const rc = (viewer: Viewer): RequestContext => {
    const fork = orm.em.fork();
    return { viewer, em: fork, loaders: createLoaders(fork) };
  };
  const dept = (code: string): Viewer => ({ role: Role.DEPARTMENT_STAFF, subject: 'demo-clerk', departmentCode: code, districtCodes: [] });
  const ref = (t: Ticket) => ({ id: toGlobalId('Ticket', t.id), expectedVersion: t.version });

  let count = 0;
  let mergeTarget: Ticket | null = null;
  for (let i = 0; i < REQUESTS.length * 2; i++) {
    const req = REQUESTS[i % REQUESTS.length];
    const path = PATHS[i % PATHS.length];
    const district = GUANGZHOU_DISTRICTS[(i * 7) % GUANGZHOU_DISTRICTS.length];
    const target = req.dept.startsWith('GZ-') ? req.dept : `${district.code}-${req.dept}`;
    const alternative = req.dept === 'UM' ? `${district.code}-HUD` : `${district.code}-UM`;
    clock.set(new Date(now.getTime() - path.hoursAgo * 3600_000));
    const jitter = (k: number) => ((Math.sin(i * 12.9898 + k) * 43758.5453) % 1) * 0.02;
    let t: Ticket = await tickets.create(rc(OPERATOR), {
      channel: [Channel.PHONE, Channel.WECHAT, Channel.WEB, Channel.APP, Channel.QR_CODE][i % 5],
      category: req.category,
      title: req.title,
      content: req.content,
      citizenName: ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊'][i % 6],
      citizenPhone: `13${8 - (i % 5)}${String(10_000_000 + i * 7_654_321).slice(-8)}`,
      citizenAddress: `${district.name}某某路${10 + i}号`,
      lat: district.lat + jitter(1),
      lng: district.lng + jitter(2),
      districtCode: district.code,
      urgency: req.urgent ? Urgency.URGENT : Urgency.NORMAL,
      accessNeeds: [],
    });
    const lead = () => codeById.get(t.leadDepartmentId!)!;
    for (const step of path.steps) {
      clock.advance(40 * 60_000);
      switch (step) {
        case 'dispatch':
          t = await tickets.dispatch(rc(OPERATOR), { ...ref(t), departmentCode: t.leadDepartmentId ? lead() : (t.rejectCount ? alternative : target) });
          break;
        case 'accept':
          t = await tickets.accept(rc(dept(lead())), ref(t));
          break;
        case 'start':
          t = await tickets.start(rc(dept(lead())), ref(t));
          break;
        case 'resolve':
          t = await tickets.resolve(rc(dept(lead())), { ...ref(t), reply: '经现场核查，问题已处理完毕，感谢您的反映。' });
          break;
        case 'satisfied':
          t = await tickets.returnVisit(rc(OPERATOR), { ...ref(t), satisfaction: Satisfaction.SATISFIED, resolution: Resolution.RESOLVED });
          break;
        case 'dissatisfied':
          t = await tickets.returnVisit(rc(OPERATOR), { ...ref(t), satisfaction: Satisfaction.DISSATISFIED, resolution: Resolution.NOT_RESOLVED, note: '市民表示问题仍未解决' });
          break;
        case 'reject':
          t = await tickets.reject(rc(dept(lead())), { ...ref(t), reason: '该事项不属于我单位职责范围' });
          break;
        case 'dispute':
          t = await tickets.disputeReject(rc(SUPERVISOR), { ...ref(t), reason: '按清单该事项属该单位职责' });
          break;
        case 'arbitrate':
          t = await tickets.arbitrate(rc(SUPERVISOR), { ...ref(t), departmentCode: target, decision: '依据民生诉求事项清单，由原单位主办' });
          break;
        case 'oncall':
          t = await tickets.resolveOnCall(rc(OPERATOR), { ...ref(t), reply: '已在电话中为市民解答。' });
          break;
        case 'extend':
          t = await tickets.requestExtension(rc(dept(lead())), { ...ref(t), days: 5, reason: '需协调多个部门现场处理' });
          break;
        case 'approve':
          t = await tickets.decideExtension(rc(SUPERVISOR), { ...ref(t), approve: true, note: '同意延期' });
          break;
        case 'merge':
          if (mergeTarget) t = await tickets.merge(rc(OPERATOR), { ...ref(t), parentId: toGlobalId('Ticket', mergeTarget.id), note: '同一事件重复反映' });
          break;
        case 'close':
          t = await tickets.close(rc(SUPERVISOR), { ...ref(t), note: '多次回访未接通' });
          break;
      }
    }
    if (i % PATHS.length === 4) mergeTarget = t;
    count++;
  }
  clock.set(new Date(now.getTime() - 10 * 60_000));
  for (const [k, call] of FRESH_CALLS.entries()) {
    const district = GUANGZHOU_DISTRICTS[(k * 3) % GUANGZHOU_DISTRICTS.length];
    clock.advance(60_000);
    await live.create(rc(OPERATOR), {
      channel: Channel.PHONE,
      category: TicketCategory.COMPLAINT,
      title: call.slice(0, 12),
      content: call,
      citizenPhone: `139${String(20_000_000 + k * 1_234_567).slice(-8)}`,
      districtCode: district.code,
      urgency: Urgency.NORMAL,
      accessNeeds: [],
    });
    count++;
  }
  return count;
}
