/**
 * Filters by matter: a category code stands for every matter under it, however deep the duty
 * list's tree (heatmaps and live ticket events filter with it).
 */
import type { RequestContext } from '../src/app/context';
import { matterIdsFor } from '../src/auth/scope';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.stop());

const list = {
  notes: '三级事项',
  matters: [
    { code: 'CITY', name: '城市管理' },
    { code: 'CITY.LIGHT', parentCode: 'CITY', name: '路灯' },
    { code: 'CITY.LIGHT.OUT', parentCode: 'CITY.LIGHT', name: '路灯不亮', departmentKind: 'URBAN_MANAGEMENT', level: 'DISTRICT', keywords: ['路灯'] },
    { code: 'CITY.LIGHT.POLE', parentCode: 'CITY.LIGHT', name: '灯杆倾斜', departmentKind: 'URBAN_MANAGEMENT', level: 'DISTRICT', keywords: ['灯杆'] },
    { code: 'CITY.ROAD', parentCode: 'CITY', name: '道路破损', departmentKind: 'URBAN_MANAGEMENT', level: 'DISTRICT', keywords: ['路面'] },
    { code: 'WATER', name: '供水', departmentKind: 'WATER', level: 'CITY', keywords: ['停水'] },
  ],
};

test('a category code covers its matters at every depth; a leaf only itself; an unknown code is a coded error', async () => {
  const supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-1' });
  const res = await t.raw(
    { query: 'mutation($c: String!) { importDutyList(format: JSON, content: $c) { number } }', variables: { c: JSON.stringify(list) } },
    { authorization: `Bearer ${supervisor}` },
  );
  expect(res.body.errors).toBeUndefined();
  const rc = { em: t.hub.orm.em.fork() } as unknown as RequestContext;
  const codesOf = async (codes: string[]) => {
    const ids = await matterIdsFor(rc, codes, 'matterCodes');
    const rows = await t.hub.orm.em.fork().getConnection().execute<{ code: string }[]>('select code from matters where id in (?) order by code', [ids]);
    return rows.map((r) => r.code);
  };
  expect(await codesOf(['CITY'])).toEqual(['CITY', 'CITY.LIGHT', 'CITY.LIGHT.OUT', 'CITY.LIGHT.POLE', 'CITY.ROAD']);
  expect(await codesOf(['CITY.LIGHT'])).toEqual(['CITY.LIGHT', 'CITY.LIGHT.OUT', 'CITY.LIGHT.POLE']);
  expect(await codesOf(['CITY.ROAD', 'WATER'])).toEqual(['CITY.ROAD', 'WATER']);
  await expect(matterIdsFor(rc, ['CITY', 'NO.SUCH'], 'matterCodes')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'matterCodes' } });
});
