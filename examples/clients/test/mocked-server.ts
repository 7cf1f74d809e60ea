// An example server forwarding to a mock LLM in this process, so a test sees what the upstream received; and what a run must cost.
import { startMockLlm, type MockLlm } from '@agentwall/mock-llm';
import { startServer, type Framework, type ServerProcess } from './server-process.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const PROVIDER_KEY = 'sk-clients-provider-key-0001';

export interface MockedServer {
  server: ServerProcess;
  mock: MockLlm;
  stop(): Promise<void>;
}

/** Starts the mock LLM here and the example server on it, as a provider upstream (AGENTWALL_UPSTREAM_URL and its key). */
export async function startMockedServer(framework: Framework, apiKeys: string[]): Promise<MockedServer> {
  const mock = await startMockLlm({ apiKey: PROVIDER_KEY });
  try {
    const server = await startServer(framework, {
      apiKeys,
      env: { AGENTWALL_MOCK_UPSTREAM: '0', AGENTWALL_UPSTREAM_URL: mock.url, AGENTWALL_UPSTREAM_API_KEY: PROVIDER_KEY },
    });
    return {
      server,
      mock,
      async stop() {
        await server.stop();
        await mock.close();
      },
    };
  } catch (err) {
    await mock.close();
    throw err;
  }
}

/**
 * What a Responses usage costs on the example server (gpt-4o-mini from the price package: $0.15 uncached, $0.075
 * cached input, $0.60 output per million tokens), in integer micro-dollars rounded up per step, as AgentWall counts.
 */
export function gpt4oMiniMicros(usage: Json): number {
  const cached = usage['input_tokens_details']?.['cached_tokens'] ?? 0;
  const micros = (usage['input_tokens'] - cached) * 0.15 + cached * 0.075 + usage['output_tokens'] * 0.6;
  return Math.ceil(Math.round(micros * 1e6) / 1e6);
}

/** Every request the upstream got carries the provider's key and nothing of AgentWall's: no key, header or field. */
export function expectNothingOfAgentWallUpstream(mock: MockLlm, agentwallKeys: string[]): void {
  expect(mock.requests.length).toBeGreaterThan(0);
  for (const r of mock.requests) {
    expect(r.headers['authorization']).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(Object.keys(r.headers).filter((h) => h.startsWith('x-agentwall'))).toEqual([]);
    const body = r.body as Json | undefined;
    if (body) expect(Object.keys(body).filter((k) => k.startsWith('agentwall'))).toEqual([]);
    for (const key of agentwallKeys) expect(JSON.stringify(r)).not.toContain(key);
  }
}

/**
 * A `fetch` that keeps the text of every answer it gets (JSON or event stream), read from a clone so the client
 * reads the original as usual: the usage the upstream reported, as the client received it.
 */
export function recordingFetch(): { fetch: typeof fetch; texts: Array<Promise<string>>; statuses: number[] } {
  const texts: Array<Promise<string>> = [];
  const statuses: number[] = [];
  return {
    texts,
    statuses,
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      statuses.push(res.status);
      texts.push(res.clone().text());
      return res;
    },
  };
}

/** The usage of each successful Responses answer recorded: a JSON answer's `usage`, a stream's final event's. */
export async function usagesOf(texts: Array<Promise<string>>): Promise<Json[]> {
  const out: Json[] = [];
  for (const text of await Promise.all(texts)) {
    if (text.startsWith('{')) {
      const body = JSON.parse(text) as Json;
      if (body['usage'] && body['object'] === 'response') out.push(body['usage']);
      continue;
    }
    for (const block of text.split('\n\n')) {
      const type = /^event: (response\.(?:completed|incomplete|failed))$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (type && data) out.push((JSON.parse(data) as Json)['response']['usage']);
    }
  }
  return out;
}
