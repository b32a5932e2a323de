import { latLngToCell } from 'h3-js';
import WebSocket from 'ws';
import { print } from 'graphql';
import { CreateTicketDocument, HeatmapDocument, HeatmapGeoJsonDocument, HeatmapLiveBetweenDocument, HeatmapLiveDocument, RedispatchTicketDocument } from './generated/graphql';
import { ManualClock } from '../src/shared/clock';
import { HeatmapService } from '../src/analytics/heatmap.service';
import type { HeatmapSpec } from '../src/analytics/heatmap.service';
import type { RequestContext } from '../src/app/context';
import { createLoaders } from '../src/app/loaders';
import { Pool } from 'pg';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(60_000);

const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
let t: TestHub;
let operator: string;

// three places: two in one res-8 cell in Tianhe, one in Liwan
const TIANHE = { lat: 23.1246, lng: 113.3612, districtCode: '440106' };
const TIANHE_NEAR = { lat: 23.1247, lng: 113.3613, districtCode: '440106' };
const LIWAN = { lat: 23.1259, lng: 113.2442, districtCode: '440103' };

beforeAll(async () => {
  t = await startTestHub({ clock, dutyList: true, env: { HEATMAP_INDEX_GRACE_MS: '0' } });
  operator = await t.token({ role: Role.OPERATOR });
});
afterAll(() => t.stop());

async function intake(at: Date, place: { lat: number; lng: number; districtCode: string }, matterCode = 'CITY.STREETLIGHT') {
  clock.set(at);
  const { createTicket } = await t.ok(
    CreateTicketDocument,
    { input: { channel: 'PHONE', title: '路灯', content: '路灯不亮', ...place, matterCode } },
    operator,
  );
  return createTicket;
}

