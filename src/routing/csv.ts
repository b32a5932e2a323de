/**
 * CSV input and output of the router's CLI: messages in, predictions out (RFC 4180, UTF-8).
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export interface CsvRow {
  /** 0-based position among the data rows (the header row is not counted). */
  index: number;
  /** The text columns' non-empty values joined by a newline ('' when all are missing or empty). */
  text: string;
  /** The label column's value (trimmed); undefined when no label column was asked for or the cell is empty. */
  label?: string;
}

/**
 * Reads messages from a CSV file with a header row.
 *
 * - Text columns that the file lacks, or cells that are empty, contribute nothing (a row can
 *   have an empty text); columns not named are ignored; rows may be short or long.
 * - Quoted fields may hold commas, quotes ("") and newlines; a UTF-8 byte-order mark is skipped.
 *
 * @param labelColumn when given, the file must have this column.
 * @returns the rows, the header, and the text columns it lacks (read as empty; the caller should
 *   say so: a misspelt column name would otherwise go unnoticed).
 * @throws Error naming the file when it is not UTF-8, is not valid CSV, has no header row, or
 *   lacks the label column.
 */
/** Every line end a spreadsheet or an editor writes. */
export const LINE_ENDS = ['\r\n', '\n', '\r'];

export function readExamplesCsv(file: string, textColumns: string[], labelColumn?: string): { rows: CsvRow[]; header: string[]; missingTextColumns: string[] } {
  const bytes = fs.readFileSync(file);
  let content: string;
  try {
    content = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${file} is not UTF-8 text: convert it first (e.g. iconv -f GB18030 -t UTF-8)`);
  }
  let records: string[][];
  try {
    // (a quote inside an unquoted cell — 楼下"KTV"太吵 — is text, as pandas and csv.DictReader read it)
    // (any line end, mixed in one file — a CRLF header above LF rows, a stray CRLF blank line:
    // csv-parse otherwise takes the first it meets for the whole file)
    records = parse(content, { bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, record_delimiter: LINE_ENDS }) as string[][];
  } catch (e) {
    throw new Error(`${file} is not valid CSV: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (records.length === 0) throw new Error(`${file} has no header row`);
  const header = records[0].map((h) => h.trim());
  const textAt = textColumns.map((c) => header.indexOf(c)).filter((i) => i >= 0);
  const missingTextColumns = textColumns.filter((c) => !header.includes(c));
  let labelAt = -1;
  if (labelColumn !== undefined) {
    labelAt = header.indexOf(labelColumn);
    if (labelAt < 0) {
      throw new Error(`${file} has no label column "${labelColumn}" (its columns: ${header.join(', ')})`);
    }
  }
  const rows = records.slice(1).map((record, index) => {
    const text = textAt
      .map((i) => record[i] ?? '')
      .filter((v) => v.trim().length > 0)
      .join('\n');
    const row: CsvRow = { index, text };
    if (labelAt >= 0) {
      const label = (record[labelAt] ?? '').trim();
      if (label.length > 0) row.label = label;
    }
    return row;
  });
  return { rows, header, missingTextColumns };
}

/** Writes predictions as CSV with the header `row,label,confidence` (UTF-8, RFC 4180 quoting). */
export function writePredictionsCsv(file: string, preds: { row: number; label: string; confidence: number }[]): void {
  const out = stringify(
    preds.map((p) => [p.row, p.label, p.confidence]),
    { header: true, columns: ['row', 'label', 'confidence'] },
  );
  fs.writeFileSync(file, out, 'utf8');
}
