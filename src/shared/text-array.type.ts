import { ArrayType } from '@mikro-orm/core';
import type { Platform, TransformContext } from '@mikro-orm/core';

/**
 * A `text[]` column whose items come back exactly as written. MikroORM's own array literal leaves
 * items unquoted unless they hold `"{},\` and then quotes them as JSON: PostgreSQL then reads a
 * line break written `\n` as the letter n, drops the spaces around an unquoted item, and reads
 * an item `NULL` as no value. Here every item is double-quoted with only `\` and `"` escaped —
 * the array literal PostgreSQL reads back to the same strings.
 */
export class TextArrayType extends ArrayType<string> {
  override convertToDatabaseValue(value: string[] | null, platform: Platform, context?: TransformContext): string | null {
    if (!Array.isArray(value)) return super.convertToDatabaseValue(value, platform, context);
    return `{${value.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
  }
}
