/**
 * Duty lists as files: CSV (what governments keep in spreadsheets) and JSON. Parsing checks
 * every row and reports every problem with its line, so a bad file is rejected whole.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { DepartmentKind, DepartmentLevel } from '../departments/department.entity';
import { LINE_ENDS } from '../routing/csv';

export const CSV_COLUMNS = [
  'code',
  'parent_code',
  'name',
  'description',
  'keywords',
  'examples',
  'department_kind',
  'level',
  'co_handling_kinds',
  'resolve_days',
  'active',
] as const;

/** A matter as it travels in files and inputs. */
export interface MatterData {
  code: string;
  parentCode: string | null;
  name: string;
  description: string | null;
  keywords: string[];
  examples: string[];
  departmentKind: DepartmentKind | null;
  level: DepartmentLevel | null;
  coHandlingKinds: DepartmentKind[];
  resolveDays: number | null;
  active: boolean;
}

export interface DutyListFile {
  notes?: string | null;
  matters: MatterData[];
  /** where each matter is in the file (its line; for JSON, its index + 1), for reporting problems found later */
  lines?: number[];
  /** JSON: `lines` count matters (#1, #2…), not lines */
  unit?: 'matter';
}

export interface RowProblem {
  /** 1-based line in the file (the header is line 1); for JSON (`unit: 'matter'`), the matter's index + 1 */
  line: number;
  /** set when `line` counts the file's matters (JSON) rather than its lines */
  unit?: 'matter';
  code?: string;
  reason: string;
}

/** "line 7", or for a JSON file "matter #7" */
const where = (n: number, unit?: 'matter') => (unit === 'matter' ? `matter #${n}` : `line ${n}`);

/** Where a problem is, as people read it: "line 7" in a CSV file, "matter #7" in a JSON one. */
export const placeOf = (p: RowProblem) => where(p.line, p.unit);

export class DutyListFileError extends Error {
  constructor(readonly problems: RowProblem[]) {
    super(
      `the duty list has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${where(p.line, p.unit)}${p.code ? ` (${p.code})` : ''}: ${p.reason}`).join('\n'),
    );
  }
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const KINDS = new Set<string>(Object.values(DepartmentKind));
const LEVELS = new Set<string>(Object.values(DepartmentLevel));
/** How a CSV cell lists keywords, and examples: these characters cannot be inside one. */
const KEYWORD_SEPARATORS = /[;；、]/;
const EXAMPLE_SEPARATOR = /\|/;
/** A list's items as stored: each trimmed, the empty ones dropped (files and GraphQL edits alike). */
export const cleanItems = (xs: readonly string[]): string[] => xs.map((x) => x.trim()).filter(Boolean);

const split = (s: string | undefined, sep: RegExp) => cleanItems((s ?? '').split(sep));

/** Is this buffer valid UTF-8 (what the importer requires)? */
export function isUtf8(buf: Buffer): boolean {
  return Buffer.from(buf.toString('utf8'), 'utf8').equals(buf);
}

/** Columns a CSV file must have (the others may be left out). */
const REQUIRED_COLUMNS = ['code', 'name', 'department_kind', 'level'];

