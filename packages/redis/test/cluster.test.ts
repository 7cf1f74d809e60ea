// RedisStore on a real Redis Cluster (one node owning every slot): Cluster refuses any script whose keys span slots.
import { Cluster, Redis } from 'ioredis';
import { RedisStore } from '@agentwall/redis';
import { storeContract } from '@agentwall/core/testing';
import { quiet } from './redis-available.js';
import { describeWithRedisServer, startPrivateRedis, type PrivateRedis } from './redis-server.js';

describeWithRedisServer('RedisStore on Redis Cluster', () => {
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await startPrivateRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1']);
    const admin = new Redis(redis.url);
    try {
      await admin.cluster('ADDSLOTSRANGE', 0, 16383);
      // The node serves its slots once the cluster state is ok.
      const until = Date.now() + 10_000;
      while (!String(await admin.cluster('INFO')).includes('cluster_state:ok')) {
        if (Date.now() > until) throw new Error('the one-node cluster did not become ready');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      admin.disconnect();
    }
  });
  afterAll(() => redis?.dispose());

  const clusters = new Map<RedisStore, Cluster>();
  storeContract(
    'RedisStore (Cluster client)',
    async () => {
      // The README's Cluster settings. Not FAIL_FAST_OPTIONS for the nodes: without their offline queue,
      // the Cluster's own ready check can reach a node still connecting, fail, and start over.
      const cluster = new Cluster([{ host: '127.0.0.1', port: redis.port }], {
        enableOfflineQueue: false,
        redisOptions: { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false },
      });
      const store = new RedisStore({ client: cluster, prefix: 'agentwall-cluster:', logger: quiet });
      clusters.set(store, cluster);
      return store;
    },
    async (store) => {
      await store.close();
      const cluster = clusters.get(store as RedisStore)!;
      clusters.delete(store as RedisStore);
      await cluster.quit();
    },
  );

  it('is the check it claims to be: Cluster refuses a script over two slots', async () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: redis.port }]);
    try {
      await expect(cluster.eval("return redis.call('GET', KEYS[1])", 2, '{a}:x', '{b}:y')).rejects.toThrow(/CROSSSLOT/);
    } finally {
      await cluster.quit();
    }
  });
});
