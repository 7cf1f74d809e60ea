// An in-memory harness for AgentWall's handle(): core requests in, core responses out, undici's MockAgent upstream.
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { MockAgent, type Interceptable } from 'undici';
import { createAgentWall, type AgentWallInternals } from '../../src/agentwall.js';
import type { AgentWall, AgentWallOptions } from '../../src/index.js';
import type { ClientGoneSignal, CoreRequest, CoreResponse } from '../../src/entry/node.js';

/** The mock upstream's origin and base URL. */
export const UPSTREAM_ORIGIN = 'http://upstream.test';
export const UPSTREAM_KEY = 'sk-in-memory-provider-key';

/** One request the mock upstream received. */
export interface UpstreamCall {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

/** A reply of the mock upstream: status, JSON (or raw text, e.g. SSE) and headers. */
export interface UpstreamReply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** What a test reads of a core response, the stream drained. */
export interface ReadResponse {
  status: number;
  headers: Record<string, string | string[]>;
  text: string;
  json: Record<string, unknown>;
  outcome: CoreResponse['outcome'];
}

class Gone extends EventEmitter implements ClientGoneSignal {
  aborted = false;
}

function headersOf(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (h && typeof (h as Headers).forEach === 'function') (h as Headers).forEach((v, k) => (out[k.toLowerCase()] = v));
  else if (h && typeof h === 'object') for (const [k, v] of Object.entries(h as Record<string, unknown>)) out[k.toLowerCase()] = String(v);
  return out;
}

/**
 * An AgentWall instance whose upstream is undici's MockAgent: no sockets, no ports. `upstream(path, reply)`
 * answers the next requests to a path (`reply` may be a function of the request); `send` runs a request
 * through `handle()` and drains the answer.
 *
 * @example
 * const h = inMemory({ keys: [{ key: 'aw-key-12345678' }] });
 * h.upstream('/v1/chat/completions', { json: { choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } } });
 * const res = await h.send('POST', '/v1/chat/completions', { model: 'm', messages: [...] }, { authorization: 'Bearer aw-key-12345678' });
 */
export function inMemory(options: AgentWallOptions, internals: AgentWallInternals = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool: Interceptable = agent.get(UPSTREAM_ORIGIN);
  const calls: UpstreamCall[] = [];
  const aw: AgentWall = createAgentWall(
    { upstream: { url: `${UPSTREAM_ORIGIN}/v1`, apiKey: UPSTREAM_KEY }, logger: { info() {}, warn() {}, error() {} }, env: {}, ...options, dispatcher: agent },
    internals,
  );

  return {
    aw,
    calls,
    /**
     * Answers requests to `path` (below the origin, e.g. `/v1/chat/completions`; or a test of the path with its
     * query) with `reply`, `times` times (default: always).
     */
    upstream(path: string | ((path: string) => boolean), reply: UpstreamReply | ((call: UpstreamCall) => UpstreamReply), times?: number): void {
      const scope = pool.intercept({ path, method: () => true }).reply((opts) => {
        const text = typeof opts.body === 'string' ? opts.body : opts.body ? Buffer.from(opts.body as Uint8Array).toString('utf8') : '';
        const call: UpstreamCall = { path: opts.path, method: opts.method, headers: headersOf(opts.headers), body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
        calls.push(call);
        const r = typeof reply === 'function' ? reply(call) : reply;
        const isText = r.text !== undefined;
        return {
          statusCode: r.status ?? 200,
          data: isText ? r.text! : JSON.stringify(r.json ?? {}),
          responseOptions: { headers: { 'content-type': isText ? 'text/event-stream' : 'application/json', ...r.headers } },
        };
      });
      if (times === undefined) scope.persist();
      else scope.times(times);
    },
    /** Runs one request through `handle()`; undefined when the route is not AgentWall's. */
    async send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<ReadResponse | undefined> {
      const q = url.indexOf('?');
      const raw = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req: CoreRequest = {
        method,
        path: q === -1 ? url : url.slice(0, q),
        query: q === -1 ? '' : url.slice(q + 1),
        headers: { 'content-type': 'application/json', ...(raw !== undefined ? { 'content-length': String(Buffer.byteLength(raw)) } : {}), ...headers },
        body: { kind: 'stream', stream: Readable.from(raw === undefined ? [] : [Buffer.from(raw)]) },
        signal: new Gone(),
      };
      const res = await aw.handle(req);
      if (!res) return undefined;
      return read(res);
    },
    async close(): Promise<void> {
      await aw.close();
      await agent.close();
    },
  };
}

/** Drains a core response. */
export async function read(res: CoreResponse): Promise<ReadResponse> {
  let text: string;
  if (res.stream) {
    const parts: Buffer[] = [];
    for await (const chunk of res.stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    text = Buffer.concat(parts).toString('utf8');
  } else {
    text = res.body === undefined ? '' : Buffer.isBuffer(res.body) ? res.body.toString('utf8') : res.body;
  }
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // a stream, or an empty body
  }
  return { status: res.status, headers: res.headers, text, json, outcome: res.outcome };
}

/** The chat answer of a mock upstream, with usage. */
export function chatAnswer(content: string, usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 }): Record<string, unknown> {
  return { id: 'chatcmpl-1', object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage };
}