export function parseDutyListCsv(content: string): DutyListFile {
  let parsed: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    parsed = parse(content.replace(/^\uFEFF/, ''), {
      info: true,
      raw: true,
      skip_empty_lines: true,
      // every row with the wrong number of fields is reported below, not just the first
      relax_column_count: true,
      // a quote inside an unquoted cell (说明 "以实际为准") is text, as a spreadsheet reads it
      relax_quotes: true,
      // any line end, mixed in one file
      record_delimiter: LINE_ENDS,
      trim: false,
    }) as unknown as typeof parsed;
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    throw new DutyListFileError([{ line, reason: `not valid CSV: ${(e as Error).message}` }]);
  }
  if (!parsed.length) throw new DutyListFileError([{ line: 1, reason: `the file is empty (expected a header: ${CSV_COLUMNS.join(',')})` }]);
  // the line each record starts on: where it ends, less the line breaks inside it. (The parser
  // counts a CRLF inside a quoted cell as two lines: those are taken off, for this record and
  // every one after it.)
  let crlfInside = 0;
  const starts = new Map(
    parsed.map((p) => {
      const body = p.raw.replace(/^[\r\n]+/, '').replace(/\r?\n?$/, '');
      crlfInside += body.match(/\r\n/g)?.length ?? 0;
      return [p, p.info.lines - crlfInside - (body.match(/\r\n|\r|\n/g)?.length ?? 0)] as const;
    }),
  );
  const startLine = (p: (typeof parsed)[number]) => starts.get(p)!;
  const header = parsed[0].record.map((c) => c.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new DutyListFileError([{ line: startLine(parsed[0]), reason: `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (expected ${CSV_COLUMNS.join(',')})` }]);
  }
  // a list without a matter is no duty list (a header alone: the rows were lost on the way)
  if (parsed.length === 1) throw new DutyListFileError([{ line: startLine(parsed[0]) + 1, reason: 'the file has a header but no matters' }]);
  const problems: RowProblem[] = [];
  const matters = parsed.slice(1).map((p) => {
    const line = startLine(p);
    const r = Object.fromEntries(header.map((h, i) => [h, p.record[i]])) as Record<string, string | undefined>;
    if (p.record.length !== header.length) problems.push({ line, code: (r.code ?? '').trim() || undefined, reason: `${p.record.length} fields, the header has ${header.length}` });
    const m: MatterData = {
      code: (r.code ?? '').trim(),
      parentCode: (r.parent_code ?? '').trim() || null,
      name: (r.name ?? '').trim(),
      description: (r.description ?? '').trim() || null,
      keywords: split(r.keywords, KEYWORD_SEPARATORS),
      examples: split(r.examples, EXAMPLE_SEPARATOR),
      departmentKind: ((r.department_kind ?? '').trim() || null) as DepartmentKind | null,
      level: ((r.level ?? '').trim() || null) as DepartmentLevel | null,
      coHandlingKinds: split(r.co_handling_kinds, /[;；]/) as DepartmentKind[],
      resolveDays: (r.resolve_days ?? '').trim() ? Number((r.resolve_days ?? '').trim()) : null,
      active: !['false', '0', 'no', 'n'].includes((r.active ?? '').trim().toLowerCase()),
    };
    const activeText = (r.active ?? '').trim().toLowerCase();
    if (activeText && !['true', 'false', '1', '0', 'yes', 'no', 'y', 'n'].includes(activeText)) {
      problems.push({ line, code: m.code, reason: `active must be true or false, got "${r.active}"` });
    }
    return { m, line };
  });
  problems.push(...checkMatters(matters));
  if (problems.length) throw new DutyListFileError(problems.sort((a, b) => a.line - b.line));
  return { matters: matters.map((x) => x.m), lines: matters.map((x) => x.line) };
}

export function parseDutyListJson(content: string): DutyListFile {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (e) {
    throw new DutyListFileError([{ line: 1, reason: `not valid JSON: ${(e as Error).message}` }]);
  }
  const list = (Array.isArray(data) ? { matters: data } : data) as { notes?: unknown; matters?: unknown } | null;
  if (!list || typeof list !== 'object' || !Array.isArray(list.matters)) {
    throw new DutyListFileError([{ line: 1, reason: 'expected { "matters": [ … ] }' }]);
  }
  if (!list.matters.length) throw new DutyListFileError([{ line: 1, reason: 'the list has no matters' }]);
  const problems: RowProblem[] = [];
  const matters = (list.matters as unknown[]).map((item, i) => {
    const line = i + 1;
    const r = (item !== null && typeof item === 'object' && !Array.isArray(item) ? item : {}) as Record<string, unknown>;
    const code = typeof r.code === 'string' ? r.code.trim() : '';
    const bad = (reason: string) => problems.push({ line, code: code || undefined, reason });
    if (r !== item) bad(`a matter must be an object, got ${item === null ? 'null' : Array.isArray(item) ? 'an array' : typeof item}`);
    const str = (key: string): string | null => {
      const v = r[key];
      if (v == null) return null;
      if (typeof v !== 'string') {
        bad(`${key} must be a string, got ${JSON.stringify(v)}`);
        return null;
      }
      return v.trim() || null;
    };
    const arr = (key: string): string[] => {
      const v = r[key];
      if (v == null) return [];
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
        bad(`${key} must be an array of strings, got ${JSON.stringify(v)}`);
        return [];
      }
      return cleanItems(v);
    };
    let resolveDays: number | null = null;
    if (r.resolveDays != null) {
      if (typeof r.resolveDays === 'number') resolveDays = r.resolveDays;
      else bad(`resolveDays must be a number, got ${JSON.stringify(r.resolveDays)}`);
    }
    if (r.active != null && typeof r.active !== 'boolean') bad(`active must be true or false, got ${JSON.stringify(r.active)}`);
    return {
      line,
      m: {
        code: str('code') ?? '',
        parentCode: str('parentCode'),
        name: str('name') ?? '',
        description: str('description'),
        keywords: arr('keywords'),
        examples: arr('examples'),
        departmentKind: str('departmentKind') as DepartmentKind | null,
        level: str('level') as DepartmentLevel | null,
        coHandlingKinds: arr('coHandlingKinds') as DepartmentKind[],
        resolveDays,
        active: r.active !== false,
      } satisfies MatterData,
    };
  });
  problems.push(...checkMatters(matters, 'matter'));
  if (problems.length) throw new DutyListFileError(problems.map((p) => ({ ...p, unit: 'matter' as const })).sort((a, b) => a.line - b.line));
  return { notes: typeof list.notes === 'string' ? list.notes : null, matters: matters.map((x) => x.m), lines: matters.map((x) => x.line), unit: 'matter' };
}

