// Contender (e): AgentWall in Express on the Redis store; skipped until @agentwall/redis exists and Redis answers.
import express from 'express';
import { agentwall, type Store } from '@agentwall/express';
import { agentwallOptions, describeAgentWall } from './agentwall-options.js';
import { contenderEnv } from './contender-env.js';
import { note, serve, skip } from './serve.js';

interface RedisModule {
  RedisStore: new (options: { url: string }) => Store;
}

// A variable specifier keeps the compiler from requiring the package before it is written.
const specifier: string = '@agentwall/redis';
let mod: RedisModule;
try {
  mod = (await import(specifier)) as RedisModule;
} catch (err) {
  skip(`${specifier} cannot be imported (${(err as { code?: string }).code ?? String(err)})`);
}

const { redisUrl } = contenderEnv();
if (!redisUrl) skip('no Redis URL was given');
const store = new mod.RedisStore({ url: redisUrl });
try {
  await store.ping();
} catch (err) {
  skip(`Redis at ${redisUrl} does not answer (${String(err)})`);
}

const options = agentwallOptions({ store });
const firewall = agentwall(options);
note(describeAgentWall(options));
const app = express();
app.use(firewall);
// AgentWall closes only a store it created; this one is ours.
await serve(app, async () => {
  await firewall.close();
  await store.close();
});
