import type { EntityManager } from '@mikro-orm/postgresql';
import { Department, DepartmentLevel } from '../departments/department.entity';
import type { DepartmentKind } from '../departments/department.entity';
import type { Matter } from './matter.entity';

/** Where a ticket is: its district and, when the caller said, the point (WGS-84). */
export interface Place {
  districtId: string;
  lat?: number | null;
  lng?: number | null;
}

/** The departments with jurisdiction for a matter at a place (管辖). */
export interface Jurisdiction {
  /** 主办: null when no department has jurisdiction there, or the place does not say which one */
  lead: Department | null;
  /** 协办: the departments of the matter's co-handling kinds there, never the lead */
  coHandlers: Department[];
  /** how the place chose the lead among street offices, or why it could not; null otherwise */
  note: string | null;
}

/**
 * The levels a co-handling kind is looked for at, in order, by the matter's level: the matter's
 * own, then wider (a street matter's co-handler is the district branch when the kind has no
 * street-level office, else the city bureau), then narrower (a city matter co-handled by street
 * offices: the one of the ticket's place, 属地).
 */
const CO_HANDLER_LEVELS: Record<DepartmentLevel, DepartmentLevel[]> = {
  [DepartmentLevel.STREET]: [DepartmentLevel.STREET, DepartmentLevel.DISTRICT, DepartmentLevel.CITY],
  [DepartmentLevel.DISTRICT]: [DepartmentLevel.DISTRICT, DepartmentLevel.CITY, DepartmentLevel.STREET],
  [DepartmentLevel.CITY]: [DepartmentLevel.CITY, DepartmentLevel.DISTRICT, DepartmentLevel.STREET],
};

/**
 * The part of the directory that can have jurisdiction in one district: the city bureaus and the
 * district's own branches and street offices (with their seats and areas), indexed by kind and
 * level, each list by code. Built from one query; resolving against it reads nothing more.
 */
export class JurisdictionDirectory {
  private readonly index = new Map<string, Department[]>();

  constructor(
    readonly districtId: string,
    departments: readonly Department[],
  ) {
    const sorted = [...departments].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    for (const d of sorted) {
      if (d.level !== DepartmentLevel.CITY && d.districtId !== districtId) continue;
      const key = `${d.kind}|${d.level}`;
      const list = this.index.get(key);
      if (list) list.push(d);
      else this.index.set(key, [d]);
    }
  }

  /** The city bureaus and the district's departments, with the street offices' areas (one query). */
  static async load(em: EntityManager, districtId: string): Promise<JurisdictionDirectory> {
    // a fork: departments the caller's unit of work already holds were read without their area
    const rows = await em.fork().find(
      Department,
      { $or: [{ level: DepartmentLevel.CITY }, { districtId }] },
      { populate: ['boundary'], orderBy: { code: 'asc' } },
    );
    return new JurisdictionDirectory(districtId, rows);
  }

  /** The city bureaus alone: for a text whose place is not known yet (no district's branches). */
  static async loadCity(em: EntityManager): Promise<JurisdictionDirectory> {
    const rows = await em.fork().find(Department, { level: DepartmentLevel.CITY }, { orderBy: { code: 'asc' } });
    return new JurisdictionDirectory('', rows);
  }

  /** Departments of a kind at a level here (city bureaus, or the district's), by code. */
  of(kind: DepartmentKind, level: DepartmentLevel): readonly Department[] {
    return this.index.get(`${kind}|${level}`) ?? [];
  }
}

/**
 * 主办 and 协办 for a matter at a place:
 * - the lead is of the matter's kind at exactly the matter's level — the city bureau, the branch
 *   in the ticket's district, or the street office of the ticket's place (`streetOffice`);
 * - each co-handling kind resolves at the matter's level too, or where the kind has no
 *   department there, at the nearest level that has one (`CO_HANDLER_LEVELS`); a kind with no
 *   department here at all, or a street office the place cannot tell, is left out.
 */
export function resolveJurisdiction(
  matter: Pick<Matter, 'departmentKind' | 'level' | 'coHandlingKinds'>,
  place: Place,
  directory: JurisdictionDirectory,
): Jurisdiction {
  if (!matter.departmentKind || !matter.level) return { lead: null, coHandlers: [], note: null };
  let lead: Department | null;
  let note: string | null = null;
  const candidates = directory.of(matter.departmentKind, matter.level);
  if (matter.level === DepartmentLevel.STREET) {
    ({ office: lead, note } = streetOffice(candidates, place));
  } else {
    lead = candidates[0] ?? null;
  }
  const coHandlers: Department[] = [];
  for (const kind of matter.coHandlingKinds) {
    for (const level of CO_HANDLER_LEVELS[matter.level]) {
      const found = directory.of(kind, level);
      if (!found.length) continue;
      const d = level === DepartmentLevel.STREET ? streetOffice(found, place).office : found[0];
      if (d && d.id !== lead?.id && !coHandlers.some((c) => c.id === d.id)) coHandlers.push(d);
      break;
    }
  }
  return { lead, coHandlers, note };
}

