// Example: AgentWall mounted in a Koa app, configured from the environment (SPEC section 10).
import Koa from 'koa';
import { agentwall } from '@agentwall/koa';
import { exampleConfigFromEnv, serveExample } from '@agentwall/example-support';

const config = await exampleConfigFromEnv();
const app = new Koa();
const firewall = agentwall(config.options);
app.use(firewall);
app.use(async (ctx) => {
  if (ctx.path === '/') ctx.body = { service: 'agentwall example (koa)', chat: '/v1/chat/completions', messages: '/v1/messages', health: '/health' };
});

await serveExample(app.callback(), 'koa', config, () => firewall.close());
