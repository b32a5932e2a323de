/** Reading messages from CSV and writing predictions. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readExamplesCsv, writePredictionsCsv } from '../csv';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minsheng-routing-csv-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

describe('readExamplesCsv', () => {
  test('joins the text columns, reads the label, ignores other columns', () => {
    const p = file('basic.csv', 'id,title,detail,label,extra\n1,路灯坏了,晚上很黑,LIGHT,x\n2,,拖欠工资,WAGES,y\n');
    expect(readExamplesCsv(p, ['title', 'detail'], 'label').rows).toEqual([
      { index: 0, text: '路灯坏了\n晚上很黑', label: 'LIGHT' },
      { index: 1, text: '拖欠工资', label: 'WAGES' },
    ]);
  });

  test('quoted fields keep commas, quotes and newlines (RFC 4180)', () => {
    const p = file('quoted.csv', 'title,detail\r\n"路灯, 坏了","第一行\r\n第二行 ""引号"""\r\n');
    expect(readExamplesCsv(p, ['title', 'detail']).rows).toEqual([{ index: 0, text: '路灯, 坏了\n第一行\r\n第二行 "引号"' }]);
  });

  test('line ends mixed in one file: a CRLF header above LF rows, a CRLF blank line, a lone CR — each row once, numbered as data rows', () => {
    const mixed = file('mixed.csv', 'title,detail\r\n路灯不亮,晚上很黑\n工资拖欠,老板跑路\n\r\n噪音扰民,"工地\n夜间施工"\r广场舞,音响太吵\n');
    expect(readExamplesCsv(mixed, ['title', 'detail']).rows).toEqual([
      { index: 0, text: '路灯不亮\n晚上很黑' },
      { index: 1, text: '工资拖欠\n老板跑路' },
      { index: 2, text: '噪音扰民\n工地\n夜间施工' },
      { index: 3, text: '广场舞\n音响太吵' },
    ]);
  });

  test('a quote inside an unquoted cell is text, as pandas and csv.DictReader read it', () => {
    const p = file('inner-quote.csv', 'id,title,detail\n3,楼下"KTV"太吵,每晚唱歌\n4,路灯,"不亮"\n');
    expect(readExamplesCsv(p, ['title', 'detail']).rows).toEqual([
      { index: 0, text: '楼下"KTV"太吵\n每晚唱歌' },
      { index: 1, text: '路灯\n不亮' },
    ]);
  });

  test('missing or empty text columns give an empty text; short rows are tolerated', () => {
    const p = file('empty.csv', 'title,detail,label\n,,A\n"",   ,B\nonly title\n');
    expect(readExamplesCsv(p, ['title', 'detail', 'no_such_column'], 'label').rows).toEqual([
      { index: 0, text: '', label: 'A' },
      { index: 1, text: '', label: 'B' },
      { index: 2, text: 'only title' },
    ]);
    expect(readExamplesCsv(p, ['nothing']).rows.map((r) => r.text)).toEqual(['', '', '']);
  });

  test('a missing label column is an error naming it', () => {
    const p = file('nolabel.csv', 'title,detail\na,b\n');
    expect(() => readExamplesCsv(p, ['title'], 'label_level1')).toThrow(/label column "label_level1"/);
  });

  test('a UTF-8 byte-order mark is skipped', () => {
    const p = file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('text,label\n路灯,LIGHT\n')]));
    expect(readExamplesCsv(p, ['text'], 'label').rows).toEqual([{ index: 0, text: '路灯', label: 'LIGHT' }]);
  });

  test('non-UTF-8 input (GBK bytes) is a clear error', () => {
    // "路灯" in GBK: C2 B7 B5 C6
    const p = file('gbk.csv', Buffer.concat([Buffer.from('text,label\n'), Buffer.from([0xc2, 0xb7, 0xb5, 0xc6]), Buffer.from(',A\n')]));
    expect(() => readExamplesCsv(p, ['text'], 'label')).toThrow(/not UTF-8/);
  });

  test('an empty file or broken quoting is a clear error', () => {
    expect(() => readExamplesCsv(file('nothing.csv', ''), ['text'])).toThrow(/no header row/);
    expect(() => readExamplesCsv(file('broken.csv', 'text\n"unterminated\n'), ['text'])).toThrow(/not valid CSV/);
  });
});

describe('writePredictionsCsv', () => {
  test('row,label,confidence with RFC 4180 quoting; reads back', () => {
    const p = path.join(dir, 'out.csv');
    writePredictionsCsv(p, [
      { row: 0, label: 'LIGHT', confidence: 0.9 },
      { row: 1, label: '城乡建设, 其他', confidence: 0.25 },
    ]);
    expect(fs.readFileSync(p, 'utf8')).toBe('row,label,confidence\n0,LIGHT,0.9\n1,"城乡建设, 其他",0.25\n');
    expect(readExamplesCsv(p, ['row'], 'label').rows.map((r) => r.label)).toEqual(['LIGHT', '城乡建设, 其他']);
  });
});
