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
 * What in a citizen's own words identifies them, for readers who may not see personal data (BI
 * analysts): phone, ID and bank-card numbers — in digits, with spaces or dashes between groups, or
 * spelt out in Chinese (一三九一二三四五六七八) — e-mail addresses, and a name given with
 * 我叫 / 名叫 / 我姓 / 联系人 / 本人姓名. The rest of the text stays as it was said.
 */
export function redactPersonalText(text: string): string {
  return (
    text
      .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gu, '***')
      // 7 or more digits, possibly in groups (138 0013 8000, 020-8888-6666, 4401…X), but not a
      // date (2026-03-02)
      .replace(/\+?\d(?:[\s-]?\d){6,}[\dXx]?/gu, (m) => (/^\d{4}-\d{1,2}-\d{1,2}$/.test(m) ? m : '***'))
      .replace(new RegExp(`${SPOKEN_DIGIT}(?:[\\s-]?${SPOKEN_DIGIT}){6,}`, 'gu'), '***')
      .replace(/(我叫|名叫|叫做|我姓|联系人|本人姓名|姓名)[:：\s]*([\p{Script=Han}]{1,3})/gu, (_m, lead: string, name: string) => `${lead}${maskName(name)}`)
  );
}
