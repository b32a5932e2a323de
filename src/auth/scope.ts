import type { RequestContext } from '../app/context';
import type { Department } from '../departments/department.entity';
import { badInput, forbidden } from '../shared/errors';

/**
 * Scope lookups shared by the services that filter by it (tickets, live streams, heatmaps):
 * codes the client names resolved to ids, with a coded error naming the field.
 */

/** The viewer's own department (DEPARTMENT_STAFF viewers); FORBIDDEN when the token names none that exists. */
export async function viewerDepartment(rc: RequestContext): Promise<Department> {
  const code = rc.viewer.departmentCode;
  const dep = code ? await rc.loaders.departmentByCode.load(code) : null;
  if (!dep) throw forbidden(`your token names department ${code ?? '(none)'}, which does not exist`);
  return dep;
}

/**
 * The districts of a district office's token that exist (a code the directory no longer has —
 * a merged district — is passed over); FORBIDDEN when none does. Not the client's input: no
 * BAD_USER_INPUT naming an argument it never sent.
 */
export async function viewerDistrictIds(rc: RequestContext): Promise<string[]> {
  const known = await Promise.all(rc.viewer.districtCodes.map((c) => rc.loaders.districtByCode.load(c)));
  const ids = known.filter((d) => d != null).map((d) => d.id);
  if (!ids.length) throw forbidden(`your token names district ${rc.viewer.districtCodes.join(', ') || '(none)'}, which does not exist`);
  return ids;
}

/** A district office may name only its own districts: FORBIDDEN for any other. */
export function requireOwnDistricts(rc: RequestContext, asked: readonly string[] | null | undefined): void {
  const own = new Set(rc.viewer.districtCodes);
  const outside = (asked ?? []).filter((c) => !own.has(c));
  if (outside.length) throw forbidden(`your token covers districts ${[...own].join(', ')}, not ${outside.join(', ')}`);
}

export async function districtIdsFor(rc: RequestContext, codes: readonly string[], field: string): Promise<string[]> {
  const ids: string[] = [];
  for (const c of codes) {
    const d = await rc.loaders.districtByCode.load(c);
    if (!d) throw badInput(field, `district ${c} not found`);
    ids.push(d.id);
  }
  return ids;
}

export async function departmentIdsFor(rc: RequestContext, codes: readonly string[], field: string): Promise<string[]> {
  const ids: string[] = [];
  for (const c of codes) {
    const d = await rc.loaders.departmentByCode.load(c);
    if (!d) throw badInput(field, `department ${c} not found`);
    ids.push(d.id);
  }
  return ids;
}

/**
 * Matters by code in every duty list version; a category code includes every matter under it,
 * at any depth (城市管理 → 路灯 → 路灯不亮).
 */
export async function matterIdsFor(rc: RequestContext, codes: readonly string[], field: string): Promise<string[]> {
  const rows = await rc.em.getConnection().execute<{ id: string; code: string; asked: string }[]>(
    `with recursive under as (
       select id, code, version_id, code as asked from matters where code in (?)
       union
       select m.id, m.code, m.version_id, under.asked from matters m
         join under on m.parent_code = under.code and m.version_id = under.version_id
     )
     select id, code, asked from under`,
    [[...codes]],
  );
  const known = new Set(rows.map((r) => r.asked));
  const unknown = codes.filter((c) => !known.has(c));
  if (unknown.length) throw badInput(field, `matter ${unknown.join(', ')} is in no duty list`);
  return [...new Set(rows.map((r) => r.id))];
}
