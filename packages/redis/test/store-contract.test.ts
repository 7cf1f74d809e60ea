// RedisStore against the store contract suite that MemoryStore passes: same calls, same answers.
import { RedisStore } from '@agentwall/redis';
import { storeContract } from '@agentwall/core/testing';
import { REDIS_URL, deletePrefix, describeWithRedis, quiet, uniquePrefix } from './redis-available.js';

const prefix = uniquePrefix('contract');

describeWithRedis('RedisStore', () => {
  afterAll(() => deletePrefix(prefix));
  storeContract('RedisStore', async () => new RedisStore({ url: REDIS_URL, prefix, logger: quiet }));
});
