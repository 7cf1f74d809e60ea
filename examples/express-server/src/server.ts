// Example: AgentWall mounted in an Express app, configured from the environment (SPEC section 10).
import express from 'express';
import { agentwall } from '@agentwall/express';
import { exampleConfigFromEnv } from '@agentwall/example-support';
import type { AddressInfo } from 'node:net';

const { port, options, mock, store, notices } = await exampleConfigFromEnv();
const app = express();
const firewall = agentwall(options);
app.use(firewall);
app.get('/', (_req, res) => {
  res.json({ service: 'agentwall example (express)', chat: '/v1/chat/completions', health: '/health' });
});

const server = app.listen(port, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  for (const line of notices) console.log(line);
  console.log(`AgentWall (express) listening on http://127.0.0.1:${port}  (OpenAI base URL: http://127.0.0.1:${port}/v1)`);
});

async function shutdown(): Promise<void> {
  server.closeAllConnections();
  server.close();
  await firewall.close();
  await store?.close();
  await mock?.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
