// The fault suite (upstream and client faults) on a RedisStore, through Express 5: the books must balance on Redis too.
import { RedisStore } from '@agentwall/redis';
import { faultSuite } from '../../core/test/support/fault-suite.js';
import { factories } from '../../express/test/factories.js';
import { REDIS_URL, deletePrefix, describeWithRedis, quiet, uniquePrefix } from './redis-available.js';

const prefix = uniquePrefix('faults');

describeWithRedis('fault suite on Redis', () => {
  afterAll(() => deletePrefix(prefix));
  faultSuite(factories[0]!, () => new RedisStore({ url: REDIS_URL, prefix, logger: quiet }), 'redis');
});
