// Authentication: from request headers to a key identity, or a 401 that never echoes the key.
import { AgentWallError } from '../errors.js';
import type { KeySettings } from '../options.js';
import type { Store } from '../store/store.js';
import { KeyRing, defaultKeyId, extractToken, sha256Hex, type KeyIdentity } from './key-ring.js';

type VerifyKey = (token: string) => KeySettings | boolean | null | undefined | Promise<KeySettings | boolean | null | undefined>;

const ANONYMOUS: KeyIdentity = Object.freeze({ keyId: 'anonymous', isAdmin: false });

/** Turns request headers into a {@link KeyIdentity}. */
export class Authenticator {
  constructor(
    private readonly ring: KeyRing,
    private readonly verifyKey: VerifyKey | undefined,
    private readonly store: Store,
    private readonly mode: 'keys' | 'none',
    private readonly failOpen: boolean = false,
    private readonly onStoreError: (err: unknown) => void = () => undefined,
  ) {}

  /** The configured settings of a key by its keyId (keys from `verifyKey` are not known here). */
  settingsOf(keyId: string): KeyIdentity | undefined {
    return this.ring.byKeyId(keyId);
  }

  /** Throws `invalid_api_key` (401) or `store_unavailable` (503, auth fails closed). */
  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<KeyIdentity> {
    const identity = await this.identify(headers);
    if (this.needsRevocationCheck(identity)) await this.checkRevocation(identity);
    return identity;
  }

  /**
   * The key's identity without the revocation check, for a caller that has the store check
   * revocation inside its own call (see `Store.checksRevocationInAdmit`). Throws `invalid_api_key`.
   */
  async identify(headers: Record<string, string | string[] | undefined>): Promise<KeyIdentity> {
    const token = extractToken(headers);
    let identity: KeyIdentity | undefined;
    if (token !== undefined) {
      identity = this.ring.lookup(token);
      if (!identity && this.verifyKey) {
        const verdict = await this.verifyKey(token);
        if (verdict) {
          const settings = verdict === true ? {} : verdict;
          identity = { ...settings, keyId: settings.name ?? defaultKeyId(sha256Hex(token)), isAdmin: false };
        }
      }
    }
    if (!identity) {
      if (this.mode === 'none') return ANONYMOUS;
      throw new AgentWallError(
        'invalid_api_key',
        token === undefined
          ? 'Missing API key. Pass it as "Authorization: Bearer <key>".'
          : 'Incorrect API key provided. Check the key and that it has not been revoked.',
      );
    }
    return identity;
  }

  /** False for the admin key and for anonymous access (`auth: "none"`), which cannot be revoked. */
  needsRevocationCheck(identity: KeyIdentity): boolean {
    return identity !== ANONYMOUS && !identity.isAdmin;
  }

  /** Throws `invalid_api_key` when the key was revoked, `store_unavailable` when that cannot be known and auth fails closed. */
  async checkRevocation(identity: KeyIdentity): Promise<void> {
    let revoked: boolean;
    try {
      revoked = await this.store.isRevoked(identity.keyId);
    } catch (err) {
      this.onStoreError(err);
      if (!this.failOpen) throw storeUnavailableForAuth();
      revoked = false;
    }
    if (revoked) throw revokedKeyError();
  }
}

/** The 401 of a revoked key: the same words as a wrong key, so a revoked key learns nothing more. */
export function revokedKeyError(): AgentWallError {
  return new AgentWallError('invalid_api_key', 'Incorrect API key provided. Check the key and that it has not been revoked.');
}

/** The 503 when the store cannot say whether a key was revoked and auth fails closed. */
export function storeUnavailableForAuth(): AgentWallError {
  return new AgentWallError('store_unavailable', 'AgentWall cannot reach its store to check the key; try again shortly.');
}
