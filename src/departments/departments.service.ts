import type { FilterQuery } from '@mikro-orm/postgresql';
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

/** Departments and districts: the public directory of who handles what, and where. */
export class DepartmentsService {
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
