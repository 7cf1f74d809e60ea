// Listens on the configured port, prints the start-up lines, and closes everything on SIGINT or SIGTERM.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExampleConfig } from './env-config.js';

/**
 * Serves `handler` for an example server and shuts down cleanly: the server, then AgentWall, then the
 * store and the mock LLM the config made.
 *
 * @example
 * await serveExample(app, 'express', config, () => firewall.close());
 */
export async function serveExample(handler: http.RequestListener, label: string, config: ExampleConfig, closeFirewall: () => Promise<void>): Promise<http.Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  for (const line of config.notices) console.log(line);
  console.log(`AgentWall (${label}) listening on http://127.0.0.1:${port}  (OpenAI base URL: http://127.0.0.1:${port}/v1)`);

  const shutdown = async (): Promise<void> => {
    server.closeAllConnections();
    server.close();
    await closeFirewall();
    await config.store?.close();
    await config.mock?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  return server;
}