/** Waits until every committed event is positioned, delivered here and rolled up. */
async function current(): Promise<void> {
  const sql = t.hub.orm.em.getConnection();
  for (;;) {
    const [{ n, max }] = await sql.execute<{ n: string; max: string | null }[]>(
      'select count(*) filter (where position is null) as n, max(position)::text as max from outbox_events',
    );
    if (Number(n) === 0) {
      if (max) await t.hub.stream.reached(max);
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await t.hub.rollups.drain();
}

const asMap = (cells: { cell: string; count: number }[]) => Object.fromEntries(cells.map((c) => [c.cell, c.count]));

describe('heatmap query', () => {
  const base = Date.parse('2026-03-02T01:00:00Z');
  beforeAll(async () => {
    // 3 days of tickets at uneven times, so windows cut days and hours in the middle
    const places = [TIANHE, TIANHE_NEAR, LIWAN];
    for (let i = 0; i < 36; i++) {
      await intake(new Date(base + i * 2 * 3_600_000 + (i % 7) * 7 * 60_000), places[i % 3]);
    }
    clock.set(new Date(base + 72 * 3_600_000 + 25 * 60_000)); // now: 72h25m after the first
    await current();
  });

  test('two nearby tickets share a cell; counts match a GROUP BY over the tickets for every window', async () => {
    expect(latLngToCell(TIANHE.lat, TIANHE.lng, 8)).toBe(latLngToCell(TIANHE_NEAR.lat, TIANHE_NEAR.lng, 8));
    const now = clock.now().getTime();
    const windows: [Record<string, unknown>, number, number][] = [
      [{ window: 'LAST_HOUR' }, now - 3_600_000, now],
      [{ window: 'LAST_24H' }, now - 86_400_000, now],
      [{ window: 'LAST_7D' }, now - 7 * 86_400_000, now],
      [{ from: '2026-03-02T03:17:00Z', to: '2026-03-04T10:05:00Z' }, Date.parse('2026-03-02T03:17:00Z'), Date.parse('2026-03-04T10:05:00Z')],
      [{ from: '2026-03-03T05:10:00Z', to: '2026-03-03T05:50:00Z' }, Date.parse('2026-03-03T05:10:00Z'), Date.parse('2026-03-03T05:50:00Z')],
    ];
    for (const res of [8, 7]) {
      for (const [args, from, to] of windows) {
        const { heatmap } = await t.ok(HeatmapDocument, { ...args, resolution: res }, operator);
        const spec: HeatmapSpec = { window: null, from: new Date(from), to: new Date(to), resolution: res, districtIds: null, matterIds: null };
        const expected = Object.fromEntries(await t.hub.services.heatmaps.countsFromTickets(spec));
        expect([JSON.stringify(args), res, asMap(heatmap.cells)]).toEqual([JSON.stringify(args), res, expected]);
        expect(heatmap.total).toBe(Object.values(expected).reduce((a, b) => a + b, 0));
      }
    }
    const { heatmap: week } = await t.ok(HeatmapDocument, { window: 'LAST_7D' }, operator);
    expect(week.total).toBe(36);
    expect(week.cells).toHaveLength(2);
    expect(week.cells[0]).toMatchObject({ cell: latLngToCell(TIANHE.lat, TIANHE.lng, 8), count: 24 });
    expect(week.cells[0].lat).toBeCloseTo(TIANHE.lat, 2);
  });

  test('whole-city windows from the in-memory index equal the GROUP BY — fed by the stream, and loaded from the tickets table', async () => {
    await t.hub.services.heatmaps.indexReady();
    const now = clock.now().getTime();
    const windows: [number, number][] = [
      [now - 3_600_000, now],
      [now - 86_400_000, now],
      [now - 3 * 86_400_000 + 17 * 60_000, now - 3_600_000 + 5 * 60_000],
    ];
    const spec = (from: number, to: number, resolution = 8): HeatmapSpec => ({ window: null, from: new Date(from), to: new Date(to), resolution, districtIds: null, matterIds: null });
    for (const [from, to] of windows) {
      for (const res of [8, 7]) {
        expect(Object.fromEntries(await t.hub.services.heatmaps.counts(spec(from, to, res)))).toEqual(
          Object.fromEntries(await t.hub.services.heatmaps.countsFromTickets(spec(from, to, res))),
        );
      }
    }
    // a process started later holds the same tickets, read from the table
    const pool = new Pool({ connectionString: t.databaseUrl, max: 2 });
    try {
      const later = new HeatmapService(new ManualClock(new Date(now + 60_000)), 8, { retentionMs: 8 * 86_400_000, graceMs: 0 });
      later.attach(async (text, params) => (await pool.query(text, params)).rows);
      later.startIndex();
      await later.indexReady();
      for (const [from, to] of windows) {
        expect(Object.fromEntries(await later.counts(spec(from, to)))).toEqual(Object.fromEntries(await t.hub.services.heatmaps.countsFromTickets(spec(from, to))));
      }
    } finally {
      await pool.end();
    }
  });

  test('GeoJSON: one closed hexagon per cell with its count', async () => {
    const { heatmap } = await t.ok(HeatmapGeoJsonDocument, { window: 'LAST_7D' }, operator);
    const fc = heatmap.geojson as { type: string; features: { geometry: { type: string; coordinates: number[][][] }; properties: { count: number } }[] };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(2);
    for (const f of fc.features) {
      const ring = f.geometry.coordinates[0];
      expect(f.geometry.type).toBe('Polygon');
      expect(ring.length).toBe(7); // 6 corners, closed
      expect(ring[0]).toEqual(ring[6]);
      expect(ring[0][0]).toBeGreaterThan(113); // [lng, lat]
    }
    expect(fc.features.map((f) => f.properties.count).sort()).toEqual([12, 24]);
  });

  test('a district office gets its districts only; analysts get aggregates; the rest is refused with codes', async () => {
    const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440103'] });
    const { heatmap } = await t.ok(HeatmapDocument, { window: 'LAST_7D' }, office);
    expect(heatmap.total).toBe(12);
    expect(heatmap.cells.map((c) => c.cell)).toEqual([latLngToCell(LIWAN.lat, LIWAN.lng, 8)]);
    const other = await t.gql(HeatmapDocument, { window: 'LAST_7D', districtCodes: ['440106'] }, office);
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const analyst = await t.token({ role: Role.ANALYST });
    expect((await t.ok(HeatmapDocument, { window: 'LAST_7D' }, analyst)).heatmap.total).toBe(36);
    // a department maps its own kind of matters in its district: the Liwan street lights are
    // urban management's, not the ecology bureau's
    const lights = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440103-UM', subject: 'um-liwan' });
    expect((await t.ok(HeatmapDocument, { window: 'LAST_7D' }, lights)).heatmap.total).toBe(12);
    const ecology = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440103-EEB', subject: 'eeb-liwan' });
    expect((await t.ok(HeatmapDocument, { window: 'LAST_7D' }, ecology)).heatmap.total).toBe(0);
    const asked = await t.gql(HeatmapDocument, { window: 'LAST_7D', matterCodes: ['CITY.STREETLIGHT'] }, ecology);
    expect(asked.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bad: [Record<string, unknown>, string][] = [
      [{ resolution: 12 }, 'resolution'],
      [{ from: '2026-03-02T00:00:00Z' }, 'to'],
      [{ window: 'LAST_HOUR', from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' }, 'window'],
      [{ from: '2026-03-03T00:00:00Z', to: '2026-03-02T00:00:00Z' }, 'to'],
      [{ districtCodes: ['999999'] }, 'districtCodes'],
      [{ matterCodes: ['NO.SUCH'] }, 'matterCodes'],
    ];
    for (const [args, field] of bad) {
      const res = await t.gql(HeatmapDocument, args, operator);
      expect([field, res.errors?.[0].extensions]).toEqual([field, expect.objectContaining({ code: 'BAD_USER_INPUT', field })]);
    }
    expect((await t.gql(HeatmapDocument, {}, undefined)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a matter filter follows re-routing: the ticket moves from one matter’s map to the other', async () => {
    const at = new Date(clock.now().getTime() - 10 * 60_000);
    const tk = await intake(at, LIWAN, 'NOISE.CONSTRUCTION');
    clock.set(new Date(at.getTime() + 10 * 60_000));
    await current();
    const noise = async () => (await t.ok(HeatmapDocument, { window: 'LAST_24H', matterCodes: ['NOISE'] }, operator)).heatmap.total;
    const lights = async () => (await t.ok(HeatmapDocument, { window: 'LAST_24H', matterCodes: ['CITY.STREETLIGHT'] }, operator)).heatmap.total;
    const [n0, l0] = [await noise(), await lights()];
    expect(n0).toBe(1);
    await t.ok(RedispatchTicketDocument, { input: { id: tk.id, expectedVersion: tk.version, matterCode: 'CITY.STREETLIGHT', reason: '其实是路灯问题' } }, operator);
    await current();
    expect([await noise(), await lights()]).toEqual([0, l0 + 1]);
  });
});

describe('heatmap subscription', () => {
  interface Frame {
    raw: string;
    at: number;
  }
  async function socket(token: string): Promise<{ ws: WebSocket; frames: Frame[]; send: (m: unknown) => void }> {
    const ws = new WebSocket(t.hub.wsUrl.replace('localhost', '127.0.0.1'), 'graphql-transport-ws');
    const frames: Frame[] = [];
    ws.on('message', (d) => frames.push({ raw: d.toString(), at: Date.now() }));
    await new Promise((r) => ws.once('open', r));
    const send = (m: unknown) => ws.send(JSON.stringify(m));
    send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    await until(() => frames.some((f) => f.raw.includes('connection_ack')));
    return { ws, frames, send };
  }
  async function until(cond: () => boolean, ms = 8000) {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const nexts = (frames: Frame[], id: string) => frames.filter((f) => f.raw.startsWith(`{"id":"${id}","type":"next"`));
  const payloadOf = (f: Frame) => f.raw.slice(f.raw.indexOf('"payload":') + 10, -1);

  test('a snapshot, then deltas at most twice a second, the same bytes for identical subscriptions', async () => {
    clock.set(new Date('2026-03-10T02:00:00Z'));
    const a = await socket(operator);
    const b = await socket(operator);
    const query = print(HeatmapLiveDocument);
    a.send({ id: 'one', type: 'subscribe', payload: { query, variables: { window: 'LAST_HOUR' } } });
    b.send({ id: 'two', type: 'subscribe', payload: { query, variables: { window: 'LAST_HOUR' } } });
    await until(() => nexts(a.frames, 'one').length === 1 && nexts(b.frames, 'two').length === 1);
    const snap = JSON.parse(payloadOf(nexts(a.frames, 'one')[0])) as { data: { heatmap: { kind: string; total: number } } };
    expect(snap.data.heatmap).toMatchObject({ kind: 'SNAPSHOT', total: 0 });
    expect(t.hub.services.heatmapLive.stats()).toEqual({ groups: 1, subscribers: 2 });

    for (let i = 0; i < 8; i++) {
      await intake(new Date(clock.now().getTime() + 1000), i % 2 ? TIANHE : LIWAN);
      await new Promise((r) => setTimeout(r, 60));
    }
    await until(() => {
      const last = nexts(a.frames, 'one').at(-1);
      return !!last && (JSON.parse(payloadOf(last)) as { data: { heatmap: { total: number } } }).data.heatmap.total === 8;
    });
    const deltasA = nexts(a.frames, 'one').slice(1);
    const deltasB = nexts(b.frames, 'two').slice(1);
    expect(deltasA.length).toBeGreaterThan(0);
    // ≤ 2 updates a second: 8 tickets over ~0.5 s become at most a few updates, spaced ≥ ~0.5 s
    expect(deltasA.length).toBeLessThan(8);
    for (let i = 1; i < deltasA.length; i++) expect(deltasA[i].at - deltasA[i - 1].at).toBeGreaterThanOrEqual(400);
    await until(() => nexts(b.frames, 'two').length === nexts(a.frames, 'one').length);
    expect(deltasB.map(payloadOf)).toEqual(deltasA.map(payloadOf));
    const cells = deltasA.flatMap((f) => (JSON.parse(payloadOf(f)) as { data: { heatmap: { kind: string; cells: { cell: string; count: number }[] } } }).data.heatmap);
    expect(cells.every((h) => h.kind === 'DELTA')).toBe(true);
    const final: Record<string, number> = {};
    for (const h of cells) for (const c of h.cells) final[c.cell] = c.count;
    expect(final).toEqual({ [latLngToCell(TIANHE.lat, TIANHE.lng, 8)]: 4, [latLngToCell(LIWAN.lat, LIWAN.lng, 8)]: 4 });

    // completing one leaves the other; the group ends with its last member
    a.send({ id: 'one', type: 'complete' });
    await until(() => t.hub.services.heatmapLive.stats().subscribers === 1);
    b.ws.close();
    await until(() => t.hub.services.heatmapLive.stats().groups === 0);
    a.ws.close();
  });

  test('bad arguments are refused on that operation; the socket goes on serving', async () => {
    const s = await socket(await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440103'] }));
    const query = print(HeatmapLiveDocument);
    s.send({ id: 'bad', type: 'subscribe', payload: { query, variables: { resolution: 12 } } });
    s.send({ id: 'other', type: 'subscribe', payload: { query, variables: { districtCodes: ['440106'] } } });
    s.send({ id: 'good', type: 'subscribe', payload: { query, variables: { window: 'LAST_24H' } } });
    await until(() => s.frames.some((f) => f.raw.includes('"good"')) && s.frames.filter((f) => f.raw.includes('"bad"') || f.raw.includes('"other"')).length >= 2);
    const errorOf = (id: string) => JSON.parse(s.frames.find((f) => f.raw.includes(`"${id}"`))!.raw) as { payload: { errors?: { extensions: { code: string } }[] } | { extensions: { code: string } }[] };
    const code = (id: string) => {
      const p = errorOf(id).payload;
      return (Array.isArray(p) ? p : p.errors!)[0].extensions.code;
    };
    expect(code('bad')).toBe('BAD_USER_INPUT');
    expect(code('other')).toBe('FORBIDDEN');
    const good = JSON.parse(payloadOf(nexts(s.frames, 'good')[0])) as { data: { heatmap: { kind: string } } };
    expect(good.data.heatmap.kind).toBe('SNAPSHOT');
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    s.ws.close();
  });
  type Filter = { districtCodes?: string[]; matterCodes?: string[]; resolution?: number };
  interface RaceSubscription {
    query: string;
    variables: Record<string, unknown>;
    /** the window the final counts must match, read from the tickets (null `from`: the relative window's, at the end) */
    truth: Filter & { from: string | null; to: string; window?: string };
  }
  const RACE_PLACES = [TIANHE, LIWAN, { lat: 23.1371, lng: 113.3282, districtCode: '440106' }, { lat: 23.118, lng: 113.263, districtCode: '440103' }];

  /**
   * Rounds of: tickets coming in from three callers at once (a third re-routed right after
   * intake), the subscriptions opened all at once meanwhile, then — with every event delivered
   * and rolled up — each client's map (its snapshot with the deltas after it) compared with a
   * GROUP BY over the tickets. Returns what differed.
   */
  async function race(o: { rounds: number; at: (k: number) => Date; subscriptions: (round: number) => RaceSubscription[]; recount?: boolean }) {
    const em = t.hub.orm.em.fork();
    const rc: RequestContext = { viewer: { role: Role.OPERATOR, subject: 'test', districtCodes: [] }, em, loaders: createLoaders(em) };
    const WINDOW_MS: Record<string, number> = { LAST_HOUR: 3_600_000, LAST_24H: 86_400_000, LAST_7D: 7 * 86_400_000 };
    const truthOf = async ({ window, ...a }: RaceSubscription['truth']) => {
      const from = a.from ? new Date(a.from) : new Date(clock.now().getTime() - WINDOW_MS[window!]);
      const spec = await t.hub.services.heatmaps.spec(rc, { ...a, from, to: new Date(a.to) });
      const cells = Object.fromEntries([...(await t.hub.services.heatmaps.countsFromTickets(spec))].sort());
      return { total: Object.values(cells).reduce((x, y) => x + y, 0), cells };
    };
    const seen = (frames: Frame[]) => {
      let cells: Record<string, number> = {};
      let total = -1;
      for (const f of nexts(frames, 'race')) {
        const h = (JSON.parse(payloadOf(f)) as { data: { heatmap: { kind: string; total: number; cells: { cell: string; count: number }[] } } }).data.heatmap;
        if (h.kind === 'SNAPSHOT') cells = {};
        for (const c of h.cells) {
          if (c.count) cells[c.cell] = c.count;
          else delete cells[c.cell];
        }
        total = h.total;
      }
      return { total, cells: Object.fromEntries(Object.entries(cells).sort()) };
    };
    const live = t.hub.services.heatmapLive;
    const result = { wrong: [] as string[], subscriptions: 0, tickets: 0, rerouted: 0, recounts: 0 };
    for (let round = 0; round < o.rounds; round++) {
      let stop = false;
      const callers = Array.from({ length: 3 }, async (_, w) => {
        for (let n = 0; !stop; n++) {
          const k = result.tickets++;
          clock.set(o.at(k));
          const noise = k % 3 === 0;
          const input = { channel: 'PHONE' as const, title: '路灯', content: `第${round}轮 ${w}-${n} 路灯不亮`, ...RACE_PLACES[k % RACE_PLACES.length], matterCode: noise ? 'NOISE.CONSTRUCTION' : 'CITY.STREETLIGHT' };
          const { createTicket } = await t.ok(CreateTicketDocument, { input }, operator);
          if (noise) {
            const r = await t.gql(RedispatchTicketDocument, { input: { id: createTicket.id, expectedVersion: createTicket.version, matterCode: 'CITY.STREETLIGHT', reason: '其实是路灯问题' } }, operator);
            if (!r.errors) result.rerouted++;
          }
        }
      });
      // relative windows recounted (as their timers do) over and over while tickets come in
      const recounting = (async () => {
        while (o.recount && !stop) {
          await live.refreshWindows();
          result.recounts++;
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await new Promise((r) => setTimeout(r, 150));
      const subs = await Promise.all(
        o.subscriptions(round).map(async (sub) => {
          const s = await socket(operator);
          s.send({ id: 'race', type: 'subscribe', payload: { query: sub.query, variables: sub.variables } });
          return { ...s, ...sub };
        }),
      );
      result.subscriptions += subs.length;
      await until(() => subs.every((s) => nexts(s.frames, 'race').length > 0), 15_000);
      await new Promise((r) => setTimeout(r, 200));
      stop = true;
      await Promise.all([...callers, recounting]);
      await current();
      // the windows moved to the clock's last time, which the truth uses
      if (o.recount) await live.refreshWindows();

      const expected = await Promise.all(subs.map((s) => truthOf(s.truth)));
      // deltas leave at most twice a second
      await until(() => subs.every((s, i) => JSON.stringify(seen(s.frames)) === JSON.stringify(expected[i])), 3000).catch(() => undefined);
      subs.forEach((s, i) => {
        const got = seen(s.frames);
        if (JSON.stringify(got) !== JSON.stringify(expected[i])) result.wrong.push(`round ${round} ${JSON.stringify(s.variables)}: ${JSON.stringify(got)}, expected ${JSON.stringify(expected[i])}`);
      });
      for (const s of subs) s.ws.close();
      await until(() => live.stats().groups === 0);
    }
    return result;
  }

  test('subscriptions opened while tickets come in end with the database’s counts: every ticket counted once', async () => {
    // fixed windows whose tickets fall in each part the service reads differently: part-hours
    // from the tickets at both edges, hours from heatmap_hourly, a day from heatmap_daily
    const FROM = Date.parse('2026-03-30T10:17:00Z');
    const TO = '2026-04-02T10:43:00Z';
    const times = ['2026-03-30T10:30:00Z', '2026-03-30T15:10:00Z', '2026-04-01T12:00:00Z', '2026-04-02T05:20:00Z', '2026-04-02T10:20:00Z'].map((s) => new Date(s));
    // whole city (the in-memory index), and filtered (the database)
    const filters: Filter[] = [
      { districtCodes: ['440106', '440103'] },
      { districtCodes: ['440106'], resolution: 7 },
      { districtCodes: ['440106', '440103'], matterCodes: ['CITY.STREETLIGHT'] },
      { matterCodes: ['NOISE.CONSTRUCTION'] },
      {},
    ];
    const r = await race({
      rounds: 3,
      at: (k) => times[k % times.length],
      // windows a second apart: each subscription its own group, each group its own snapshot
      subscriptions: (round) =>
        Array.from({ length: 25 }, (_, i) => {
          const variables = { ...filters[i % filters.length], from: new Date(FROM + (round * 25 + i) * 1000).toISOString(), to: TO };
          return { query: print(HeatmapLiveBetweenDocument), variables, truth: variables };
        }),
    });
    expect(r.rerouted).toBeGreaterThan(0);
    expect(r.wrong).toEqual([]);
  });

  test('relative windows recounted while tickets come in keep the database’s counts', async () => {
    // the clock only moves on (a ticket every 90 s): the last hour leaves tickets behind as they come
    const START = Date.parse('2026-05-01T08:00:00Z');
    const windows = ['LAST_HOUR', 'LAST_24H', 'LAST_7D'];
    const filters: Filter[] = [{}, { resolution: 7 }, { districtCodes: ['440106', '440103'] }, { districtCodes: ['440103'], resolution: 6 }];
    const r = await race({
      rounds: 3,
      at: (k) => new Date(START + k * 90_000),
      recount: true,
      subscriptions: () =>
        windows.flatMap((window) =>
          filters.map((f) => ({ query: print(HeatmapLiveDocument), variables: { ...f, window }, truth: { ...f, window, from: null, to: '2026-06-01T00:00:00Z' } })),
        ),
    });
    expect(r.recounts).toBeGreaterThan(0);
    expect(r.wrong).toEqual([]);
  });
});
