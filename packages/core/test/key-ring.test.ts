// Keys are held hashed; ids are names or a digest prefix; tokens come from Authorization or x-api-key.
import { createHash } from 'node:crypto';
import { KeyRing, extractToken } from '../src/auth/key-ring.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('KeyRing', () => {
  it('finds keys given in clear or as sha256, and never keeps the clear key', () => {
    const ring = new KeyRing([{ key: 'aw-clear-key-1', name: 'clear' }, { keyHash: sha('aw-hashed-key-2') }], 'aw-admin-key-3');
    expect(ring.lookup('aw-clear-key-1')).toMatchObject({ keyId: 'clear', isAdmin: false });
    expect(ring.lookup('aw-hashed-key-2')).toMatchObject({ keyId: sha('aw-hashed-key-2').slice(0, 12) });
    expect(ring.lookup('aw-admin-key-3')).toMatchObject({ isAdmin: true });
    expect(ring.lookup('aw-unknown')).toBeUndefined();
    expect(JSON.stringify(ring.lookup('aw-clear-key-1'))).not.toContain('aw-clear-key-1');
  });

  it('extracts the token from Authorization: Bearer or x-api-key', () => {
    expect(extractToken({ authorization: 'Bearer abc' })).toBe('abc');
    expect(extractToken({ authorization: 'bearer   abc  ' })).toBe('abc');
    expect(extractToken({ 'x-api-key': 'xyz' })).toBe('xyz');
    expect(extractToken({ authorization: 'Basic abc' })).toBeUndefined();
    expect(extractToken({})).toBeUndefined();
  });
});
