// AgentWall's own API keys: held as sha256 digests and looked up by digest.
import { hash } from 'node:crypto';
import type { KeySettings } from '../options.js';

/** A key that passed authentication. Never holds the key itself. */
export interface KeyIdentity extends KeySettings {
  /** The key's name, or the first 12 hex characters of sha256(key). */
  keyId: string;
  isAdmin: boolean;
}

/** sha256 of a string, as 64 hex characters (one-shot `crypto.hash`: a third of `createHash`'s cost, no Buffer). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** The keyId of a key that has no name: the first 12 hex characters of its sha256 (SPEC section 2). */
export function defaultKeyId(digestHex: string): string {
  return digestHex.slice(0, 12);
}

/**
 * The configured keys, held only as sha256 digests. A presented key is hashed and looked up by its digest,
 * so the time the lookup takes depends on the digest, never on how much of a real key an attacker has
 * guessed: comparing digests in constant time would hide nothing more (a digest's matching prefix says
 * nothing about the key behind it), so it is not done.
 */
export class KeyRing {
  private readonly byDigest = new Map<string, KeyIdentity>();
  private readonly admin: string | undefined;

  constructor(keys: Array<{ key?: string | undefined; keyHash?: string | undefined } & KeySettings>, adminKey: string | undefined) {
    for (const k of keys) {
      const hex = k.key !== undefined ? sha256Hex(k.key) : k.keyHash!.toLowerCase();
      const { key: _key, keyHash: _hash, ...settings } = k;
      const identity: KeyIdentity = { ...settings, keyId: k.name ?? defaultKeyId(hex), isAdmin: false };
      if (this.byDigest.has(hex)) throw new TypeError(`AgentWall: invalid option \`keys\`: key "${identity.keyId}" is listed twice`);
      this.byDigest.set(hex, identity);
    }
    this.admin = adminKey === undefined ? undefined : sha256Hex(adminKey);
  }

  /** The identity of a configured key by its keyId. */
  byKeyId(keyId: string): KeyIdentity | undefined {
    for (const identity of this.byDigest.values()) if (identity.keyId === keyId) return identity;
    return undefined;
  }

  /** The identity of a presented token, or undefined. */
  lookup(token: string): KeyIdentity | undefined {
    const digest = sha256Hex(token);
    if (digest === this.admin) return { keyId: 'admin', isAdmin: true };
    return this.byDigest.get(digest);
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
