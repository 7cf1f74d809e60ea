// What a protocol module hands the handler: routes, and the context each route handler runs with.
import type http from 'node:http';
import type { RequestBehaviour } from './behaviour.js';
import type { Exchange } from './http/exchange.js';
import type { MockState } from './state.js';
import type { MockLlmOptions } from './types.js';

/** Which error shape a route's injected failures and generic errors take. */
export type Protocol = 'openai' | 'anthropic';

/** Everything a route handler needs for one request. */
export interface RouteContext {
  ex: Exchange;
  /** The request's faults (default delay and no faults on GET and DELETE routes). */
  behaviour: RequestBehaviour;
  /** Captured groups of the route's pattern (e.g. a response id), URL-decoded. */
  params: string[];
  query: URLSearchParams;
  opts: MockLlmOptions;
  state: MockState;
}

/** One route: method, path pattern (matched without the optional `/v1` prefix) and handler. */
export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  protocol: Protocol;
  /** Extra condition on the request (e.g. a header) for routes that share a path with another protocol's. */
  when?: (req: http.IncomingMessage) => boolean;
  handle(ctx: RouteContext): void | Promise<void>;
}
