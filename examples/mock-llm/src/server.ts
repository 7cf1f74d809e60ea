// Starts the mock handler on its own node:http server and exposes the handle tests and examples use.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockLlmHandler } from './handler.js';
import type { MockLlm, StartMockLlmOptions } from './types.js';

function urlHost(host: string): string {
  // A wildcard bind is not a connectable address; loopback reaches it from the same machine.
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Start a mock LLM server speaking OpenAI's and Anthropic's APIs (port 0 by default, i.e. a free port on
 * 127.0.0.1). Resolves once it is listening; `url` is the OpenAI base URL including `/v1`, `origin` the
 * Anthropic base URL without it.
 *
 * @example
 * const mock = await startMockLlm();
 * const openai = new OpenAI({ baseURL: mock.url, apiKey: 'unused' });
 * const anthropic = new Anthropic({ baseURL: mock.origin, apiKey: 'unused' });
 */
export async function startMockLlm(opts: StartMockLlmOptions = {}): Promise<MockLlm> {
  const { port = 0, host = '127.0.0.1', ...behaviour } = opts;
  const handler = createMockLlmHandler(behaviour);
  const server = http.createServer(handler);
  // Outlive typical client keep-alive agents, so a proxy never reuses a socket the mock is just closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;

  const origin = `http://${urlHost(host)}:${actualPort}`;
  return {
    url: `${origin}/v1`,
    origin,
    port: actualPort,
    requests: handler.requests,
    fail: handler.fail,
    reset: handler.reset,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        // Hung and stalled responses would keep close() waiting forever otherwise.
        server.closeAllConnections();
      }),
  };
}
