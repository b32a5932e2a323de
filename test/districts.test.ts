/**
 * The district of a place given by lat/lng alone: the one whose boundary holds the point where
 * boundaries are known, else the nearest centroid.
 */
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  // 海珠区's boundary, made up as a square round 滨江街道 (which lies nearer 越秀区's centroid)
  const half = 0.01;
  const [lat, lng] = [23.109, 113.288];
  const square = { type: 'Polygon', coordinates: [[[lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half], [lng - half, lat + half], [lng - half, lat - half]]] };
  await t.hub.orm.em.getConnection().execute(`update districts set boundary = ?::jsonb where code = '440105'`, [JSON.stringify(square)]);
});
afterAll(() => t.stop());

test('a point in a known boundary is in that district, not in the one with the nearest centroid', async () => {
  const operator = await t.token({ role: Role.OPERATOR, subject: 'op-1' });
  const take = async (lat: number, lng: number) => {
    const res = await t.raw(
      { query: 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { district { code } } }', variables: { i: { channel: 'PHONE', title: '井盖松动', content: '滨江东路人行道井盖松动，踩上去会响', lat, lng } } },
      { authorization: `Bearer ${operator}` },
    );
    expect(res.body.errors).toBeUndefined();
    return (res.body.data as { createTicket: { district: { code: string } } }).createTicket.district.code;
  };
  expect(await take(23.109, 113.288)).toBe('440105');
  // outside every known boundary: the nearest centroid, as before (天河)
  expect(await take(23.135, 113.33)).toBe('440106');
  // just outside 海珠's known boundary, nearer its centroid than any other: not 海珠, whose
  // boundary leaves the point out
  expect(await take(23.085, 113.318)).not.toBe('440105');
});
