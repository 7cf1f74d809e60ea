// The budget race on /v1/messages with the Redis store: the same suite as on memory, through the express adapter.
import { RedisStore } from '../src/index.js';
import { messagesBudgetSuite } from '../../core/test/support/messages-budget-suite.js';
import { factories } from '../../express/test/factories.js';
import { REDIS_URL, deletePrefix, describeWithRedis, quiet, uniquePrefix } from './redis-available.js';

describeWithRedis('RedisStore under the /v1/messages budget race', () => {
  const stores: Array<{ store: RedisStore; prefix: string }> = [];
  // A fresh store and key space per app, as each memory-store app has its own (the key's daily spend would
  // otherwise carry over between tests). AgentWall does not close a store it was given, so they close here.
  const withRedis = () => {
    const prefix = uniquePrefix('messages-budget');
    const store = new RedisStore({ url: REDIS_URL, prefix, logger: quiet });
    stores.push({ store, prefix });
    return { store };
  };

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.store.close()));
    for (const s of stores) await deletePrefix(s.prefix);
  });

  messagesBudgetSuite(factories[0]!, withRedis, 'redis');
});
