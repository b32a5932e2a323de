/**
 * Which departments have jurisdiction for a matter at a place (主办 and 协办), resolved in memory
 * from a district's part of the directory. Pure: no database.
 */
import { Department, DepartmentKind, DepartmentLevel } from '../../departments/department.entity';
import { areaHolds, JurisdictionDirectory, parseArea, resolveJurisdiction, streetOffice } from '../jurisdiction';

const K = DepartmentKind;
const L = DepartmentLevel;
const TIANHE = 'district-tianhe';
const YUEXIU = 'district-yuexiu';

function dep(code: string, kind: DepartmentKind, level: DepartmentLevel, districtId: string | null, more: Partial<Department> = {}): Department {
  return Object.assign(new Department(), { id: `id-${code}`, code, name: code, kind, level, districtId, ...more });
}

/** A square area around a point, [lng, lat] as GeoJSON has it. */
function square(lat: number, lng: number, half: number) {
  return {
    type: 'Polygon',
    coordinates: [[[lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half], [lng - half, lat + half], [lng - half, lat - half]]],
  };
}

const SHIPAI = dep('440106-SP', K.STREET_OFFICE, L.STREET, TIANHE, { lat: 23.133, lng: 113.336 });
const LINHE = dep('440106-LH', K.STREET_OFFICE, L.STREET, TIANHE, { lat: 23.146, lng: 113.326 });
const BEIJING = dep('440104-BJ', K.STREET_OFFICE, L.STREET, YUEXIU, { lat: 23.126, lng: 113.271 });
const DIRECTORY = [
  dep('GZ-UMB', K.URBAN_MANAGEMENT, L.CITY, null),
  dep('GZ-HUD', K.HOUSING, L.CITY, null),
  dep('GZ-PSB', K.PUBLIC_SECURITY, L.CITY, null),
  dep('GZ-JUSTICE', K.JUSTICE, L.CITY, null),
  dep('GZ-HRSS', K.HUMAN_RESOURCES, L.CITY, null),
  dep('440106-UM', K.URBAN_MANAGEMENT, L.DISTRICT, TIANHE),
  dep('440106-HUD', K.HOUSING, L.DISTRICT, TIANHE),
  dep('440106-HRSS', K.HUMAN_RESOURCES, L.DISTRICT, TIANHE),
  dep('440106-EEB', K.ECOLOGY_ENVIRONMENT, L.DISTRICT, TIANHE),
  dep('440104-UM', K.URBAN_MANAGEMENT, L.DISTRICT, YUEXIU),
  LINHE,
  SHIPAI,
  BEIJING,
];
const tianhe = new JurisdictionDirectory(TIANHE, DIRECTORY);
const codes = (ds: Department[]) => ds.map((d) => d.code);

describe('the directory of a district', () => {
  test('holds the city bureaus and the district’s own departments, each list by code', () => {
    expect(tianhe.of(K.STREET_OFFICE, L.STREET).map((d) => d.code)).toEqual(['440106-LH', '440106-SP']);
    expect(tianhe.of(K.URBAN_MANAGEMENT, L.DISTRICT).map((d) => d.code)).toEqual(['440106-UM']);
    expect(tianhe.of(K.URBAN_MANAGEMENT, L.CITY).map((d) => d.code)).toEqual(['GZ-UMB']);
    expect(tianhe.of(K.JUSTICE, L.DISTRICT)).toEqual([]);
  });
});

describe('the lead (主办)', () => {
  test('is of the matter’s kind at exactly its level', () => {
    const place = { districtId: TIANHE };
    expect(resolveJurisdiction({ departmentKind: K.HOUSING, level: L.DISTRICT, coHandlingKinds: [] }, place, tianhe).lead?.code).toBe('440106-HUD');
    expect(resolveJurisdiction({ departmentKind: K.HOUSING, level: L.CITY, coHandlingKinds: [] }, place, tianhe).lead?.code).toBe('GZ-HUD');
    // no district branch of the kind: no lead (publishing refuses such a list)
    expect(resolveJurisdiction({ departmentKind: K.JUSTICE, level: L.DISTRICT, coHandlingKinds: [] }, place, tianhe).lead).toBeNull();
    expect(resolveJurisdiction({ departmentKind: null, level: null, coHandlingKinds: [] }, place, tianhe)).toEqual({ lead: null, coHandlers: [], note: null });
  });

  test('at STREET level, the street office of the caller’s point — not the first by code', () => {
    const matter = { departmentKind: K.STREET_OFFICE, level: L.STREET, coHandlingKinds: [] };
    // 广州东站, in 林和街道
    const linhe = resolveJurisdiction(matter, { districtId: TIANHE, lat: 23.1505, lng: 113.3245 }, tianhe);
    expect(linhe.lead?.code).toBe('440106-LH');
    expect(linhe.note).toMatch(/nearest/);
    // 石牌桥, in 石牌街道
    expect(resolveJurisdiction(matter, { districtId: TIANHE, lat: 23.1318, lng: 113.3381 }, tianhe).lead?.code).toBe('440106-SP');
  });
});

