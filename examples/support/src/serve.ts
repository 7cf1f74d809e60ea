// Listens on the configured port, prints the start-up lines, and closes everything on SIGINT or SIGTERM.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExampleConfig } from './env-config.js';

/**
 * A graceful stop of a server with AgentWall mounted: the server stops taking requests (idle keep-alive
 * connections close now, busy ones once their answer is out), AgentWall lets the requests in flight
 * finish and records their steps (it cuts what still runs after its `shutdownTimeoutMs`), and a
 * connection still open 2 s after that is cut. A restart then loses no record and leaves no reservation held.
 *
 * @example
 * process.once('SIGTERM', () => void closeGracefully(server, () => firewall.close()));
 */
export async function closeGracefully(server: http.Server, closeFirewall: () => Promise<void>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await closeFirewall();
  const late = setTimeout(() => server.closeAllConnections(), 2_000);
  await closed;
  clearTimeout(late);
}

/**
 * Serves `handler` for an example server and shuts down gracefully on SIGINT or SIGTERM: the server
 * stops taking requests, AgentWall lets those in flight finish and records them, then the store and
 * the mock LLM the config made close.
 *
 * @example
 * await serveExample(app, 'express', config, () => firewall.close());
 */
export async function serveExample(handler: http.RequestListener, label: string, config: ExampleConfig, closeFirewall: () => Promise<void>): Promise<http.Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  for (const line of config.notices) console.log(line);
  console.log(`AgentWall (${label}) listening on http://127.0.0.1:${port}  (OpenAI base URL: http://127.0.0.1:${port}/v1, Anthropic base URL: http://127.0.0.1:${port})`);

  const shutdown = async (): Promise<void> => {
    await closeGracefully(server, closeFirewall);
    await config.store?.close();
    await config.mock?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  return server;
}
