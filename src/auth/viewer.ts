import { createRemoteJWKSet, decodeProtectedHeader, importSPKI, SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { JWTPayload, KeyLike } from 'jose';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { forbidden, unauthenticated } from '../shared/errors';

/** Who is asking. Every service method takes the viewer first and scopes by it. */
export enum Role {
  /** 话务员: takes calls, creates and dispatches tickets, return visits */
  OPERATOR = 'OPERATOR',
  /** 承办单位: works the tickets dispatched to one department */
  DEPARTMENT_STAFF = 'DEPARTMENT_STAFF',
  /** 区/镇街: watches its districts */
  DISTRICT_OFFICE = 'DISTRICT_OFFICE',
  /** 督办/调度: arbitration, extensions, supervision */
  SUPERVISOR = 'SUPERVISOR',
  /** BI tools: read-only, never personal data */
  ANALYST = 'ANALYST',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role', description: 'What a viewer may do and see.' });

export interface Viewer {
  readonly role: Role | null;
  /** subject of the token (a person or a system) */
  readonly subject: string;
  /** department code, for DEPARTMENT_STAFF viewers */
  readonly departmentCode?: string;
  /** district codes, for DISTRICT_OFFICE viewers */
  readonly districtCodes: readonly string[];
}

export const ANONYMOUS: Viewer = { role: null, subject: 'anonymous', districtCodes: [] };

/** Roles at the hotline centre, who see every ticket. */
export const CENTRE_ROLES: readonly Role[] = [Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN];

export function requireRole(viewer: Viewer, ...roles: Role[]): Role {
  if (!viewer.role) throw unauthenticated();
  if (!roles.includes(viewer.role)) {
    throw forbidden(`this needs one of the roles ${roles.join(', ')}; you are ${viewer.role}`);
  }
  return viewer.role;
}

export function requireSignedIn(viewer: Viewer): Role {
  if (!viewer.role) throw unauthenticated();
  return viewer.role;
}

/** A short actor label for audit logs, e.g. "DEPARTMENT_STAFF:GZ-HR/alice". */
export function actorOf(viewer: Viewer): string {
  const scope = viewer.departmentCode ?? (viewer.districtCodes.length ? viewer.districtCodes.join('+') : '');
  return `${viewer.role ?? 'ANONYMOUS'}${scope ? `:${scope}` : ''}/${viewer.subject}`;
}

@ObjectType('Viewer', { description: 'The signed-in viewer, as the hub sees them.' })
export class ViewerType {
  @Field(() => Role, { nullable: true })
  role!: Role | null;

  @Field(() => String)
  subject!: string;

  @Field(() => String, { nullable: true })
  departmentCode?: string;

  @Field(() => [String])
  districtCodes!: string[];
}

const ISSUER = 'minsheng';

export interface TokenClaims {
  role: Role;
  subject: string;
  departmentCode?: string;
  districtCodes?: string[];
}

/** Signs a bearer token (HS256). */
export async function signToken(secret: string, claims: TokenClaims, ttl = '12h'): Promise<string> {
  validateClaims(claims);
  return new SignJWT({
    role: claims.role,
    dep: claims.departmentCode,
    dis: claims.districtCodes?.length ? claims.districtCodes : undefined,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(secret));
}

/** the longest token subject taken (an identity provider's, a URL included); audit logs carry it */
export const MAX_SUBJECT_LENGTH = 255;

export function validateClaims(claims: TokenClaims): void {
  if (!Object.values(Role).includes(claims.role)) throw new Error(`unknown role ${claims.role}`);
  // eslint-disable-next-line no-control-regex
  if (!claims.subject || claims.subject.length > MAX_SUBJECT_LENGTH || /[\u0000-\u001f\u007f]/.test(claims.subject)) {
    throw new Error(`a token's subject is 1-${MAX_SUBJECT_LENGTH} characters without control characters`);
  }
  if (claims.role === Role.DEPARTMENT_STAFF && !claims.departmentCode) {
    throw new Error('a DEPARTMENT_STAFF token needs a department code');
  }
  if (claims.role === Role.DISTRICT_OFFICE && !claims.districtCodes?.length) {
    throw new Error('a DISTRICT_OFFICE token needs at least one district code');
  }
}

/**
 * How bearer tokens are verified: HS256 with the hub's secret (tokens it signs itself), and —
 * when configured — RS256/ES256 tokens of an identity provider, by a public key (PEM) or a
 * JWKS URL. The role and scope claims are the same either way (`role`, `dep`, `dis`).
 */
export interface TokenVerifier {
  secret: string;
  /** the identity provider's public key, PEM (SPKI) */
  publicKeyPem?: string;
  /** the identity provider's JWKS endpoint */
  jwksUrl?: string;
  /** the algorithm of `publicKeyPem` (default RS256) */
  algorithm?: 'RS256' | 'ES256';
  /** the `iss` of the identity provider's tokens (default: minsheng) */
  issuer?: string;
  /** the `aud` the identity provider's tokens must carry (checked when set) */
  audience?: string;
}

const ASYMMETRIC = ['RS256', 'ES256'];
type PublicKey = KeyLike | ReturnType<typeof createRemoteJWKSet>;
const keyCache = new WeakMap<TokenVerifier, Promise<PublicKey>>();

function publicKeyOf(v: TokenVerifier): Promise<PublicKey> | null {
  if (!v.publicKeyPem && !v.jwksUrl) return null;
  let k = keyCache.get(v);
  if (!k) {
    k = v.jwksUrl ? Promise.resolve(createRemoteJWKSet(new URL(v.jwksUrl))) : importSPKI(v.publicKeyPem!, v.algorithm ?? 'RS256');
    keyCache.set(v, k);
  }
  return k;
}

/**
 * Tokens verified lately, with their viewer and expiry: a dashboard or an operator's browser
 * sends the same token with every request, and checking its signature each time is wasted work.
 * Keyed by the verifier's secret and the token; an entry is used only until the token's `exp`.
 */
const verified = new Map<string, { viewer: Viewer; expiresAt: number }>();
const VERIFIED_MAX = 10_000;

/** Reads the viewer from an `Authorization: Bearer …` header; no header → anonymous. */
export async function viewerFromAuthorization(verifier: string | TokenVerifier, header: string | undefined | null): Promise<Viewer> {
  if (!header) return ANONYMOUS;
  const v: TokenVerifier = typeof verifier === 'string' ? { secret: verifier } : verifier;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!m) throw unauthenticated('the Authorization header must be "Bearer <token>"');
  const cacheKey = `${v.secret}\u0000${v.publicKeyPem ?? v.jwksUrl ?? ''}\u0000${m[1]}`;
  const hit = verified.get(cacheKey);
  if (hit) {
    if (hit.expiresAt > Date.now()) return hit.viewer;
    verified.delete(cacheKey);
  }
  const viewer = await verifyBearer(v, m[1]);
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
  verified.set(cacheKey, viewer);
  return viewer.viewer;
}

async function verifyBearer(v: TokenVerifier, token: string): Promise<{ viewer: Viewer; expiresAt: number }> {
  try {
    const alg = decodeProtectedHeader(token).alg ?? '';
    let payload: JWTPayload;
    if (alg === 'HS256') {
      ({ payload } = await jwtVerify(token, new TextEncoder().encode(v.secret), { issuer: ISSUER, algorithms: ['HS256'], requiredClaims: ['exp'] }));
    } else {
      const key = publicKeyOf(v);
      if (!key || !ASYMMETRIC.includes(alg)) throw new Error(`tokens signed with ${alg} are not accepted`);
      const k = await key;
      // a token must expire and name its subject (whose rate limit and audit entries it is);
      // one meant for another application is not ours
      const options = { issuer: v.issuer ?? ISSUER, algorithms: ASYMMETRIC, requiredClaims: ['exp', 'sub'], ...(v.audience ? { audience: v.audience } : {}) };
      ({ payload } =
        typeof k === 'function' ? await jwtVerify(token, k, options) : await jwtVerify(token, k, options));
    }
    const role = payload.role as Role;
    const claims: TokenClaims = {
      role,
      subject: String(payload.sub ?? 'unknown'),
      departmentCode: typeof payload.dep === 'string' ? payload.dep : undefined,
      districtCodes: Array.isArray(payload.dis) ? payload.dis.map(String) : [],
    };
    validateClaims(claims);
    // shared by the requests that bring the same token: frozen
    const viewer: Viewer = Object.freeze({
      role,
      subject: claims.subject,
      departmentCode: claims.departmentCode,
      districtCodes: Object.freeze([...(claims.districtCodes ?? [])]) as string[],
    });
    // cached until it expires; a token without `exp` is re-checked after a minute
    return { viewer, expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now() + 60_000 };
  } catch (e) {
    const reason = e instanceof joseErrors.JWTExpired ? 'the token has expired' : 'the token is not valid';
    throw unauthenticated(reason);
  }
}
