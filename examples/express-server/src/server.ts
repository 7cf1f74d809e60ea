// Example: AgentWall mounted in an Express app, configured from the environment (SPEC section 10).
import express from 'express';
import { agentwall } from '@agentwall/express';
import { exampleConfigFromEnv, serveExample } from '@agentwall/example-support';

const config = await exampleConfigFromEnv();
const app = express();
const firewall = agentwall(config.options);
app.use(firewall);
app.get('/', (_req, res) => {
  res.json({ service: 'agentwall example (express)', chat: '/v1/chat/completions', messages: '/v1/messages', health: '/health' });
});

await serveExample(app, 'express', config, () => firewall.close());
