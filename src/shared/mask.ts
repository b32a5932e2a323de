/** Masking of personal data on screens (PIPL): 138****8000, 张*, 天河区天河路****. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  return `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 2))}`;
}

export function maskAddress(address: string): string {
  const chars = [...address];
  const keep = Math.min(6, Math.floor(chars.length / 2));
  return `${chars.slice(0, keep).join('')}****`;
}

/** Digits as callers say them in words (一三九…), for numbers spelt out. */
const SPOKEN_DIGIT = '[零〇一二三四五六七八九幺两]';

/**
 * What people put between the groups of a number: nothing, a space, a dash of any length
 * (- – — －), a dot or a middle dot (brackets go round an area code only: PREFIX).
 */
const GROUP_GAP = '[\\s\\-‐‑–—―－ー.．·・]{0,2}';

/** A date as written (2026-03-02, 2026.3.2, 20260302), perhaps with its hour (2026-3-2 8, of 8:00). */
const DATE = '(?:(?:19|20)\\d{2}[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\\d|3[01])(?:\\s\\d{1,2})?|(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01]))';
const RANGE = '\\s?[-‐‑–—―~～至]{1,2}\\s?';

/** Dates, spans of dates and of years, which look like grouped numbers but identify no one. */
const NOT_A_NUMBER = new RegExp(`^(?:${DATE}(?:${RANGE}${DATE})?|(?:19|20)\\d{2}${RANGE}(?:19|20)\\d{2})$`);

/** What after a number makes it an amount, an area or a count (3500000元, 1234567平方米). */
const UNIT_AFTER = /^\s?(?:元|块|万|亿|千|百|平方|平米|㎡|米|公里|千米|公斤|千克|斤|吨|人|户|套|间|辆|台|个|次|份|件|株|棵|立方米|立方|千瓦|kg|km|m²)/i;

/** A number after letters and a dash is a code, not a phone (GZ-20260302-000123, ticket and case numbers). */
const CODE_BEFORE = /[A-Za-z]{2,}-$/;

/** Shapes that are a person's whatever follows or precedes them: a mobile number, an ID number. */
const PERSONAL_SHAPE = /^(?:(?:86)?1[3-9]\d{9}|\d{17}[\dXx])$/;

function keepsNumber(m: string, offset: number, whole: string): boolean {
  const plain = m.normalize('NFKC');
  if (PERSONAL_SHAPE.test(plain.replace(/[^\dXx]/g, ''))) return false;
  return NOT_A_NUMBER.test(plain) || UNIT_AFTER.test(whole.slice(offset + m.length, offset + m.length + 3)) || CODE_BEFORE.test(whole.slice(Math.max(0, offset - 6), offset));
}

/** A digit as typed: ASCII or full-width (１３８, what Chinese input methods often give). */
const DIGIT = '[0-9０-９]';

/** A country code (+86) or an area code in brackets ((020), （0752）) before a number. */
const PREFIX = `(?:[+＋]${DIGIT}{1,3}[\\s-]?)?(?:[(（]${DIGIT}{3,4}[)）]\\s?)?`;

/**
 * What in a citizen's own words identifies them, for readers who may not see personal data (BI
 * analysts): phone, ID and bank-card numbers — in digits (half- or full-width, as Chinese input
 * methods type them: １３８…), with spaces, dashes, dots or brackets between groups, or spelt out
 * in Chinese (一三九一二三四五六七八) — e-mail addresses, and a name given with
 * 我叫 / 名叫 / 我姓 / 联系人 / 本人姓名. The rest of the text stays as it was said.
 */
