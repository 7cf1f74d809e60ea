// One AgentWall instance: an Express app with its own RedisStore client, as each of several servers would run it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { agentwall, type AgentWallMiddleware, type AgentWallOptions } from '@agentwall/express';
import { RedisStore } from '@agentwall/redis';
import { closeGracefully } from '@agentwall/example-support';

/** What {@link startInstance} needs. */
export interface InstanceOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Default: `127.0.0.1`. */
  host?: string;
  /** Shared by every instance, e.g. `redis://127.0.0.1:6379`. */
  redisUrl: string;
  /** Key prefix in Redis. Default: the store's `'agentwall:'`. */
  prefix?: string;
  /** AgentWall options; `store` is set by the instance. */
  options: AgentWallOptions;
  /** Shown in the `X-Served-By` header, so a client can see which instance answered. Default: `'agentwall'`. */
  name?: string;
}

/** A running instance. */
export interface RunningInstance {
  /** `http://host:port`, where AgentWall is mounted (OpenAI base URL: `${url}/v1`). */
  url: string;
  store: RedisStore;
  close(): Promise<void>;
}

/**
 * The Express app of one instance: AgentWall on the given store, plus a small index route.
 *
 * @example
 * const { app } = createInstanceApp({ keys, store: new RedisStore({ url }) }, 'instance-1');
 */
export function createInstanceApp(options: AgentWallOptions, name = 'agentwall'): { app: express.Express; firewall: AgentWallMiddleware } {
  const app = express();
  app.use((_req, res, next) => {
    res.setHeader('X-Served-By', name);
    next();
  });
  const firewall = agentwall(options);
  app.use(firewall);
  app.get('/', (_req, res) => {
    res.json({ service: `agentwall example (express + redis), ${name}`, chat: '/v1/chat/completions', health: '/health' });
  });
  return { app, firewall };
}

/**
 * Starts one instance with its own Redis connection, as a separate server process would have.
 *
 * @example
 * const one = await startInstance({ port: 8000, redisUrl: 'redis://127.0.0.1:6379', options });
 */
export async function startInstance(o: InstanceOptions): Promise<RunningInstance> {
  const store = new RedisStore({ url: o.redisUrl, ...(o.prefix !== undefined ? { prefix: o.prefix } : {}), ...(o.options.logger ? { logger: o.options.logger } : {}) });
  const { app, firewall } = createInstanceApp({ ...o.options, store }, o.name);
  const server = http.createServer(app);
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    store,
    async close() {
      await closeGracefully(server, () => firewall.close());
      // AgentWall closes only a store it made itself; this one is ours.
      await store.close();
    },
  };
}
