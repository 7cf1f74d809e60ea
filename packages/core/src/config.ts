// Options resolved once at construction into the private config every request reads.
import { Authenticator } from './auth/authenticate.js';
import { KeyRing } from './auth/key-ring.js';
import { createPriceBook, type PriceBook } from './cost/pricing.js';
import { createDlpScanner, type DlpScanner } from './dlp/index.js';
import type { Dispatcher } from 'undici';
import { Upstreams } from './forward/upstreams.js';
import { Events } from './events/events.js';
import { buildGuards, type Guard } from './guards/index.js';
import { DEFAULT_LOOP_PARAMS } from './loop/index.js';
import { SettleRetries } from './pipeline/settle-retries.js';
import { StepsInFlight } from './pipeline/steps-in-flight.js';
import { KeyPolicies, resolveLoop, type LoopSettings } from './policy/key-policy.js';
import { parseOptions, type AgentWallOptions, type Logger, type UpstreamOptions } from './options.js';
import { guardStore } from './store/guarded-store.js';
import { MemoryStore } from './store/memory-store.js';
import type { Store } from './store/store.js';

export type { LoopSettings } from './policy/key-policy.js';

/** Everything a request needs, built once. Internal: the public surface is `AgentWallOptions`. */
export interface AgentWallConfig {
  options: ReturnType<typeof parseOptions>;
  store: Store;
  ownsStore: boolean;
  auth: Authenticator;
  upstreams: Upstreams;
  logger: Logger;
  now: () => number;
  maxBodyBytes: number;
  maxSteps: number;
  runTtlMs: number;
  prices: PriceBook;
  /** Undefined when DLP is off altogether, so the hot path skips it. */
  dlp: DlpScanner | undefined;
  dlpResponses: boolean;
  /** Loop detection settings, or undefined when it is off. */
  loop: LoopSettings | undefined;
  /** Each key's policy, resolved once per key. */
  policies: KeyPolicies;
  /** The guards every guarded call runs, in order. */
  guards: Guard[];
  /** Step and refusal events. */
  events: Events;
  /** A streamed event larger than this is relayed unparsed. */
  maxStreamEventBytes: number;
  /** Admitted steps not settled yet; `close()` waits for them. */
  inFlight: StepsInFlight;
  /** Steps whose settle failed, sent again until the store records them. */
  settleRetries: SettleRetries;
  /** How long `close()` lets requests in flight run before it cuts them. */
  shutdownTimeoutMs: number;
}

/**
 * The upstream list: `upstreams`, or `upstream` alone, or by default OpenAI and Anthropic. Keys not given come
 * from the environment: `OPENAI_API_KEY` for the single or default OpenAI upstream (as before there were kinds),
 * `ANTHROPIC_API_KEY` for any upstream of the Anthropic kind.
 */
function resolveUpstreams(upstream: UpstreamOptions | undefined, upstreams: UpstreamOptions[] | undefined, env: Record<string, string | undefined>): UpstreamOptions[] {
  const anthropicKey = (u: UpstreamOptions): UpstreamOptions => (u.kind === 'anthropic' && u.apiKey === undefined ? { ...u, apiKey: env['ANTHROPIC_API_KEY'] || undefined } : u);
  if (upstreams) {
    if (upstream) throw new TypeError('AgentWall: invalid option `upstream`: give either `upstream` or `upstreams`, not both');
    return upstreams.map(anthropicKey);
  }
  const openAIKey = (u: UpstreamOptions): UpstreamOptions => (u.apiKey === undefined ? { ...u, apiKey: env['OPENAI_API_KEY'] || undefined } : u);
  if (upstream) return [upstream.kind === 'anthropic' ? anthropicKey(upstream) : openAIKey(upstream)];
  return [openAIKey({ kind: 'openai' }), anthropicKey({ kind: 'anthropic' })];
}