export function redactPersonalText(text: string): string {
  return (
    text
      // (bounded, and starting only where a run starts: linear on long runs of letters)
      .replace(/(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+/gu, '***')
      // 7 or more digits, possibly in groups (138 0013 8000, 020-8888-6666, (020)8888.6666,
      // 4401…X), but not a date (2026-03-02 14:30, 2026.3.2, 20260302), a span of them or of
      // years (2019-2024), an amount (3500000元) or a code (GZ-20260302-000123)
      .replace(new RegExp(`${PREFIX}${DIGIT}(?:${GROUP_GAP}${DIGIT}){6,}(?:${DIGIT}|[XxＸｘ])?`, 'gu'), (m: string, offset: number, whole: string) => (keepsNumber(m, offset, whole) ? m : '***'))
      .replace(new RegExp(`${SPOKEN_DIGIT}(?:${GROUP_GAP}${SPOKEN_DIGIT}){6,}`, 'gu'), '***')
      .replace(/(我叫|名叫|叫做|我姓|联系人|本人姓名|姓名)[:：\s]*([\p{Script=Han}]{1,3})/gu, (_m, lead: string, name: string) => `${lead}${maskName(name)}`)
  );
}

/** The caller as a ticket knows them. */
export interface KnownPerson {
  citizenName?: string | null;
  citizenPhone?: string | null;
  citizenAddress?: string | null;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A text about a case with its caller left out — their own name, phone number (however grouped)
 * and address wherever they occur, masked as on screens, even without a cue like 我叫 — then
 * whatever else identifies a person (`redactPersonalText`).
 */
export function redactPerson(text: string, person: KnownPerson | null | undefined): string {
  return redactPersonalText(redactKnownPerson(text, person));
}

/** A text with one known person left out — their name, phone number and address — and nothing else touched. */
export function redactKnownPerson(text: string, person: KnownPerson | null | undefined): string {
  let out = text;
  const name = person?.citizenName?.trim();
  // (not where it is the start of a place's name: 高新 in 高新区, 万芳 in 万芳路)
  if (name && [...name].length >= 2) out = out.replace(new RegExp(`${escapeRegExp(name)}(?!${PLACE_SUFFIX})`, 'g'), maskName(name));
  for (const address of addressForms(person?.citizenAddress)) out = out.replace(new RegExp(escapeRegExp(address), 'g'), maskAddress(address));
  for (const digits of phoneForms(person?.citizenPhone)) {
    // each digit half- or full-width, with whatever people put between groups
    const pattern = [...digits].map((d) => `[${d}${String.fromCharCode(0xff10 + Number(d))}]`).join(`${GROUP_GAP}`);
    out = out.replace(new RegExp(`(?<!${DIGIT})${pattern}(?!${DIGIT})`, 'g'), '***');
  }
  return out;
}

/** The administrative divisions an address may begin with, and callers leave out: 广东省, 广州市, 天河区, 石牌街道. */
const DIVISION = /^[\p{Script=Han}]{1,8}?(?:自治区|自治州|特别行政区|省|市|区|县|旗|镇|乡|街道)/u;

/**
 * An address as people say it, longest first: in full, and without the divisions it begins
 * with (天河区体育西路103号 is also said 体育西路103号) while a street and a number remain — a
 * street or a sub-district alone (体育西路, 石牌街道) is a place, not the caller's address.
 */
function addressForms(address: string | null | undefined): string[] {
  let rest = address?.trim() ?? '';
  const forms: string[] = [];
  while ([...rest].length >= 4 && (!forms.length || /[0-9０-９]/.test(rest))) {
    forms.push(rest);
    const division = DIVISION.exec(rest);
    if (!division) break;
    rest = rest.slice(division[0].length);
  }
  return forms;
}

/** What follows a name that is in fact a place's: 高新区, 万芳路, 石牌村. */
const PLACE_SUFFIX = '[区路街道巷弄楼栋苑园村镇乡县市里坊桥站场湾城坪岗塘涌]';

/** A phone number as people say it: in full, and a landline also without its area code. */
function phoneForms(phone: string | null | undefined): string[] {
  const digits = phone?.replace(/\D/g, '') ?? '';
  if (digits.length < 5) return [];
  const forms = [digits];
  // 020-83123456 is also said 83123456; 0752-2345678, 2345678
  if (digits.startsWith('0') && digits.length >= 10) for (const area of [3, 4]) if (digits.length - area >= 7) forms.push(digits.slice(area));
  return forms;
}
