/**
 * 模拟来电: deterministic, valid `createTicket` inputs, varied text, points that cluster.
 * Pure: no database, no network (the schema file is only read).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getVariableValues, parse, validate } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import { GUANGZHOU_DISTRICTS } from '../../seed/guangzhou';
import { AccessNeed, Channel, TicketCategory, Urgency } from '../../tickets/ticket.enums';
import { CITY_BOUNDS, CallGenerator, HOTSPOTS, distanceKm } from '../generator';
import type { GeneratedCall, MatterFamily } from '../generator';
import { CREATE_TICKET_MUTATION } from '../simulator';

const MOBILE = /^1[3-9]\d{9}$/;
const INPUT_FIELDS = new Set([
  'channel',
  'category',
  'title',
  'content',
  'citizenName',
  'citizenPhone',
  'citizenAddress',
  'lat',
  'lng',
  'districtCode',
  'urgency',
  'accessNeeds',
]);

function generate(seed: number, n: number): GeneratedCall[] {
  const generator = new CallGenerator(seed);
  return Array.from({ length: n }, () => generator.nextDetailed());
}

const SAMPLE = generate(7, 3000);
const DISTRICT_CODES = new Set<string>(GUANGZHOU_DISTRICTS.map((d) => d.code));

function nearestHotspotKm(p: { lat: number; lng: number }): number {
  return Math.min(...HOTSPOTS.map((s) => distanceKm(p, s)));
}

describe('CallGenerator', () => {
  test('the same seed gives the same calls; another seed, others', () => {
    const a = new CallGenerator(42);
    const b = new CallGenerator(42);
    const c = new CallGenerator(43);
    const first = Array.from({ length: 300 }, () => a.next());
    expect(Array.from({ length: 300 }, () => b.next())).toEqual(first);
    const other = Array.from({ length: 300 }, () => c.next());
    expect(other.filter((call, i) => call.content === first[i].content).length).toBeLessThan(30);
  });

  test('next() is nextDetailed().call', () => {
    const a = new CallGenerator(5);
    const b = new CallGenerator(5);
    for (let i = 0; i < 50; i++) expect(a.next()).toEqual(b.nextDetailed().call);
  });

  test('every call is a valid CreateTicketInput', () => {
    const problems: string[] = [];
    const expectThat = (ok: boolean, what: string, i: number) => {
      if (!ok) problems.push(`call ${i}: ${what}`);
    };
    SAMPLE.forEach(({ call }, i) => {
      const unknown = Object.keys(call).filter((key) => !INPUT_FIELDS.has(key));
      expectThat(unknown.length === 0, `unknown fields ${unknown.join(', ')}`, i);
      expectThat(Object.values(Channel).includes(call.channel), `channel ${call.channel}`, i);
      expectThat(Object.values(TicketCategory).includes(call.category), `category ${call.category}`, i);
      expectThat(Object.values(Urgency).includes(call.urgency), `urgency ${call.urgency}`, i);
      expectThat(call.title.trim() === call.title && call.title.length > 0 && call.title.length <= 200, `title "${call.title}"`, i);
      expectThat(call.content.trim().length > 0 && call.content.length <= 4000, `content "${call.content}"`, i);
      expectThat(!/undefined|null|NaN|\[object|\$\{/.test(`${call.title} ${call.content}`), `text "${call.title} ${call.content}"`, i);
      expectThat(DISTRICT_CODES.has(call.districtCode), `district ${call.districtCode}`, i);
      expectThat(call.lat > CITY_BOUNDS.south && call.lat < CITY_BOUNDS.north, `lat ${call.lat}`, i);
      expectThat(call.lng > CITY_BOUNDS.west && call.lng < CITY_BOUNDS.east, `lng ${call.lng}`, i);
      expectThat(call.citizenPhone === undefined || MOBILE.test(call.citizenPhone), `phone ${call.citizenPhone}`, i);
      const name = call.citizenName;
      expectThat(name === undefined || (name.length > 1 && name.length <= 64), `name ${name}`, i);
      expectThat(call.citizenAddress === undefined || call.citizenAddress.length <= 256, `address ${call.citizenAddress}`, i);
      const needs = call.accessNeeds ?? [];
      expectThat(needs.length <= 3 && needs.every((n) => Object.values(AccessNeed).includes(n)), `accessNeeds ${needs.join(',')}`, i);
    });
    expect(problems).toEqual([]);
    expect(SAMPLE.some((g) => g.call.citizenPhone !== undefined)).toBe(true);
  });

  test('the committed schema accepts the mutation and coerces every call as its input', () => {
    const schema = buildSchema(fs.readFileSync(path.join(__dirname, '../../../schema/schema.graphql'), 'utf8'));
    const document = parse(CREATE_TICKET_MUTATION);
    expect(validate(schema, document)).toEqual([]);
    const operation = document.definitions[0] as OperationDefinitionNode;
    for (const { call } of SAMPLE.slice(0, 500)) {
      const result = getVariableValues(schema, operation.variableDefinitions ?? [], { input: call });
      expect(result.errors).toBeUndefined();
    }
  });

  test('a point stays near its district: within 2.5 σ of the centroid, or at one of its hotspots', () => {
    for (const { call, hotspot } of SAMPLE) {
      if (hotspot) {
        expect(hotspot.districtCode).toBe(call.districtCode);
        expect(distanceKm(call, hotspot)).toBeLessThan(0.7);
      } else {
        const centroid = GUANGZHOU_DISTRICTS.find((d) => d.code === call.districtCode)!;
        expect(distanceKm(call, centroid)).toBeLessThan(10.5);
      }
    }
  });

  test('varied: many distinct texts, most matter families, every district and several channels', () => {
    const first500 = SAMPLE.slice(0, 500);
    expect(new Set(first500.map((g) => g.call.content)).size).toBeGreaterThanOrEqual(100);
    expect(new Set(first500.map((g) => g.call.title)).size).toBeGreaterThanOrEqual(60);
    expect(new Set(first500.map((g) => g.family)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(SAMPLE.map((g) => g.family)).size).toBeGreaterThanOrEqual(20);
    expect(new Set(SAMPLE.map((g) => g.call.districtCode))).toEqual(DISTRICT_CODES);
    expect(new Set(SAMPLE.map((g) => g.call.channel)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(SAMPLE.map((g) => g.call.category))).toEqual(new Set(Object.values(TicketCategory)));
  });

  test('realistic mix: common matters more often than rare ones, some urgent, some short, some anonymous', () => {
    const count = (family: MatterFamily) => SAMPLE.filter((g) => g.family === family).length;
    expect(count('CONSTRUCTION_NOISE')).toBeGreaterThan(3 * count('RAILWAY_NOISE'));
    expect(count('WAGES_LABOUR')).toBeGreaterThan(count('EXIT_ENTRY'));
    const share = (pred: (g: GeneratedCall) => boolean) => SAMPLE.filter(pred).length / SAMPLE.length;
    expect(share((g) => g.call.urgency === Urgency.URGENT)).toBeGreaterThan(0.03);
    expect(share((g) => g.call.urgency === Urgency.URGENT)).toBeLessThan(0.25);
    expect(share((g) => g.call.content.length <= 15)).toBeGreaterThan(0.03);
    expect(share((g) => g.call.channel === Channel.PHONE)).toBeGreaterThan(0.5);
    expect(share((g) => g.call.citizenPhone === undefined)).toBeGreaterThan(0.01);
    expect(share((g) => g.call.citizenName === undefined)).toBeGreaterThan(0.05);
  });

  test('wage arrears calls name how many workers, in digits or words', () => {
    const wages = SAMPLE.filter((g) => g.family === 'WAGES_LABOUR').map((g) => g.call.content);
    expect(wages.some((t) => /\d+名(员工|工人|工友|同事)/.test(t))).toBe(true);
    expect(wages.some((t) => /[二三四五六七八九]十多个(员工|工人|工友|同事)/.test(t))).toBe(true);
  });

  test('points cluster at the hotspots', () => {
    const near = SAMPLE.filter((g) => nearestHotspotKm(g.call) <= 1).length / SAMPLE.length;
    expect(near).toBeGreaterThan(0.2);
    // far more than the spread around the centroids alone puts there
    const spread = SAMPLE.filter((g) => !g.hotspot);
    const nearBySpread = spread.filter((g) => nearestHotspotKm(g.call) <= 1).length / spread.length;
    expect(near).toBeGreaterThan(nearBySpread + 0.08);
    // calls about a place gather there: the busiest hotspot draws far more than an even share
    const perHotspot = new Map<string, number>();
    for (const g of SAMPLE) if (g.hotspot) perHotspot.set(g.hotspot.name, (perHotspot.get(g.hotspot.name) ?? 0) + 1);
    expect(Math.max(...perHotspot.values())).toBeGreaterThan(SAMPLE.length / 100);
    // a call placed at a hotspot is about it
    for (const g of SAMPLE) if (g.hotspot) expect(g.call.content).toContain(g.hotspot.name);
    // a construction site hears about construction noise
    const site = SAMPLE.filter((g) => g.hotspot?.kind === 'CONSTRUCTION');
    expect(site.filter((g) => g.family === 'CONSTRUCTION_NOISE').length).toBeGreaterThan(site.length / 3);
  });

  test('hotspots lie inside the city, near their district, three or more per district', () => {
    for (const s of HOTSPOTS) {
      expect(s.lat).toBeGreaterThan(CITY_BOUNDS.south);
      expect(s.lat).toBeLessThan(CITY_BOUNDS.north);
      expect(s.lng).toBeGreaterThan(CITY_BOUNDS.west);
      expect(s.lng).toBeLessThan(CITY_BOUNDS.east);
      const centroid = GUANGZHOU_DISTRICTS.find((d) => d.code === s.districtCode)!;
      expect(distanceKm(s, centroid)).toBeLessThan(30);
    }
    for (const d of GUANGZHOU_DISTRICTS) expect(HOTSPOTS.filter((s) => s.districtCode === d.code).length).toBeGreaterThanOrEqual(3);
  });
});
