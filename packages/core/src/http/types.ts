// The framework-free request and response that adapters translate to and from.
import type { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** Where a request's body comes from. */
export type BodySource =
  /** The host app already parsed it (express.json(), a Koa body parser). */
  | { kind: 'parsed'; value: unknown }
  /** The raw request stream, not yet read. */
  | { kind: 'stream'; stream: Readable };

/** A request as the core sees it, relative to where AgentWall is mounted. */
export interface CoreRequest {
  method: string;
  /** Path below the mount point, starting with `/`, without the query. */
  path: string;
  /** The query string without `?`. */
  query: string;
  /** Lower-case header names, as Node gives them. */
  headers: IncomingHttpHeaders;
  body: BodySource;
  /**
   * Aborts when the client goes away before the response is complete. `toCoreRequest` gives a
   * {@link ClientGoneSignal}; an `AbortSignal` works as well.
   */
  signal: AbortSignal | ClientGoneSignal;
}

/**
 * An emitter that emits `abort` once, when the client goes away, and then says `aborted`. undici takes
 * it as a request's signal. It stands in for an `AbortSignal`, whose creation and listeners cost about
 * 10 µs per request in Node 20 (an `EventEmitter`: about 0.3 µs).
 */
export interface ClientGoneSignal extends EventEmitter {
  readonly aborted: boolean;
}

/** A response as the core produces it. `stream` and `body` are exclusive. */
export interface CoreResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body?: string | Buffer;
  /** A streamed body; adapters pipe it to the client with backpressure. */
  stream?: Readable;
  /** What AgentWall decided, for the host app (`ctx.state.agentwall`, `res.locals.agentwall`). */
  outcome?: RequestOutcome;
}

/**
 * What AgentWall decided about a request, for the host app (`res.locals.agentwall`, `ctx.state.agentwall`).
 * The same object is completed when the step settles: for a streamed answer that is when the stream ends,
 * before the response finishes, so a `finish` listener sees the final cost.
 */
export interface RequestOutcome {
  runId?: string;
  step?: number;
  /** The AgentWall error code when AgentWall refused the request. */
  error?: string;
  /** The `agentwall` metadata of the settled step (cost, run totals, findings), once it settled. */
  metadata?: Record<string, unknown>;
}
