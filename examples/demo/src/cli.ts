// `pnpm demo`: the openai SDK's tool runner against AGENTWALL_BASE_URL, or against an example server it starts on the mock LLM.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { agentwall } from '@agentwall/express';
import { exampleConfigFromEnv, GUIDE_DEV_KEY } from '@agentwall/example-support';
import { runDemo } from './demo.js';

const external = process.env['AGENTWALL_BASE_URL'];
if (external) {
  await runDemo(external.replace(/\/v1\/?$/, ''), process.env['AGENTWALL_API_KEY'] ?? GUIDE_DEV_KEY, console.log);
} else {
  const { options, mock } = await exampleConfigFromEnv({ AGENTWALL_MOCK_UPSTREAM: '1', PORT: '0' });
  const app = express();
  const firewall = agentwall({ ...options, logger: { info() {}, warn: console.warn, error: console.error } });
  app.use(firewall);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`AgentWall demo: an example server on the bundled mock LLM at ${base}`);
  await runDemo(base, GUIDE_DEV_KEY, console.log);
  server.closeAllConnections();
  server.close();
  await firewall.close();
  await mock?.close();
}
