// The options of AgentWall: one zod schema with the defaults, resolved once at construction into a config.
import { z } from 'zod';
import type { Dispatcher } from 'undici';
import type { DlpAction, DlpCustomPattern, DlpKind } from './dlp/index.js';
import type { RefusalEvent, StepEvent } from './events/events.js';
import type { Store } from './store/store.js';

const MiB = 1024 * 1024;

/** What a `verifyKey` callback or a configured key says about a key. */
export interface KeySettings {
  /** Stable name of the key: its keyId in run and usage APIs. Default: first 12 hex chars of sha256(key). */
  name?: string | undefined;
  /** Step limit per run for this key. Default: the global `maxSteps`. */
  maxSteps?: number | undefined;
  /** Allowed model names or glob patterns (`gpt-4o*`). Default: every model. */
  models?: string[] | undefined;
  /** Budgets in USD for this key, overriding the global ones. */
  budgets?: { runUsd?: number | undefined; dailyUsd?: number | undefined; monthlyUsd?: number | undefined } | undefined;
  /** Loop detection settings for this key, over the global ones. */
  loop?: LoopOptions | undefined;
}

/** Loop detection settings (SPEC section 5). */
export interface LoopOptions {
  /** `'block'` (429), `'warn'` (forward, report in metadata and `X-AgentWall-Loop`), `'kill'` (block and kill the run). Default: `'block'`. */
  mode?: 'block' | 'warn' | 'kill' | undefined;
  /** Recent steps searched for repeats and cycles; a repeating block is at most half of it. Default: 10. */
  window?: number | undefined;
  /** Similarity (0.5 to 1) at which two prompts count as near repeats. Default: 0.9. */
  similarity?: number | undefined;
  /** Near repeats in a row that make a loop. Default: 3. */
  nearRepeats?: number | undefined;
  /** The same action (tool calls, or a text agent's fenced command) with the same observation, in a row, that makes a loop, whatever the thought around it. Default: 3. */
  toolRepeats?: number | undefined;
}

const budgetsSchema = z
  .object({
    runUsd: z.number().nonnegative().optional(),
    dailyUsd: z.number().nonnegative().optional(),
    monthlyUsd: z.number().nonnegative().optional(),
  })
  .strict();

const loopShape = {
  mode: z.enum(['block', 'warn', 'kill']).optional(),
  window: z.number().int().min(2).max(100).optional(),
  similarity: z.number().min(0.5).max(1).optional(),
  nearRepeats: z.number().int().min(2).max(100).optional(),
  toolRepeats: z.number().int().min(2).max(100).optional(),
};
const loopSchema = z.object(loopShape).strict();

const keySettingsShape = {
  name: z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, 'use letters, digits, . _ : -').optional(),
  maxSteps: z.number().int().nonnegative().optional(),
  models: z.array(z.string().min(1)).optional(),
  budgets: budgetsSchema.optional(),
  loop: loopSchema.optional(),
};

const keySchema = z
  .object({
    key: z.string().min(8, 'a key needs at least 8 characters').optional(),
    keyHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'keyHash must be a sha256 hex digest')
      .optional(),
    ...keySettingsShape,
  })
  .strict()
  .refine((k) => (k.key === undefined) !== (k.keyHash === undefined), 'give exactly one of `key` or `keyHash`');

const modelPriceSchema = z
  .object({
    inputPerMTok: z.number().nonnegative(),
    outputPerMTok: z.number().nonnegative(),
    cachedInputPerMTok: z.number().nonnegative().optional(),
    cacheWritePerMTok: z.number().nonnegative().optional(),
    cacheWrite1hPerMTok: z.number().nonnegative().optional(),
  })
  .strict();

