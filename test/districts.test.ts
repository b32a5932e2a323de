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

test('with every district’s boundary known, a point in none of them (a neighbouring city’s) is refused', async () => {
  const operator = await t.token({ role: Role.OPERATOR, subject: 'op-2' });
  const sql = t.hub.orm.em.getConnection();
  const saved = await sql.execute<{ code: string; boundary: unknown }[]>('select code, boundary from districts');
  // each district a small square round its centroid (the rest of the city, for this test, in none)
  await sql.execute(
    `update districts set boundary = jsonb_build_object('type', 'Polygon', 'coordinates', jsonb_build_array(jsonb_build_array(
       jsonb_build_array(centroid_lng - 0.05, centroid_lat - 0.05), jsonb_build_array(centroid_lng + 0.05, centroid_lat - 0.05),
       jsonb_build_array(centroid_lng + 0.05, centroid_lat + 0.05), jsonb_build_array(centroid_lng - 0.05, centroid_lat + 0.05),
       jsonb_build_array(centroid_lng - 0.05, centroid_lat - 0.05))))`,
  );
  t.hub.services.departments.forgetDirectory();
  try {
    const preview = async (lat: number, lng: number) =>
      (await t.raw({ query: 'query($lat: Float, $lng: Float) { routingPreview(text: "路灯不亮", lat: $lat, lng: $lng) { matterCode } }', variables: { lat, lng } }, { authorization: `Bearer ${operator}` })).body;
    // 佛山禅城 (Foshan), inside Guangzhou's bounding box
    const foshan = await preview(23.0215, 113.1214);
    expect(foshan.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lat' });
    expect(foshan.errors?.[0].message).toMatch(/none of the city's districts/);
  } finally {
    for (const d of saved) await sql.execute('update districts set boundary = ?::jsonb where code = ?', [d.boundary == null ? null : JSON.stringify(d.boundary), d.code]);
    t.hub.services.departments.forgetDirectory();
  }
});