/** Bounds of a matter's texts (a keyword is a word or phrase; an example, one citizen's sentence or two). */
const MAX_KEYWORDS = 50;
const MAX_EXAMPLES = 100;
const MAX_KEYWORD = 64;
const MAX_EXAMPLE = 500;
const MAX_DESCRIPTION = 2000;

/** Row-level and tree-level checks shared by CSV, JSON and GraphQL edits. */
export function checkMatters(rows: { m: MatterData; line: number }[], unit?: 'matter'): RowProblem[] {
  const problems: RowProblem[] = [];
  const byCode = new Map<string, number>();
  for (const { m, line } of rows) {
    const p = (reason: string) => problems.push({ line, code: m.code || undefined, reason });
    if (!m.code) p('code is empty');
    else if (!CODE.test(m.code)) p(`code "${m.code}" may only use letters, digits, "." "_" "-" (at most 64)`);
    else if (byCode.has(m.code)) p(`code ${m.code} is used twice (also ${unit === 'matter' ? '' : 'on '}${where(byCode.get(m.code)!, unit)})`);
    else byCode.set(m.code, line);
    if (!m.name.trim()) p('name is empty');
    else if (m.name.length > 128) p('name is longer than 128 characters');
    if (m.departmentKind && !KINDS.has(m.departmentKind)) p(`unknown department_kind "${m.departmentKind}" (one of ${[...KINDS].join(', ')})`);
    if (m.level && !LEVELS.has(m.level)) p(`unknown level "${m.level}" (CITY, DISTRICT or STREET)`);
    if (!!m.departmentKind !== !!m.level) p('department_kind and level go together: give both or neither');
    for (const k of m.coHandlingKinds) if (!KINDS.has(k)) p(`unknown co_handling_kinds value "${k}"`);
    // each travels in one CSV cell: a separator inside one would split it on the way back
    for (const k of m.keywords) if (KEYWORD_SEPARATORS.test(k)) p(`keyword "${k}" contains a separator (; ； 、): give it as separate keywords`);
    for (const e of m.examples) if (EXAMPLE_SEPARATOR.test(e)) p(`example "${e}" contains "|", which separates examples`);
    if (m.description && [...m.description].length > MAX_DESCRIPTION) p(`description is longer than ${MAX_DESCRIPTION} characters`);
    if (m.keywords.length > MAX_KEYWORDS) p(`${m.keywords.length} keywords: at most ${MAX_KEYWORDS}`);
    if (m.examples.length > MAX_EXAMPLES) p(`${m.examples.length} examples: at most ${MAX_EXAMPLES}`);
    for (const k of m.keywords) if ([...k].length > MAX_KEYWORD) p(`keyword "${[...k].slice(0, 16).join('')}…" is longer than ${MAX_KEYWORD} characters`);
    for (const e of m.examples) if ([...e].length > MAX_EXAMPLE) p(`example "${[...e].slice(0, 16).join('')}…" is longer than ${MAX_EXAMPLE} characters`);
    if (m.resolveDays != null && !(Number.isInteger(m.resolveDays) && m.resolveDays >= 1 && m.resolveDays <= 15)) {
      p('resolve_days must be a whole number of working days from 1 to 15');
    }
  }
  const parents = new Set(rows.map((r) => r.m.parentCode).filter((c): c is string => !!c));
  const parentOf = new Map(rows.map((r) => [r.m.code, r.m.parentCode]));
  for (const { m, line } of rows) {
    if (m.parentCode && !parentOf.has(m.parentCode)) {
      problems.push({ line, code: m.code, reason: `parent_code ${m.parentCode} is not a matter of this list` });
    }
    // walk up: a cycle returns to where it started
    const seen = new Set<string>([m.code]);
    for (let c = m.parentCode; c; c = parentOf.get(c) ?? null) {
      if (seen.has(c)) {
        problems.push({ line, code: m.code, reason: `parent_code makes a cycle (${[...seen, c].join(' → ')})` });
        break;
      }
      seen.add(c);
    }
    const isLeaf = !parents.has(m.code);
    if (!isLeaf && (m.departmentKind || m.level)) {
      problems.push({ line, code: m.code, reason: 'a matter with sub-matters is a category: leave department_kind and level empty (its sub-matters say who is responsible)' });
    }
    if (isLeaf && m.active && !m.departmentKind) {
      problems.push({ line, code: m.code, reason: 'a leaf matter needs department_kind and level (who is responsible)' });
    }
  }
  return problems;
}

export function toCsv(matters: MatterData[]): string {
  return stringify(
    matters.map((m) => [
      m.code,
      m.parentCode ?? '',
      m.name,
      m.description ?? '',
      m.keywords.join(';'),
      m.examples.join('|'),
      m.departmentKind ?? '',
      m.level ?? '',
      m.coHandlingKinds.join(';'),
      m.resolveDays ?? '',
      m.active ? 'true' : 'false',
    ]),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

export function toJson(notes: string | null, matters: MatterData[]): string {
  return `${JSON.stringify({ notes, matters }, null, 2)}\n`;
}
