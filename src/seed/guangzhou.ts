import { DepartmentKind, DepartmentLevel } from '../departments/department.entity';

/** Guangzhou's 11 districts (GB/T 2260 codes) with approximate centroids. */
export const GUANGZHOU_DISTRICTS = [
  { code: '440103', name: '荔湾区', lat: 23.1259, lng: 113.2442 },
  { code: '440104', name: '越秀区', lat: 23.129, lng: 113.2668 },
  { code: '440105', name: '海珠区', lat: 23.0838, lng: 113.3172 },
  { code: '440106', name: '天河区', lat: 23.1246, lng: 113.3612 },
  { code: '440111', name: '白云区', lat: 23.27, lng: 113.273 },
  { code: '440112', name: '黄埔区', lat: 23.181, lng: 113.4807 },
  { code: '440113', name: '番禺区', lat: 22.9377, lng: 113.3841 },
  { code: '440114', name: '花都区', lat: 23.4036, lng: 113.2203 },
  { code: '440115', name: '南沙区', lat: 22.8016, lng: 113.5251 },
  { code: '440117', name: '从化区', lat: 23.5452, lng: 113.5866 },
  { code: '440118', name: '增城区', lat: 23.261, lng: 113.8109 },
] as const;

export interface DepartmentSeed {
  code: string;
  name: string;
  kind: DepartmentKind;
  level: DepartmentLevel;
  districtCode?: string;
  /** 驻地: where the office sits, when known (street offices: they are chosen by place) */
  lat?: number;
  lng?: number;
}

const K = DepartmentKind;

/** City bureaus (市直部门). */
const CITY: [string, string, DepartmentKind][] = [
  ['GZ-EEB', '广州市生态环境局', K.ECOLOGY_ENVIRONMENT],
  ['GZ-UMB', '广州市城市管理和综合执法局', K.URBAN_MANAGEMENT],
  ['GZ-HWY', '广州市公路事务中心', K.HIGHWAY],
  ['GZ-HRSS', '广州市人力资源和社会保障局', K.HUMAN_RESOURCES],
  ['GZ-HUD', '广州市住房和城乡建设局', K.HOUSING],
  ['GZ-AMR', '广州市市场监督管理局', K.MARKET_REGULATION],
  ['GZ-TRANS', '广州市交通运输局', K.TRANSPORT],
  ['GZ-EDU', '广州市教育局', K.EDUCATION],
  ['GZ-HEALTH', '广州市卫生健康委员会', K.HEALTH],
  ['GZ-HSA', '广州市医疗保障局', K.MEDICAL_INSURANCE],
  ['GZ-WATER', '广州市水务局', K.WATER],
  ['GZ-PSB', '广州市公安局', K.PUBLIC_SECURITY],
  ['GZ-EXIT', '广州市公安局出入境管理支队', K.EXIT_ENTRY],
  ['GZ-PORT', '广州市人民政府口岸办公室', K.PORT_AVIATION_RAILWAY],
  ['GZ-CIVIL', '广州市民政局', K.CIVIL_AFFAIRS],
  ['GZ-PNR', '广州市规划和自然资源局', K.PLANNING_NATURAL_RESOURCES],
  ['GZ-FOREST', '广州市林业和园林局', K.FORESTRY_GARDENS],
  ['GZ-EM', '广州市应急管理局', K.EMERGENCY_MANAGEMENT],
  ['GZ-JUSTICE', '广州市司法局', K.JUSTICE],
];

/** District branches (区属部门), one of each per district. */
const BRANCHES: [string, (district: string) => string, DepartmentKind][] = [
  ['UM', (d) => `广州市${d}城市管理和综合执法局`, K.URBAN_MANAGEMENT],
  ['HRSS', (d) => `广州市${d}人力资源和社会保障局`, K.HUMAN_RESOURCES],
  ['HUD', (d) => `广州市${d}住房和城乡建设局`, K.HOUSING],
  ['EEB', (d) => `广州市生态环境局${d}分局`, K.ECOLOGY_ENVIRONMENT],
];

/**
 * A few street offices (街道办事处) with the approximate seat of each (WGS-84): a STREET-level
 * matter goes to the street office nearest the caller's place among those of the district.
 */
const STREETS: [string, string, string, number, number][] = [
  ['440106-SP', '广州市天河区石牌街道办事处', '440106', 23.133, 113.336],
  ['440106-LH', '广州市天河区林和街道办事处', '440106', 23.146, 113.326],
  ['440104-BJ', '广州市越秀区北京街道办事处', '440104', 23.126, 113.271],
  ['440105-BGZ', '广州市海珠区滨江街道办事处', '440105', 23.109, 113.288],
];

export const GUANGZHOU_DEPARTMENTS: DepartmentSeed[] = [
  ...CITY.map(([code, name, kind]) => ({ code, name, kind, level: DepartmentLevel.CITY })),
  ...GUANGZHOU_DISTRICTS.flatMap((d) =>
    BRANCHES.map(([suffix, name, kind]) => ({
      code: `${d.code}-${suffix}`,
      name: name(d.name),
      kind,
      level: DepartmentLevel.DISTRICT,
      districtCode: d.code,
    })),
  ),
  ...STREETS.map(([code, name, districtCode, lat, lng]) => ({
    code,
    name,
    kind: K.STREET_OFFICE,
    level: DepartmentLevel.STREET,
    districtCode,
    lat,
    lng,
  })),
];
