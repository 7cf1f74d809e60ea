// Public types of the mock LLM: options, queued failures, recorded requests and the running server handle.
import type http from 'node:http';

/** Behaviour knobs shared by {@link startMockLlm} and {@link createMockLlmHandler}. */
export interface MockLlmOptions {
  /** Default answer delay in ms before headers (default 0). */
  delayMs?: number | undefined;
  /** Delay between stream chunks in ms (default 0). */
  chunkDelayMs?: number | undefined;
  /** Number of content chunks when streaming (default: one per word of the answer). */
  streamChunks?: number | undefined;
  /** Fixed answer text; default: a deterministic answer derived from the last user message. */
  answer?: string | undefined;
  /**
   * API key the mock requires (default: none required): as `Authorization: Bearer` on OpenAI routes, as
   * `x-api-key` or `Authorization: Bearer` on Anthropic routes.
   */
  apiKey?: string | undefined;
  /** Log one line per request to the console (default false). */
  log?: boolean | undefined;
  /** Most requests kept in `requests`, oldest dropped first, so a long-running mock stays bounded (default 10,000). */
  maxRecorded?: number | undefined;
  /**
   * Most Responses API responses remembered for `previous_response_id`, GET and item references, and most
   * Anthropic prompt prefixes remembered as cached; oldest forgotten first (default 1,000).
   */
  maxStoredResponses?: number | undefined;
}

/** Options of {@link startMockLlm}: the behaviour knobs plus where to listen. */
export interface StartMockLlmOptions extends MockLlmOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number | undefined;
  /** Interface to bind (default 127.0.0.1). */
  host?: string | undefined;
}

/** One request as the mock received it. */
export interface RecordedRequest {
  method: string;
  /** The request target as received (path plus any query string). */
  path: string;
  /** Request headers with lowercased names; repeated headers are joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** True when the connection closed before the mock finished its response (client gave up). */
  aborted: boolean;
}

/**
 * A behaviour queued for the next POST request(s), on any route (chat completions, responses, embeddings,
 * messages, count_tokens, cancel); `times` defaults to 1.
 * - `status`: respond with this status and JSON body (default an OpenAI-style error body).
 * - `hang`: accept the request and never send headers, until the socket closes.
 * - `drop`: streaming: send `afterChunks` SSE events then destroy the socket; non-streaming: destroy it before responding.
 * - `delay`: wait `ms` before headers (replaces the default `delayMs` for that request).
 * - `stall`: streaming: send `afterChunks` SSE events then go silent without ending; non-streaming: send headers, never the body.
 */
export type MockFailure =
  | { kind: 'status'; status: number; body?: unknown; times?: number }
  | { kind: 'hang'; times?: number }
  | { kind: 'drop'; afterChunks: number; times?: number }
  | { kind: 'delay'; ms: number; times?: number }
  | { kind: 'stall'; afterChunks: number; times?: number };

/** Node-style request handler with the mock's recording and failure controls attached. */
export interface MockLlmHandler {
  (req: http.IncomingMessage, res: http.ServerResponse): void;
  /** Every request received, in arrival order; the same array survives {@link MockLlmHandler.reset}. */
  readonly requests: RecordedRequest[];
  /** Queue a failure/behaviour for the next POST request(s). */
  fail(failure: MockFailure): void;
  /** Clear recorded requests, queued failures, stored responses and cached prompts. */
  reset(): void;
}

/** A running mock LLM server. */
export interface MockLlm {
  /** OpenAI base URL including `/v1`, e.g. `http://127.0.0.1:PORT/v1` (the `openai` SDK's `baseURL`). */
  url: string;
  /** Origin without `/v1`, e.g. `http://127.0.0.1:PORT`: the Anthropic SDK's `baseURL` and `ANTHROPIC_BASE_URL`. */
  origin: string;
  port: number;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Queue a failure/behaviour for the next POST request(s). */
  fail(failure: MockFailure): void;
  /** Clear recorded requests, queued failures, stored responses and cached prompts. */
  reset(): void;
  /** Close the server and every open socket, including hung and streaming ones. */
  close(): Promise<void>;
  server: http.Server;
}
