import { ArrayType, Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { Role } from './viewer';

/**
 * An API key for a BI tool or a feed: named, scoped like a token (role, department,
 * districts), revocable. Only a SHA-256 of its secret is kept; the key is shown once.
 */
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  /** the public part of the key (`msk_<prefix>_<secret>`), to find and name it */
  @PrimaryKey({ type: 'string', length: 16 })
  prefix!: string;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: 'string', length: 64 })
  secretHash!: string;

  @Enum({ items: () => Role })
  role!: Role;

  @Property({ type: 'string', length: 32, nullable: true })
  departmentCode: string | null = null;

  @Property({ type: ArrayType, columnType: 'text[]' })
  districtCodes: string[] = [];

  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