/**
 * The street office (街道办事处) of a place among a district's: the one whose area holds the point;
 * else the one whose seat is nearest to it; a district with a single street office needs no
 * point. Without a point (or with no seat or area known) among several, none: guessing would
 * send the ticket to the wrong street, and a reject costs more than a manual dispatch.
 */
export function streetOffice(offices: readonly Department[], place: Place): { office: Department | null; note: string | null } {
  if (!offices.length) return { office: null, note: null };
  const located = place.lat != null && place.lng != null;
  if (located) {
    const lat = place.lat!;
    const lng = place.lng!;
    const inside = offices.find((o) => areaHolds(o, lat, lng));
    if (inside) return { office: inside, note: 'street office whose area holds the place' };
    const k = Math.cos((lat * Math.PI) / 180);
    const nearest = (candidates: readonly Department[]) => {
      let best: Department | null = null;
      let bestD = Infinity;
      for (const o of candidates) {
        if (o.lat == null || o.lng == null) continue;
        const dist = (o.lat - lat) ** 2 + ((o.lng - lng) * k) ** 2;
        if (dist < bestD) [best, bestD] = [o, dist];
      }
      return best;
    };
    // an office whose known area does not hold the point has said it is not this one's
    const unmapped = nearest(offices.filter((o) => !hasArea(o)));
    if (unmapped) return { office: unmapped, note: 'street office whose seat is nearest the place (no known area holds it)' };
    const any = nearest(offices);
    if (any) return { office: any, note: 'street office whose seat is nearest the place (no known area holds it, its own included)' };
  }
  if (offices.length === 1) return { office: offices[0], note: 'the only street office of the district' };
  return {
    office: null,
    note: located
      ? `none of the district's ${offices.length} street offices has a known seat or area: name one`
      : `no location: the district has ${offices.length} street offices; give the place (lat/lng) or name one`,
  };
}

type Ring = number[][];
interface Area {
  /** south, west, north, east */
  box: [number, number, number, number];
  polygons: Ring[][];
}

/** Something with an area: a street office (辖区) or a district. */
interface Mapped {
  boundary?: unknown;
}

const areas = new WeakMap<Mapped, Area | null>();

function areaOf(d: Mapped): Area | null {
  let area = areas.get(d);
  if (area === undefined) {
    area = parseArea(d.boundary);
    areas.set(d, area);
  }
  return area;
}

/** Is its area known? */
export function hasArea(d: Mapped): boolean {
  return areaOf(d) !== null;
}

/** Does its area (GeoJSON Polygon or MultiPolygon, [lng, lat]; false when none is known) hold the point? */
export function areaHolds(d: Mapped, lat: number, lng: number): boolean {
  const area = areaOf(d);
  if (!area) return false;
  const [s, w, n, e] = area.box;
  if (lat < s || lat > n || lng < w || lng > e) return false;
  // even-odd rule over the outer ring and its holes, for each polygon
  return area.polygons.some((rings) => rings.reduce((inside, ring) => (ringHolds(ring, lat, lng) ? !inside : inside), false));
}

function ringHolds(ring: Ring, lat: number, lng: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A GeoJSON geometry (or a Feature holding one) as polygons of rings; null when it is not an area. */
export function parseArea(geometry: unknown): Area | null {
  if (!geometry || typeof geometry !== 'object') return null;
  const g = geometry as { type?: unknown; coordinates?: unknown; geometry?: unknown };
  if (g.type === 'Feature') return parseArea(g.geometry);
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : null;
  if (!Array.isArray(polygons) || !polygons.length) return null;
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const rings of polygons) {
    if (!Array.isArray(rings) || !rings.length) return null;
    for (const ring of rings) {
      if (!Array.isArray(ring) || ring.length < 4) return null;
      for (const p of ring) {
        if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number') return null;
        const [lng, lat] = p as number[];
        box[0] = Math.min(box[0], lat);
        box[1] = Math.min(box[1], lng);
        box[2] = Math.max(box[2], lat);
        box[3] = Math.max(box[3], lng);
      }
    }
  }
  return { box, polygons: polygons as Ring[][] };
}
