/** An unpaired UTF-16 surrogate: not Unicode (text decoded with the wrong encoding, or cut in half). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text cannot be stored as it is, or null. */
export function textFault(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (U+0000), which text may not contain';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired surrogate (U+D800–U+DFFF), which is not Unicode: was the text decoded with the wrong encoding?';
  return null;
}
