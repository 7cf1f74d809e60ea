// The budget race on /v1/responses on RedisStore (through Express 5): the spend never passes a budget.
import { RedisStore } from '@agentwall/redis';
import { responsesBudgetSuite } from '../../core/test/support/responses-budget-suite.js';
import { factories } from '../../express/test/factories.js';
import { REDIS_URL, deletePrefix, describeWithRedis, quiet, uniquePrefix } from './redis-available.js';

// A prefix per store: each test starts with a key that has spent nothing today.
const prefixes: string[] = [];

describeWithRedis('RedisStore', () => {
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(p);
  });
  responsesBudgetSuite(factories[0]!, {
    name: 'RedisStore',
    make: () => {
      const prefix = uniquePrefix('responses-budget');
      prefixes.push(prefix);
      return new RedisStore({ url: REDIS_URL, prefix, logger: quiet });
    },
  });
});
