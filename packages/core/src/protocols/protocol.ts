// The seam for wire protocols: what one guarded endpoint's body, texts, upstream call, usage and stream events look like.
import type { Usage } from '../cost/usage.js';
import type { DlpScanner, DlpTextResult } from '../dlp/index.js';
import type { ErrorFormat } from '../errors.js';
import type { LoopView } from '../loop/view.js';
import type { UpstreamKind } from '../options.js';
import type { ResponseCall, ResponseRecord } from '../store/store.js';
import type { StreamObserver } from '../stream/sse-relay.js';

/**
 * Scans one text for secrets (the DLP scanner's `scanText`); `field`, when present, scans a value whose name
 * comes from structure (a JSON member such as `{"password": "..."}`), which the name = value kinds judge too.
 */
export type TextScanner = ((text: string) => DlpTextResult) & { field?: ((name: string, value: string) => DlpTextResult) | undefined };

/** What a protocol reads from a validated body. The body itself is kept as it came. */
export interface ProtocolRequest {
  /** The body as the client sent it (or a masked copy after DLP); every field passes through. */
  readonly body: Record<string, unknown>;
  /** The model asked for; routes the request to an upstream and prices it. */
  readonly model: string;
  /** True when the client asked for a streamed answer. */
  readonly stream: boolean;
}

/** The result of masking a request's texts. */
export interface MaskedRequest<R extends ProtocolRequest> {
  /** The request itself when nothing changed; otherwise a copy sharing every unchanged part. */
  request: R;
  counts: Record<string, number>;
  /** Kinds in `block` mode that were found. */
  blocked: string[];
}

/** What a non-streamed answer says about its cost. */
export interface AnswerUsage {
  /** The upstream's usage, normalized; undefined when the answer has none (then it is estimated). */
  usage: Usage | undefined;
  /** Tokens of the generated text, estimated, for an answer without usage. */
  outputTokens: number;
}

/** Options of {@link Protocol.streamObserver}. */
export interface StreamObserverOptions {
  /** Token estimate of a piece of generated text. */
  estimateTokens: (text: string) => number;
  /** Set when answers are DLP-masked (`dlp.responses`): the observer masks text deltas as they pass. */
  scanner?: DlpScanner | undefined;
}

/** What a protocol reads of one answer for {@link ProtocolChain}: the response's id, its calls, its reply's digest. */
export interface ChainLink {
  responseId: string;
  /** Function calls of the output, in order, bounded as `RESPONSE_LIMITS` says. */
  calls: ResponseCall[];
  /** sha256 (32 hex chars) of the visible output text, `''` when none. */
  outputDigest: string;
}

/**
 * Server-side conversation state, for a protocol whose requests can continue an earlier answer by its id (the
 * Responses API's `previous_response_id`). The pipeline (`pipeline/chain.ts`) looks the parent up in the store,
 * refuses another key's, joins the parent's run when the client names none, hands the parent to the protocol
 * (its calls for the loop view, its tokens for the reservation), and remembers each answer it relayed.
 *
 * @example
 * const protocol: Protocol<MyCall> = { ..., chain: { parentId: (r) => r.body.previous_response_id ?? undefined, ... } };
 */
export interface ProtocolChain<R extends ProtocolRequest> {
  /** The id of the earlier answer this request continues; undefined when it continues none. */
  parentId(request: R): string | undefined;
  /** The request with what AgentWall remembers of its parent attached; `mask` must keep it. Never mutates. */
  withParent(request: R, parent: ResponseRecord): R;
  /** True when the upstream keeps this request's answer (so it can be continued or read later): then it is remembered. */
  remembers(request: R): boolean;
  /** The link of a successful JSON answer; undefined when it names no id. */
  answerLink(answer: Record<string, unknown>): ChainLink | undefined;
  /** The link of a stream, from the observer `streamObserver` made, with what it saw (the stream may have been cut). */
  streamLink(observer: StreamObserver): ChainLink | undefined;
}

/**
 * One wire protocol (OpenAI chat completions, the Responses API, Anthropic Messages, embeddings, ...): how its
 * body is read, which texts the guards see, the upstream request it makes, where usage sits in its answers and
 * streams, and how its clients expect an error. A protocol knows nothing of budgets, stores, loops or keys: the
 * guarded pipeline (`pipeline/guarded-call.ts`) runs any protocol through the same guards.
 *
 * Adding an endpoint is one folder under `protocols/` implementing this interface and one line in the route
 * table (`routes/table.ts`).
 *
 * @example
 * const echo: Protocol = { name: 'echo', upstreamPath: '/echo', errorFormat: 'openai', parse: (b) => ({ body: b as Record<string, unknown>, model: 'echo', stream: false }), ... };
 */
export interface Protocol<R extends ProtocolRequest = ProtocolRequest> {
  /** A short name for logs and events, e.g. `openai-chat`. */
  readonly name: string;
  /** The path below the upstream's base URL, e.g. `/chat/completions`. */
  readonly upstreamPath: string;
  /**
   * The kind of upstream that speaks this protocol: requests are routed among upstreams of this kind only, and a
   * route no configured upstream speaks answers 404. Default: `'openai'`.
   */
  readonly upstreamKind?: UpstreamKind;
  /**
   * True when this protocol's usage reports prompt-cache writes, which cost more than input (Anthropic's
   * Messages API): the budget reservation then prices input tokens at the dearest cache-write price. Default false.
   */
  readonly billsCacheWrites?: boolean;
  /** How this protocol's clients read an error. Default: OpenAI's shape. */
  readonly errorFormat: ErrorFormat;
  /**
   * Validates a parsed JSON body. Throws `validation_error` (422) in the SPEC section 4 shape. Returns the
   * request without copying the body: the hot path does not clone prompts.
   */
  parse(body: unknown): R;
  /** Masks the texts the model will read, returning a request that holds the masked texts. Never mutates. */
  mask(request: R, scan: TextScanner): MaskedRequest<R>;
  /** Estimated input tokens of the request, for the budget reservation and for cut streams. */
  inputTokens(request: R): number;
  /** The most output tokens the upstream may bill: the client's own limit, else `cap`. */
  maxOutputTokens(request: R, cap: number): number;
  /** The conversation as the loop detector sees it; absent or undefined: not loop-checked. */
  loopView?(request: R): LoopView | undefined;
  /** The body sent upstream: without AgentWall's own fields, asking for usage in streams. */
  upstreamBody(request: R): Record<string, unknown>;
  /** Usage of a successful JSON answer. `parse` parses the answer once, on demand. */
  answerUsage(raw: Buffer, parse: () => Record<string, unknown> | undefined): AnswerUsage;
  /** Masks a parsed JSON answer's generated texts (`dlp.responses`); absent: answers are not masked. */
  maskAnswer?(answer: Record<string, unknown>, scan: TextScanner): { answer: Record<string, unknown>; changed: boolean; counts: Record<string, number> };
  /** A fresh observer for one streamed answer: usage, text seen, which event ends the stream. */
  streamObserver(request: R, options: StreamObserverOptions): StreamObserver;
  /** Answers that later requests continue by id (see {@link ProtocolChain}); absent: every request stands alone. */
  readonly chain?: ProtocolChain<R>;
}