const upstreamSchema = z
  .object({
    /** Which API the upstream speaks; decides the protocols it serves and how its key is sent. */
    kind: z.enum(['openai', 'anthropic']).optional(),
    /** OpenAI: base URL including the version path, e.g. https://api.openai.com/v1; Anthropic: the API root. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    apiKey: z.string().optional(),
    /** Model name patterns this upstream serves (glob with `*`). Omitted: the fallback upstream. */
    models: z.array(z.string().min(1)).optional(),
    /** Extra headers sent to this upstream (e.g. OpenAI-Organization). */
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const timeoutsSchema = z
  .object({
    connectMs: z.number().int().positive().default(10_000),
    firstByteMs: z.number().int().positive().default(120_000),
    idleMs: z.number().int().positive().default(120_000),
  })
  .strict();

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const fn = z.custom<Function>((v) => typeof v === 'function', 'expected a function');

const logger = z.custom<Logger>(
  (v) => typeof v === 'object' && v !== null && ['info', 'warn', 'error'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
  'expected an object with info, warn and error functions',
);

/** The zod schema of {@link AgentWallOptions}. */
export const optionsSchema = z
  .object({
    auth: z.enum(['keys', 'none']).default('keys'),
    keys: z.array(keySchema).default([]),
    verifyKey: fn.optional(),
    adminKey: z.string().min(8, 'the admin key needs at least 8 characters').optional(),
    upstream: upstreamSchema.optional(),
    upstreams: z.array(upstreamSchema).min(1).optional(),
    timeouts: timeoutsSchema.default({ connectMs: 10_000, firstByteMs: 120_000, idleMs: 120_000 }),
    maxBodyBytes: z.number().int().positive().default(10 * MiB),
    maxSteps: z.number().int().nonnegative().default(50),
    maxRunCostUsd: z.number().nonnegative().nullable().default(10),
    dailyBudgetUsd: z.number().nonnegative().optional(),
    monthlyBudgetUsd: z.number().nonnegative().optional(),
    maxRunDurationMs: z.number().int().positive().optional(),
    unknownModel: z.enum(['allow', 'reject']).default('allow'),
    prices: z.record(z.string(), modelPriceSchema).optional(),
    priceProvider: z.string().min(1).optional(),
    outputTokenCap: z.number().int().positive().default(4096),
    loop: z.union([z.literal(false), loopSchema]).default({}),
    failOpen: z
      .object({ auth: z.boolean().default(false), budgets: z.boolean().default(false), loop: z.boolean().default(true) })
      .strict()
      .default({ auth: false, budgets: false, loop: true }),
    dlp: z
      .union([
        z.literal(false),
        z
          .object({
            kinds: z.record(z.string(), z.enum(['off', 'mask', 'block'])).optional(),
            custom: z.array(z.custom<DlpCustomPattern>((v) => typeof v === 'object' && v !== null, 'expected a pattern object')).optional(),
            responses: z.boolean().default(false),
          })
          .strict(),
      ])
      .default({ responses: false }),
    runTtlMs: z.number().int().positive().default(24 * 60 * 60 * 1000),
    maxRunsInMemory: z.number().int().positive().default(100_000),
    shutdownTimeoutMs: z.union([z.number().int().nonnegative(), z.literal(Infinity)]).default(10_000),
    maxStreamEventBytes: z.number().int().positive().default(MiB),
    passUnknownV1Routes: z.boolean().default(false),
    onStep: fn.optional(),
    onRefusal: fn.optional(),
    dispatcher: z.custom<Dispatcher>((v) => typeof v === 'object' && v !== null && typeof (v as Dispatcher).dispatch === 'function', 'expected an undici Dispatcher').optional(),
    storeTimeoutMs: z.number().int().positive().default(1000),
    reservationLeaseMs: z.number().int().positive().default(60_000),
    store: z.custom<Store>((v) => typeof v === 'object' && v !== null && typeof (v as Store).admit === 'function', 'expected a Store').optional(),
    logger: logger.optional(),
    // process.env is not a plain object, so a record schema would refuse it.
    env: z.custom<Record<string, string | undefined>>((v) => typeof v === 'object' && v !== null, 'expected an object of strings').optional(),
    now: fn.optional(),
  })
  .strict();

/** Where AgentWall writes warnings and errors. Never receives keys. Default: `console`. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Which API an upstream speaks. `'openai'`: chat completions (and the other OpenAI routes), key sent as
 * `Authorization: Bearer`. `'anthropic'`: Anthropic's Messages API (`/v1/messages`, `/v1/messages/count_tokens`),
 * key sent as `x-api-key`. A request goes only to an upstream of the kind its route speaks.
 */
export type UpstreamKind = 'openai' | 'anthropic';

/** One upstream provider. */
export interface UpstreamOptions {
  /** The API it speaks. Default: `'openai'`. */
  kind?: UpstreamKind | undefined;
  /**
   * Where it is. OpenAI kind: the base URL with the version path, default `https://api.openai.com/v1`. Anthropic
   * kind: the API root as `ANTHROPIC_BASE_URL` gives it, default `https://api.anthropic.com` (a trailing `/v1`
   * is dropped, since the Messages paths carry it).
   */
  url?: string | undefined;
  /**
   * The provider's key: `Authorization: Bearer` for the OpenAI kind, `x-api-key` for the Anthropic kind; `''`
   * for none. Default: `OPENAI_API_KEY` for the single `upstream` option (and the built-in default),
   * `ANTHROPIC_API_KEY` for every upstream of the Anthropic kind.
   */
  apiKey?: string | undefined;
  /** Model patterns served by this upstream (`claude-*`). Omitted: serves every model no other upstream claims. */
  models?: string[] | undefined;
  /** Extra headers for this upstream. */
  headers?: Record<string, string> | undefined;
}

/**
 * The options of `agentwall()`. Every field is optional; the defaults are given per field.
 *
 * @example
 * agentwall({ keys: [{ key: process.env.AW_KEY!, name: 'agent-a' }], upstream: { url: 'https://api.openai.com/v1', apiKey: process.env.OPENAI_API_KEY } })
 */
export interface AgentWallOptions {
  /** `'keys'` (default) requires an AgentWall key; `'none'` turns auth off and must be said out loud. */
  auth?: 'keys' | 'none' | undefined;
  /** AgentWall keys. Default: `AGENTWALL_API_KEYS` (comma-separated) when set. */
  keys?: Array<({ key: string; keyHash?: undefined } | { keyHash: string; key?: undefined }) & KeySettings> | undefined;
  /** Checks a key kept elsewhere. Return settings (or `true`) to accept, `false`/`null` to refuse. */
  verifyKey?: ((token: string) => KeySettings | boolean | null | undefined | Promise<KeySettings | boolean | null | undefined>) | undefined;
  /** Reads and kills any run, revokes keys. Default: `AGENTWALL_ADMIN_KEY`. */
  adminKey?: string | undefined;
  /**
   * The one upstream. Default, when neither `upstream` nor `upstreams` is given: OpenAI
   * (`https://api.openai.com/v1`, `OPENAI_API_KEY`) for the OpenAI routes and Anthropic
   * (`https://api.anthropic.com`, `ANTHROPIC_API_KEY`) for the Messages API.
   */
  upstream?: UpstreamOptions | undefined;
  /**
   * Several upstreams. A request goes to an upstream of the kind its route speaks; among those, the first whose
   * `models` patterns match the model, else the first without `models`, else the first. A route no upstream
   * speaks answers 404 `not_found`.
   */
  upstreams?: UpstreamOptions[] | undefined;
  /** Upstream timeouts. Defaults: connect 10 s, first byte 120 s, between stream chunks 120 s. */
  timeouts?: { connectMs?: number | undefined; firstByteMs?: number | undefined; idleMs?: number | undefined } | undefined;
  /** Largest accepted request body. Default: 10 MiB. */
  maxBodyBytes?: number | undefined;
  /** Step limit per run (0: none). Default: 50. */
  maxSteps?: number | undefined;
  /** Budget per run in USD (`null`: none). Default: 10. Per key: `keys[].budgets.runUsd`. */
  maxRunCostUsd?: number | null | undefined;
  /** Budget per key per UTC day in USD. Default: none. Per key: `keys[].budgets.dailyUsd`. */
  dailyBudgetUsd?: number | undefined;
  /** Budget per key per UTC month in USD. Default: none. Per key: `keys[].budgets.monthlyUsd`. */
  monthlyBudgetUsd?: number | undefined;
  /** Refuse a run's requests once it started longer ago than this. Default: none. */
  maxRunDurationMs?: number | undefined;
  /** A model the price list does not know: `'allow'` (priced 0, warned once) or `'reject'` (400). Default: `'allow'`. */
  unknownModel?: 'allow' | 'reject' | undefined;
  /** Prices per model name or `*` glob, in USD per million tokens; they beat the price package. */
  prices?:
    | Record<string, { inputPerMTok: number; outputPerMTok: number; cachedInputPerMTok?: number | undefined; cacheWritePerMTok?: number | undefined; cacheWrite1hPerMTok?: number | undefined }>
    | undefined;
  /** Provider hint for the price package (e.g. `'openrouter'`). Default: detected from the model name. */
  priceProvider?: string | undefined;
  /** Output tokens reserved when a request sets no `max_tokens`. Default: 4096. */
  outputTokenCap?: number | undefined;
  /**
   * What each guard does while the store is unreachable: `true` lets requests through (logged),
   * `false` refuses them with 503 `store_unavailable`. Default: `{ auth: false, budgets: false, loop: true }`.
   */
  failOpen?: { auth?: boolean | undefined; budgets?: boolean | undefined; loop?: boolean | undefined } | undefined;
  /** Loop detection. Default: on, `block` mode, window 10, similarity 0.9, 3 near repeats, 3 tool repeats. `false` turns it off. */
  loop?: false | LoopOptions | undefined;
  /**
   * DLP on prompts (and optionally answers). Default: secrets and card numbers masked, e-mail,
   * phone, SSN and IBAN off, answers untouched. `false` turns DLP off.
   */
  dlp?:
    | false
    | {
        /** Action per kind: `'off'`, `'mask'` or `'block'` (400 `dlp_blocked`). */
        kinds?: Partial<Record<DlpKind, DlpAction>> | undefined;
        /** Extra patterns: `{ name, pattern, action?, validate? }`. */
        custom?: DlpCustomPattern[] | undefined;
        /** Also mask the model's answers, streamed or not. Default: false. */
        responses?: boolean | undefined;
      }
    | undefined;
  /** Run state expires this long after the run's last activity. Default: 24 h. */
  runTtlMs?: number | undefined;
  /** Bound of the default `MemoryStore`. Default: 100,000 runs. */
  maxRunsInMemory?: number | undefined;
  /**
   * How long `close()` lets upstream requests in flight finish; past it they are cut off (a stream is
   * charged its estimate) and recorded. `Infinity`: no bound. Default: 10 s.
   */
  shutdownTimeoutMs?: number | undefined;
  /**
   * A streamed event (one SSE event) larger than this is relayed as it arrives without being parsed, so one
   * huge event can neither stall the instance nor be held in memory; its text then counts by size. Default: 1 MiB.
   */
  maxStreamEventBytes?: number | undefined;
  /**
   * A `/v1/...` path AgentWall does not serve: `false` answers a JSON 404 in OpenAI's error shape naming the path
   * (`not_found`), which every OpenAI client reads, instead of the host app's own 404 page; `true` hands it to the
   * host app (`next()`), for apps that serve `/v1/...` routes of their own beside AgentWall. Default: false.
   */
  passUnknownV1Routes?: boolean | undefined;
  /**
   * Called once per settled step (JSON or streamed, completed, failed or cut off) with its record and
   * metadata, after the store recorded it. Also published on `node:diagnostics_channel` as `agentwall:step`.
   * A callback that throws is logged (`AW_EVENT_HANDLER_FAILED`), never breaks the request. Default: none.
   */
  onStep?: ((event: StepEvent) => void) | undefined;
  /**
   * Called once per request AgentWall refuses with its own error (code, guard, key, run). Also published as
   * `agentwall:refusal`. Default: none.
   */
  onRefusal?: ((event: RefusalEvent) => void) | undefined;
  /**
   * The undici dispatcher for upstream requests, e.g. a `ProxyAgent` for an outbound proxy, or a `MockAgent`
   * in tests. AgentWall does not close a dispatcher it was given. Default: AgentWall's own keep-alive `Agent`.
   */
  dispatcher?: Dispatcher | undefined;
  /**
   * Deadline of every call to the store, ms: past it the call counts as failed, each guard fails open or
   * closed as `failOpen` says, and `/health/ready` answers 503. A store that is slow or frozen is a store
   * that is down. Default: 1000 (1 s): a thousand times a Redis round trip and well above a GC pause or a
   * busy event loop's lag, so it does not fire on a healthy store, yet a frozen Redis costs each request
   * one second, small beside the LLM call it guards, instead of hanging it.
   */
  storeTimeoutMs?: number | undefined;
  /**
   * How long a step's reservation outlives its request at most, ms, when the request dies without
   * settling (an instance killed mid-request, an admit whose answer was lost and could not be undone).
   * A request still running renews its lease every third of it, so long streams keep their reservation
   * however long they run. Past it the store releases the reservation from the run, the day and the
   * month; a settle that still comes records its cost and releases nothing twice. At least three times
   * `storeTimeoutMs`. Default: 60,000 (60 s).
   */
  reservationLeaseMs?: number | undefined;
  /** Where state lives. Default: a bounded `MemoryStore`. */
  store?: Store | undefined;
  /** Default: `console`. */
  logger?: Logger | undefined;
  /** Environment to read `AGENTWALL_*`, `OPENAI_API_KEY` and `ANTHROPIC_API_KEY` from. Default: `process.env`. */
  env?: Record<string, string | undefined> | undefined;
  /** Clock in ms, for tests. Default: `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * Reads options with zod, throwing a `TypeError` that names the first bad option.
 * @internal
 */
export function parseOptions(input: AgentWallOptions | undefined): z.output<typeof optionsSchema> {
  const result = optionsSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.length ? issue.path.join('.') : '(options)';
  const unknownKeys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.map((k) => `\`${[...issue.path, k].join('.')}\``).join(', ')})` : '';
  throw new TypeError(`AgentWall: invalid option \`${path}\`: ${issue.message}${unknownKeys}`);
}
