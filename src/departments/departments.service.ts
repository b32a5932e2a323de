import type { FilterQuery } from '@mikro-orm/postgresql';
import { areaHolds, hasArea } from '../dutylist/jurisdiction';
import type { RequestContext } from '../app/context';
import { badInput, notFound } from '../shared/errors';
import { paginate } from '../shared/paginate';
import type { PageArgs } from '../shared/relay';
import { Department } from './department.entity';
import type { DepartmentKind, DepartmentLevel } from './department.entity';
import { District } from './district.entity';

export interface DepartmentFilter {
  kind?: DepartmentKind | null;
  level?: DepartmentLevel | null;
  districtCode?: string | null;
  search?: string | null;
}

/** Where a ticket is: a district code, or a point (lat/lng) inside the city. */
export interface PlaceInput {
  districtCode?: string | null;
  lat?: number | null;
  lng?: number | null;
}

const DISTRICT_CACHE_MS = 5000;

/** Departments and districts: the public directory of who handles what, and where. */
export class DepartmentsService {
  /** The districts, read at most every few seconds: intake looks them up on every ticket. */
  private districtCache: { at: number; byCode: Map<string, District>; byId: Map<string, District>; all: District[] } | null = null;
  private departmentCache: { at: number; byId: Map<string, Department> } | null = null;

  /** @param cityBounds south, west, north, east */
  constructor(private readonly cityBounds: readonly [number, number, number, number]) {}

  /** Drops the cached directory (districts or departments edited in the database: tests, seeding). */
  forgetDirectory(): void {
    this.districtCache = null;
    this.departmentCache = null;
  }

  private async districts(rc: RequestContext): Promise<{ byCode: Map<string, District>; byId: Map<string, District>; all: District[] }> {
    const c = this.districtCache;
    if (c && Date.now() - c.at < DISTRICT_CACHE_MS) return c;
    const all = await rc.em.fork().find(District, {}, { orderBy: { code: 'asc' } });
    this.districtCache = { at: Date.now(), byCode: new Map(all.map((d) => [d.code, d])), byId: new Map(all.map((d) => [d.id, d])), all };
    return this.districtCache;
  }

  /** A district by id from the directory cache (live streams render many events a second). */
  async cachedDistrict(rc: RequestContext, id: string): Promise<District | null> {
    return (await this.districts(rc)).byId.get(id) ?? (await rc.loaders.districtById.load(id));
  }

  /** A department by id from the directory cache, refreshed every few seconds. */
  async cachedDepartment(rc: RequestContext, id: string): Promise<Department | null> {
    let c = this.departmentCache;
    if (!c || Date.now() - c.at >= DISTRICT_CACHE_MS) {
      const all = await rc.em.fork().find(Department, {});
      c = this.departmentCache = { at: Date.now(), byId: new Map(all.map((d) => [d.id, d])) };
    }
    return c.byId.get(id) ?? (await rc.loaders.departmentById.load(id));
  }

/** The district of a place: by code, else the one holding lat/lng, else the nearest (checked to lie in the city). */
  async districtFor(rc: RequestContext, input: PlaceInput): Promise<District> {
    const hasLat = input.lat != null;
    if (hasLat !== (input.lng != null)) throw badInput(hasLat ? 'lng' : 'lat', 'give both lat and lng, or neither');
    if (hasLat) {
      const [s, w, n, e] = this.cityBounds;
      if (input.lat! < s || input.lat! > n) throw badInput('lat', `lat must be within the city (${s}..${n})`);
      if (input.lng! < w || input.lng! > e) throw badInput('lng', `lng must be within the city (${w}..${e})`);
    }
    const { byCode, all } = await this.districts(rc);
    if (input.districtCode) {
      const d = byCode.get(input.districtCode) ?? (await rc.loaders.districtByCode.load(input.districtCode));
      if (!d) throw badInput('districtCode', `district ${input.districtCode} not found`);
      return d;
    }
    if (!hasLat) throw badInput('districtCode', 'give districtCode, or lat and lng');
    // the district whose boundary holds the point, where boundaries are known; else the nearest
    // centroid among districts whose boundary is not known (one whose boundary leaves the point
    // out has said it is not this one), else among all
    const holding = all.filter((d) => areaHolds(d, input.lat!, input.lng!));
    const unmapped = all.filter((d) => !hasArea(d));
    // every district's boundary known, none holding the point: it is not in the city (a
    // neighbouring city's, within the bounding box)
    if (!holding.length && !unmapped.length && all.length) throw badInput('lat', `the point ${input.lat},${input.lng} lies in none of the city's districts`);
    const k = Math.cos((input.lat! * Math.PI) / 180);
    let best: District | null = null;
    let bestD = Infinity;
    for (const d of holding.length ? holding : unmapped.length ? unmapped : all) {
      const dist = (d.centroidLat - input.lat!) ** 2 + ((d.centroidLng - input.lng!) * k) ** 2;
      if (dist < bestD) [best, bestD] = [d, dist];
    }
    if (!best) throw badInput('districtCode', 'no districts are set up');
    return best;
  }

  async districtByCode(rc: RequestContext, code: string): Promise<District> {
    const d = await rc.loaders.districtByCode.load(code);
    if (!d) throw notFound('district', code);
    return d;
  }

  async departmentByCode(rc: RequestContext, code: string, field = 'departmentCode'): Promise<Department> {
    const d = await rc.loaders.departmentByCode.load(code);
    if (!d) throw badInput(field, `department ${code} not found`);
    return d;
  }

  async findDepartment(rc: RequestContext, code: string): Promise<Department> {
    const d = await rc.loaders.departmentByCode.load(code);
    if (!d) throw notFound('department', code);
    return d;
  }

  async listDistricts(rc: RequestContext, page: PageArgs) {
    return paginate(rc.em, District, {}, page, { code: 'asc', id: 'asc' });
  }

  async listDepartments(rc: RequestContext, filter: DepartmentFilter, page: PageArgs) {
    const where: FilterQuery<Department>[] = [];
    if (filter.kind) where.push({ kind: filter.kind });
    if (filter.level) where.push({ level: filter.level });
    if (filter.districtCode) {
      const district = await rc.loaders.districtByCode.load(filter.districtCode);
      if (!district) throw badInput('districtCode', `district ${filter.districtCode} not found`);
      where.push({ districtId: district.id });
    }
    if (filter.search) where.push({ name: { $ilike: `%${escapeLike(filter.search)}%` } });
    return paginate(rc.em, Department, where.length ? { $and: where } : {}, page, { code: 'asc', id: 'asc' });
  }
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