describe('street offices by place', () => {
  test('an area that holds the point wins over a nearer seat', () => {
    // 石牌's seat is nearer the point, but the point lies in 林和's (made-up, square) area
    const point = { districtId: TIANHE, lat: 23.136, lng: 113.334 };
    const linheArea = dep('440106-LH', K.STREET_OFFICE, L.STREET, TIANHE, { lat: 23.146, lng: 113.326, boundary: square(23.14, 113.33, 0.006) });
    const d = streetOffice([SHIPAI, linheArea], point);
    expect(d.office?.code).toBe('440106-LH');
    expect(d.note).toMatch(/area holds/);
    expect(streetOffice([SHIPAI, LINHE], point).office?.code).toBe('440106-SP');
  });

  test('no area holds the point: the nearest seat among offices whose area is not known — one whose area leaves the point out is not it', () => {
    // the point is nearer 林和's seat, but 林和's known area does not hold it
    const point = { districtId: TIANHE, lat: 23.139, lng: 113.33 };
    const linheArea = dep('440106-LH', K.STREET_OFFICE, L.STREET, TIANHE, { lat: 23.146, lng: 113.326, boundary: square(23.16, 113.32, 0.005) });
    const d = streetOffice([SHIPAI, linheArea], point);
    expect(d.office?.code).toBe('440106-SP');
    expect(d.note).toMatch(/nearest/);
    // every office mapped and none holding the point: the nearest seat all the same, and said so
    const shipaiArea = dep('440106-SP', K.STREET_OFFICE, L.STREET, TIANHE, { lat: 23.133, lng: 113.336, boundary: square(23.12, 113.34, 0.004) });
    const all = streetOffice([shipaiArea, linheArea], point);
    expect(all.office?.code).toBe('440106-LH');
    expect(all.note).toMatch(/its own included/);
  });

  test('without a point: the district’s only street office, or none among several (with why)', () => {
    expect(streetOffice([BEIJING], { districtId: YUEXIU })).toEqual({ office: BEIJING, note: 'the only street office of the district' });
    const none = streetOffice([LINHE, SHIPAI], { districtId: TIANHE });
    expect(none.office).toBeNull();
    expect(none.note).toMatch(/^no location: the district has 2 street offices/);
  });

  test('with a point but no seat or area known among several: none', () => {
    const bare = [dep('A', K.STREET_OFFICE, L.STREET, TIANHE), dep('B', K.STREET_OFFICE, L.STREET, TIANHE)];
    const r = streetOffice(bare, { districtId: TIANHE, lat: 23.14, lng: 113.33 });
    expect(r.office).toBeNull();
    expect(r.note).toMatch(/known seat or area/);
  });

  test('areas: holes, MultiPolygons, Features; anything else is no area', () => {
    const ring = (lat: number, lng: number, h: number) => square(lat, lng, h).coordinates[0];
    const withHole = dep('H', K.STREET_OFFICE, L.STREET, TIANHE, { boundary: { type: 'Polygon', coordinates: [ring(23.1, 113.3, 0.01), ring(23.1, 113.3, 0.002)] } });
    expect(areaHolds(withHole, 23.107, 113.3)).toBe(true);
    expect(areaHolds(withHole, 23.1, 113.3)).toBe(false);
    const multi = dep('M', K.STREET_OFFICE, L.STREET, TIANHE, { boundary: { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[ring(23.0, 113.0, 0.01)], [ring(23.2, 113.2, 0.01)]] } } });
    expect(areaHolds(multi, 23.2, 113.2)).toBe(true);
    expect(areaHolds(multi, 23.1, 113.1)).toBe(false);
    for (const g of [null, {}, { type: 'Point', coordinates: [113.3, 23.1] }, { type: 'Polygon', coordinates: [[[1, 2]]] }, { type: 'Polygon', coordinates: 'x' }]) {
      expect(parseArea(g)).toBeNull();
    }
  });
});

describe('co-handlers (协办)', () => {
  test('resolve at the matter’s level, else the nearest level the kind has here', () => {
    const place = { districtId: TIANHE, lat: 23.1505, lng: 113.3245 };
    // a district matter: the district branch of the co-handling kind; the city bureau where the district has none
    const wages = resolveJurisdiction({ departmentKind: K.HUMAN_RESOURCES, level: L.DISTRICT, coHandlingKinds: [K.PUBLIC_SECURITY, K.JUSTICE, K.HOUSING] }, place, tianhe);
    expect(wages.lead?.code).toBe('440106-HRSS');
    expect(codes(wages.coHandlers)).toEqual(['GZ-PSB', 'GZ-JUSTICE', '440106-HUD']);
    // a street matter: the district branch; a city matter co-handled by street offices: the one of the place (属地)
    const lane = resolveJurisdiction({ departmentKind: K.STREET_OFFICE, level: L.STREET, coHandlingKinds: [K.URBAN_MANAGEMENT] }, place, tianhe);
    expect([lane.lead?.code, codes(lane.coHandlers)]).toEqual(['440106-LH', ['440106-UM']]);
    const city = resolveJurisdiction({ departmentKind: K.HOUSING, level: L.CITY, coHandlingKinds: [K.URBAN_MANAGEMENT, K.STREET_OFFICE] }, place, tianhe);
    expect([city.lead?.code, codes(city.coHandlers)]).toEqual(['GZ-HUD', ['GZ-UMB', '440106-LH']]);
  });

  test('never the lead, never twice; a kind with nothing here, or a street the place cannot tell, is left out', () => {
    const place = { districtId: TIANHE };
    const r = resolveJurisdiction(
      { departmentKind: K.HOUSING, level: L.DISTRICT, coHandlingKinds: [K.HOUSING, K.URBAN_MANAGEMENT, K.URBAN_MANAGEMENT, K.EMERGENCY_MANAGEMENT, K.STREET_OFFICE] },
      place,
      tianhe,
    );
    expect(codes(r.coHandlers)).toEqual(['440106-UM']);
  });
});