/** Splits `AGENTWALL_API_KEYS` (comma-separated) into keys. */
function envKeys(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

/**
 * Validates options and builds the config. Throws `TypeError` naming the bad option, and refuses to
 * start without keys unless `auth: "none"` is given.
 */
export function resolveConfig(input: AgentWallOptions | undefined): AgentWallConfig {
  const options = parseOptions(input);
  const env = options.env ?? process.env;

  const keys: Array<{ key?: string | undefined; keyHash?: string | undefined; name?: string | undefined }> = [...options.keys];
  if (keys.length === 0) for (const key of envKeys(env['AGENTWALL_API_KEYS'])) keys.push({ key });
  const adminKey = options.adminKey ?? (env['AGENTWALL_ADMIN_KEY'] || undefined);
  if (options.auth === 'keys' && keys.length === 0 && !options.verifyKey) {
    throw new TypeError(
      'AgentWall: no API keys configured. Pass `keys`, set AGENTWALL_API_KEYS, or give `verifyKey`. ' +
        'To run without authentication (never on a network you do not trust), pass `auth: "none"`.',
    );
  }

  const upstreamList = resolveUpstreams(options.upstream, options.upstreams, env);

  if (options.reservationLeaseMs < 3 * options.storeTimeoutMs) {
    throw new TypeError('AgentWall: invalid option `reservationLeaseMs`: it must be at least 3 times `storeTimeoutMs`, so that a lease renewal has time to land');
  }
  const logger = options.logger ?? console;
  const inFlight = new StepsInFlight();
  // Every store call has a deadline; an admit whose answer is lost is cancelled through the retry queue,
  // which sends through the guarded store in turn.
  const queue: { retries?: SettleRetries } = {};
  const store = guardStore(options.store ?? new MemoryStore({ maxRuns: options.maxRunsInMemory }), {
    timeoutMs: options.storeTimeoutMs,
    leaseMs: options.reservationLeaseMs,
    logger,
    onUnanswered: (req, err) => queue.retries?.cancel(req, err),
  });
  const settleRetries = (queue.retries = new SettleRetries(store, inFlight, logger));
  const prices = createPriceBook({
    ...(options.prices ? { overrides: options.prices } : {}),
    ...(options.priceProvider ? { provider: options.priceProvider } : {}),
    now: () => new Date((options.now as (() => number) | undefined)?.() ?? Date.now()),
    onUnknownModel: (model) => {
      if (options.unknownModel === 'allow') {
        logger.warn(`agentwall: no price known for model "${model}"; it is metered at 0 (set \`prices\` or \`unknownModel: "reject"\`)`, { code: 'AW_UNKNOWN_MODEL', model });
      }
    },
  });
  const ring = new KeyRing(keys, adminKey);
  let dlp: DlpScanner | undefined;
  if (options.dlp !== false) {
    try {
      dlp = createDlpScanner({ kinds: options.dlp.kinds ?? {}, ...(options.dlp.custom ? { custom: options.dlp.custom } : {}) });
    } catch (err) {
      throw new TypeError(`AgentWall: invalid option \`dlp\`: ${(err as Error).message}`);
    }
    if (!dlp.enabled) dlp = undefined;
  }
  const loop = options.loop === false ? undefined : resolveLoop({ mode: 'block', params: { ...DEFAULT_LOOP_PARAMS } }, options.loop);
  const cfg: AgentWallConfig = {
    options,
    store,
    ownsStore: options.store === undefined,
    auth: new Authenticator(ring, options.verifyKey as never, store, options.auth, options.failOpen.auth, (err) =>
      logger.error(`agentwall: store unreachable while checking a key; failing ${options.failOpen.auth ? 'open' : 'closed'}`, { code: 'AW_STORE_UNAVAILABLE', guard: 'auth', error: String(err) }),
    ),
    upstreams: new Upstreams(upstreamList, options.timeouts, options.dispatcher as Dispatcher | undefined),
    logger,
    now: (options.now as (() => number) | undefined) ?? Date.now,
    maxBodyBytes: options.maxBodyBytes,
    maxSteps: options.maxSteps,
    runTtlMs: options.runTtlMs,
    prices,
    dlp,
    dlpResponses: options.dlp !== false && options.dlp.responses && dlp !== undefined,
    loop,
    policies: new KeyPolicies({
      maxSteps: options.maxSteps,
      maxRunCostUsd: options.maxRunCostUsd,
      dailyBudgetUsd: options.dailyBudgetUsd,
      monthlyBudgetUsd: options.monthlyBudgetUsd,
      loop,
    }),
    guards: [],
    events: new Events({
      onStep: options.onStep as AgentWallOptions['onStep'],
      onRefusal: options.onRefusal as AgentWallOptions['onRefusal'],
      onError: (err, which) => logger.error(`agentwall: the \`${which}\` callback threw; the request was not affected`, { code: 'AW_EVENT_HANDLER_FAILED', error: String(err) }),
    }),
    maxStreamEventBytes: options.maxStreamEventBytes,
    inFlight,
    settleRetries,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
  };
  cfg.guards = buildGuards(cfg);
  return cfg;
}
