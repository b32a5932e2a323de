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
 * (- – — －), a dot or a middle dot, or brackets round an area code.
 */
const GROUP_GAP = '(?:[\\s\\-‐‑–—―－ー.．·・]{0,2}|[)）]\\s?|\\s?[(（])';

/** Dates and spans of years, which look like grouped numbers but identify no one. */
const NOT_A_NUMBER = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|(?:19|20)\d{2}\s?[-‐‑–—―]{1,2}\s?(?:19|20)\d{2})$/;

/** A digit as typed: ASCII or full-width (１３８, what Chinese input methods often give). */
const DIGIT = '[0-9０-９]';

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
      .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gu, '***')
      // 7 or more digits, possibly in groups (138 0013 8000, 020-8888-6666, (020)8888.6666,
      // 4401…X), but not a date (2026-03-02, 2026.3.2) or a span of years (2019-2024)
      .replace(new RegExp(`[+＋]?[(（]?${DIGIT}(?:${GROUP_GAP}${DIGIT}){6,}(?:${DIGIT}|[XxＸｘ])?`, 'gu'), (m) => (NOT_A_NUMBER.test(m.normalize('NFKC')) ? m : '***'))
      .replace(new RegExp(`${SPOKEN_DIGIT}(?:${GROUP_GAP}${SPOKEN_DIGIT}){6,}`, 'gu'), '***')
      .replace(/(我叫|名叫|叫做|我姓|联系人|本人姓名|姓名)[:：\s]*([\p{Script=Han}]{1,3})/gu, (_m, lead: string, name: string) => `${lead}${maskName(name)}`)
  );
}
