// Authentication: configured keys, verifyKey for keys kept elsewhere, revocation, and auth "none".
import { createAgentWall } from '../src/index.js';
import { configOf } from '../src/agentwall.js';

const quiet = { info() {}, warn() {}, error() {} };

describe('authentication', () => {
  it('asks verifyKey for keys it does not hold, sync or async, and takes its settings', async () => {
    const seen: string[] = [];
    const aw = createAgentWall({
      env: {},
      logger: quiet,
      verifyKey: async (token) => {
        seen.push(token);
        if (token === 'aw-external-good') return { name: 'external', maxSteps: 3 };
        if (token === 'aw-external-plain') return true;
        return false;
      },
    });
    await expect(configOf(aw).auth.authenticate({ authorization: 'Bearer aw-external-good' })).resolves.toMatchObject({ keyId: 'external', maxSteps: 3, isAdmin: false });
    const plain = await configOf(aw).auth.authenticate({ authorization: 'Bearer aw-external-plain' });
    expect(plain.keyId).toMatch(/^[0-9a-f]{12}$/);
    await expect(configOf(aw).auth.authenticate({ authorization: 'Bearer aw-external-bad' })).rejects.toMatchObject({ code: 'invalid_api_key', status: 401 });
    expect(seen).toEqual(['aw-external-good', 'aw-external-plain', 'aw-external-bad']);
    await aw.close();
  });

  it('refuses revoked keys, and never echoes a key in its errors', async () => {
    const aw = createAgentWall({ env: {}, logger: quiet, keys: [{ key: 'aw-secret-key-1', name: 'one' }] });
    await configOf(aw).store.revokeKey('one');
    const err = await configOf(aw).auth.authenticate({ authorization: 'Bearer aw-secret-key-1' }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'invalid_api_key' });
    expect((err as Error).message).not.toContain('aw-secret-key-1');
    await aw.close();
  });

  it('with auth "none" lets requests in as "anonymous", and still knows the admin key', async () => {
    const aw = createAgentWall({ auth: 'none', env: {}, logger: quiet, adminKey: 'aw-admin-key-1' });
    await expect(configOf(aw).auth.authenticate({})).resolves.toMatchObject({ keyId: 'anonymous', isAdmin: false });
    await expect(configOf(aw).auth.authenticate({ authorization: 'Bearer aw-admin-key-1' })).resolves.toMatchObject({ isAdmin: true });
    await aw.close();
  });
});
