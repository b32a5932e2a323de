import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { unauthenticated } from '../shared/errors';
import { ApiKey } from './api-key.entity';
import { validateClaims } from './viewer';
import type { Role, Viewer } from './viewer';

const KEY = /^msk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const CACHE_MS = 30_000;
/** API keys kept in this process's cache at most */
const CACHE_MAX = 10_000;
const TOUCH_MS = 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface NewApiKey {
  name: string;
  role: Role;
  departmentCode?: string;
  districtCodes?: string[];
}

/**
 * API keys (`Authorization: ApiKey msk_…`): looked up by their public prefix, checked against
 * the stored SHA-256 in constant time, cached for a few seconds (a revocation takes effect
 * within 30 s in every process), with the last-used time written at most once a minute.
 */
export class ApiKeys {
  private readonly cache = new Map<string, { at: number; key: ApiKey | null }>();

  constructor(private readonly em: () => EntityManager) {}

  async create(k: NewApiKey, now = new Date()): Promise<{ key: string; record: ApiKey }> {
    validateClaims({ role: k.role, subject: k.name, departmentCode: k.departmentCode, districtCodes: k.districtCodes });
    const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    const em = this.em();
    const record = em.create(ApiKey, {
      prefix,
      name: k.name,
      secretHash: sha256(secret),
      role: k.role,
      departmentCode: k.departmentCode ?? null,
      districtCodes: k.districtCodes ?? [],
      createdAt: now,
    });
    await em.flush();
    return { key: `msk_${prefix}_${secret}`, record };
  }

  async list(): Promise<ApiKey[]> {
    return this.em().find(ApiKey, {}, { orderBy: { createdAt: 'asc' } });
  }

  async revoke(prefix: string, now = new Date()): Promise<boolean> {
    const em = this.em();
    const k = await em.findOne(ApiKey, { prefix });
    if (!k || k.revokedAt) return false;
    k.revokedAt = now;
    await em.flush();
    this.cache.delete(prefix);
    return true;
  }

  /** The viewer of a presented key; UNAUTHENTICATED when it is unknown, wrong or revoked. */
  /** Drops a key from this process's cache: its next use reads the database (revocation at once). */
  forget(prefix: string): void {
    this.cache.delete(prefix);
  }

  async viewer(presented: string): Promise<Viewer> {
    const m = KEY.exec(presented.trim());
    if (!m) throw unauthenticated('the API key is not valid');
    const [, prefix, secret] = m;
    let hit = this.cache.get(prefix);
    if (!hit || Date.now() - hit.at > CACHE_MS) {
      hit = { at: Date.now(), key: await this.em().findOne(ApiKey, { prefix }) };
      // only keys that exist are kept, and so many at most: made-up keys cannot grow the cache
      if (hit.key) {
        if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(prefix, hit);
      } else this.cache.delete(prefix);
    }
    const k = hit.key;
    const given = Buffer.from(sha256(secret), 'hex');
    if (!k || k.revokedAt || !timingSafeEqual(given, Buffer.from(k.secretHash, 'hex'))) throw unauthenticated('the API key is not valid');
    if (!k.lastUsedAt || Date.now() - k.lastUsedAt.getTime() > TOUCH_MS) {
      k.lastUsedAt = new Date();
      void this.em()
        .nativeUpdate(ApiKey, { prefix }, { lastUsedAt: k.lastUsedAt })
        .catch(() => undefined);
    }
    return { role: k.role, subject: `apikey:${k.name}`, departmentCode: k.departmentCode ?? undefined, districtCodes: k.districtCodes };
  }
}
