// AgentWall's own API keys: held as sha256 digests, looked up by digest and confirmed in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { KeySettings } from '../options.js';

/** A key that passed authentication. Never holds the key itself. */
export interface KeyIdentity extends KeySettings {
  /** The key's name, or the first 12 hex characters of sha256(key). */
  keyId: string;
  isAdmin: boolean;
}

/** sha256 of a string, as a Buffer. */
export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The keyId of a key that has no name: the first 12 hex characters of its sha256 (SPEC section 2). */
export function defaultKeyId(digestHex: string): string {
  return digestHex.slice(0, 12);
}

interface Entry {
  digest: Buffer;
  identity: KeyIdentity;
}

/**
 * The configured keys. Lookup goes by digest, so the time it takes says nothing about the key;
 * the final comparison uses `timingSafeEqual` all the same.
 */
export class KeyRing {
  private readonly byDigest = new Map<string, Entry>();
  private readonly admin: Buffer | undefined;

  constructor(keys: Array<{ key?: string | undefined; keyHash?: string | undefined } & KeySettings>, adminKey: string | undefined) {
    for (const k of keys) {
      const digest = k.key !== undefined ? sha256(k.key) : Buffer.from(k.keyHash!.toLowerCase(), 'hex');
      const hex = digest.toString('hex');
      const { key: _key, keyHash: _hash, ...settings } = k;
      const identity: KeyIdentity = { ...settings, keyId: k.name ?? defaultKeyId(hex), isAdmin: false };
      if (this.byDigest.has(hex)) throw new TypeError(`AgentWall: invalid option \`keys\`: key "${identity.keyId}" is listed twice`);
      this.byDigest.set(hex, { digest, identity });
    }
    this.admin = adminKey === undefined ? undefined : sha256(adminKey);
  }

  /** The identity of a configured key by its keyId. */
  byKeyId(keyId: string): KeyIdentity | undefined {
    for (const e of this.byDigest.values()) if (e.identity.keyId === keyId) return e.identity;
    return undefined;
  }

  /** The identity of a presented token, or undefined. */
  lookup(token: string): KeyIdentity | undefined {
    const digest = sha256(token);
    if (this.admin && timingSafeEqual(digest, this.admin)) return { keyId: 'admin', isAdmin: true };
    const entry = this.byDigest.get(digest.toString('hex'));
    if (!entry || !timingSafeEqual(digest, entry.digest)) return undefined;
    return entry.identity;
  }
}

/** The bearer token of a request: `Authorization: Bearer <key>` or `x-api-key`. */
export function extractToken(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const x = headers['x-api-key'];
  if (typeof x === 'string' && x.length > 0) return x.trim();
  return undefined;
}
