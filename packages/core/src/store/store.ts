// The Store contract: every piece of shared state AgentWall keeps, each method atomic as stated.

import type { LoopFinding, LoopParams, StepFingerprint, WindowEntry } from '../loop/index.js';

/** A run is namespaced by the key that owns it: key B never sees key A's run of the same id. */
export interface RunKey {
  keyId: string;
  runId: string;
}

/** One admitted step, as the run summary shows it. */
export interface StepRecord {
  step: number;
  model: string;
  /** `ok`: the upstream answered 2xx; `error`: it answered an error or could not be reached; `aborted`: the client left. */
  status: 'ok' | 'error' | 'aborted';
  httpStatus?: number;
  stream: boolean;
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
  reasoningTokens?: number;
  /** Prompt tokens written to the provider's cache, when the wire reports them (Anthropic); part of `promptTokens`. */
  cacheWriteTokens?: number;
  /** Cost in integer micro-dollars. */
  costMicros: number;
  /** True when usage never arrived and the cost was estimated from the text seen. */
  estimated: boolean;
  latencyMs: number;
  at: number;
}

/** A request that a guard refused after authentication. */
export interface BlockedAttempt {
  at: number;
  /** The error code, e.g. `loop_detected`. */
  type: string;
  loopType?: string;
}

/** What the runs API shows. */
export interface RunState {
  keyId: string;
  runId: string;
  agentId?: string;
  metadata?: Record<string, unknown>;
  status: 'active' | 'killed';
  killReason?: string;
  steps: number;
  /** Settled spend of the run, in micro-dollars. */
  costMicros: number;
  /** Reservations of requests in flight, in micro-dollars. */
  reservedMicros: number;
  createdAt: number;
  updatedAt: number;
  blockedCount: number;
  /** The latest blocked attempts (bounded). */
  blocked: BlockedAttempt[];
  /** The latest steps (bounded). */
  stepRecords: StepRecord[];
  /** DLP findings by kind, summed over the run. */
  dlp: Record<string, number>;
  /** Fingerprints of the latest admitted steps, oldest first (at most the loop window). */
  loopWindow: WindowEntry[];
}

/** What `admit` checks for loops, and what it does when it finds one. */
export interface LoopCheck {
  fingerprint: StepFingerprint;
  params: LoopParams;
  /** `block` refuses, `warn` admits and reports, `kill` refuses and kills the run. */
  mode: 'block' | 'warn' | 'kill';
}

/** Input of {@link Store.admit}. */
export interface AdmitRequest {
  run: RunKey;
  /**
   * Names this admit: the verdict carries it back as `admitId`, its settle and any `cancelAdmit` or
   * `renewLease` quote it. Unique per admit (a random id; it must not contain `|`). Absent: the store
   * makes one. A caller that may need to cancel an admit whose answer it lost sets it beforehand.
   */
  admitId?: string;
  /**
   * How long the step's reservation is held without word from the request (a settle or a renewal);
   * past it, the store releases it. Default: {@link DEFAULT_LEASE_MS}.
   */
  leaseMs?: number;
  now: number;
  /** Run state expires this long after the last activity. */
  ttlMs: number;
  agentId?: string;
  metadata?: Record<string, unknown>;
  /** Step limit of the run; 0 means none. */
  maxSteps: number;
  /** DLP findings of this request, added to the run when admitted. */
  dlp?: Record<string, number>;
  /** Refuse when the run started longer ago than this (ms). */
  maxDurationMs?: number;
  /** The worst-case cost to reserve against every budget that applies. */
  budget?: BudgetReservation;
  /** Loop detection for this request (SPEC section 5). */
  loop?: LoopCheck;
  /**
   * Refuse with `key_revoked` when `run.keyId` was revoked, before anything else and without touching
   * any state. Sent only to stores whose `checksRevocationInAdmit` is true.
   */
  checkRevoked?: boolean;
}

/** A reservation of money against the budgets of a run and its key. Limits absent: no such budget. */
export interface BudgetReservation {
  /** Worst-case cost of the request, integer micro-dollars. */
  micros: number;
  runLimitMicros?: number;
  dailyLimitMicros?: number;
  monthlyLimitMicros?: number;
  /** UTC day (`2026-11-24`) and month (`2026-11`) the key's spend is counted in. */
  day: string;
  month: string;
}

/** Which budget refused a request. */
export type BudgetScope = 'run' | 'key_daily' | 'key_monthly';

/** The verdict of {@link Store.admit}. */
export type AdmitVerdict =
  | {
      admitted: true;
      step: number;
      /** The admit's token: its settle must carry it (`SettleRequest.admitId`), and applies only while the run holds it. */
      admitId: string;
      /** In `warn` mode: the loop found, the request admitted anyway. */
      loop?: LoopFinding;
    }
  | { admitted: false; block: 'loop_detected'; steps: number; step: number; finding: LoopFinding; killed: boolean }
  | { admitted: false; block: 'run_killed'; steps: number; reason: string }
  | { admitted: false; block: 'step_limit_exceeded'; steps: number; limit: number }
  | { admitted: false; block: 'run_duration_exceeded'; steps: number; limitMs: number; startedAt: number }
  | { admitted: false; block: 'key_revoked'; steps: 0 }
  | { admitted: false; block: 'budget_exceeded'; steps: number; scope: BudgetScope; limitMicros: number; spentMicros: number; reservedMicros: number };

/** Input of {@link Store.settle}. */
export interface SettleRequest {
  run: RunKey;
  /** The token of the admit this step came from (`AdmitVerdict.admitId`). */
  admitId: string;
  now: number;
  ttlMs: number;
  record: StepRecord;
  /** The reservation taken at admit, released now; `record.costMicros` is added as spend instead. */
  reservation?: { micros: number; day: string; month: string };
  /**
   * Set when AgentWall sends a settle again because the store failed to answer it. That first attempt
   * may have been applied with only its answer lost; then the run no longer holds the admit, and when
   * it holds a record of `record.step` the retry changes nothing and answers the run's figures (not
   * `stale`: the outcome is recorded, once).
   */
  retry?: boolean;
}

/** A key's spend in one period. */
export interface PeriodUsage {
  spentMicros: number;
  reservedMicros: number;
}

/** A key's spend today and this month. */
export interface KeyUsage {
  daily: PeriodUsage;
  monthly: PeriodUsage;
}

/** The run after a settle. */
export interface SettleResult {
  runCostMicros: number;
  steps: number;
  /**
   * Present when the store no longer holds the admit the settle quotes (it lost its data, or the run is
   * a new one under the same id): nothing was recorded, charged or released. The figures are the run's
   * as it stands (0 when there is none).
   */
  stale?: true;
}

/** What {@link Store.renewLease} renews: the admit and the reservation it holds. */
export interface LeaseRef {
  run: RunKey;
  admitId: string;
  reservation: { micros: number; day: string; month: string };
}

// ---- Responses API chains (`previous_response_id`): what AgentWall remembers per relayed response. ----

/**
 * One function call in a relayed response's output, as the loop detector compares it.
 *
 * @example
 * const call: ResponseCall = { callId: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' };
 */
export interface ResponseCall {
  callId: string;
  name: string;
  /** Canonical JSON (key-sorted), or `sha256:<hex>` of it when long (see `RESPONSE_LIMITS.argumentChars`). */
  arguments: string;
}

/**
 * What AgentWall remembers of a response it relayed, so that a request continuing it (`previous_response_id`)
 * joins its run, is fingerprinted with the calls it answers, and reserves for the context the upstream bills,
 * and so that the response is read, deleted or cancelled only through the key that created it.
 *
 * @example
 * const r: ResponseRecord = { responseId: 'resp_1', keyId: 'agent-a', runId: 'task-42', model: 'gpt-4o-mini', calls: [], outputDigest: '', inputTokens: 120, outputTokens: 30 };
 */
export interface ResponseRecord {
  /** The response's id as the upstream named it. */
  responseId: string;
  /** The key that created it: no other key reads it, continues it or deletes it. */
  keyId: string;
  /** The run it was a step of. */
  runId: string;
  /** The model asked for: routes the response's other calls (GET, DELETE, ...) to the upstream that made it. */
  model: string;
  /** Function calls of its output, in order (at most `RESPONSE_LIMITS.calls`). */
  calls: ResponseCall[];
  /** sha256 (32 hex chars) of its visible output text, `''` when it had none: a stand-in for its reply. */
  outputDigest: string;
  /** Its input tokens (the whole chain's context, as billed) and output tokens. */
  inputTokens: number;
  outputTokens: number;
}

/** Bounds on a {@link ResponseRecord}, so that one response with huge tool calls cannot grow the store. */
export const RESPONSE_LIMITS = { calls: 128, argumentChars: 1024, nameChars: 256 } as const;

/** Bounds on what a run keeps, so one busy run cannot grow without limit. */
export const RUN_LIMITS = { stepRecords: 200, blocked: 50 } as const;

/**
 * Lease of a reservation when `AdmitRequest.leaseMs` is absent: 60 s. AgentWall renews the lease of a
 * request still running every third of it, so this bounds how long a reservation outlives a request
 * that died without settling (an instance that crashed, an admit whose answer was lost), not how long
 * a request may run.
 */
export const DEFAULT_LEASE_MS = 60_000;

/**
 * Most expired leases one store call releases. Every admit with a budget (and every usage or run read)
 * first releases up to this many of its key's expired leases, oldest first, so the work of one call
 * stays bounded however many requests died at once; the rest go with the next calls.
 */
export const SWEEP_LIMIT = 20;

/**
 * Where AgentWall keeps shared state. Every method is atomic as its comment states; guards talk to
 * state only through this interface, so a `MemoryStore` and a `RedisStore` are interchangeable.
 * Methods reject (throw) only when the store itself is unreachable.
 */
export interface Store {
  /**
   * Atomically, in this order: create the run if it is new (recording agent id and metadata);
   * refuse it if it is killed, past its duration, at its step limit, looping (by `detectLoop` over
   * the run's window; `kill` mode also kills the run), or if the reservation would take any budget
   * (run, key per day, key per month) past its limit counting spend and reservations in flight,
   * recording the blocked attempt; else increment the step counter, append the step's fingerprint
   * to the window and hold the reservation. Two concurrent calls never get the same step number,
   * never both fit where one would, and of two identical requests only one passes.
   *
   * The run holds the admit (`admitId`) until it is settled or cancelled; a reservation is also held
   * under a lease of `leaseMs` on the store's own clock. Before the budget checks, up to
   * {@link SWEEP_LIMIT} of the key's expired leases are released (from the run, the day and the month).
   */
  admit(req: AdmitRequest): Promise<AdmitVerdict>;
  /**
   * Atomically: undo an admit whose answer the caller never got (the call timed out or its connection
   * dropped), wherever it ran: its reservation is released, its window entry and DLP counts removed,
   * its step number given back when no later step took one. Takes the same request the admit was sent
   * with (`admitId` set). Nothing happens when the run does not hold that admit (it never ran, was
   * settled, or was cancelled already), so sending it twice is harmless. True when an admit was undone.
   * A store that keeps calls of one connection in order (Redis does) needs no more: a cancel sent after
   * its admit runs after it.
   */
  cancelAdmit(req: AdmitRequest & { admitId: string }): Promise<boolean>;
  /**
   * Atomically: extend the lease of a reservation still held to `leaseMs` from now (store's clock).
   * False when the lease is gone (settled, cancelled or expired), so the caller stops renewing.
   */
  renewLease(lease: LeaseRef, leaseMs: number): Promise<boolean>;
  /**
   * True when `admit` honours `checkRevoked`: a chat request then learns in one call to the store
   * whether its key is revoked and whether its step is admitted (one round trip instead of two on
   * Redis). A store without it is asked `isRevoked` first, as for every other route.
   */
  readonly checksRevocationInAdmit?: boolean;
  /** Atomically: record a blocked attempt on the run (creating the run if new). */
  recordBlocked(run: RunKey, attempt: BlockedAttempt, now: number, ttlMs: number): Promise<void>;
  /**
   * Atomically: record the outcome of an admitted step, release its reservation and add its cost to
   * the run and to the key's day and month. A step that did not complete (`status` not `ok`) leaves
   * the loop window, so a retry after an upstream error is not taken for a repeat. Returns the run's
   * cost and steps after it.
   *
   * It applies only to the admit it quotes (`admitId`): when the run holds it, as above; when its lease
   * expired meanwhile, the step and its cost are recorded and nothing is released (that was done);
   * when the run no longer holds it but its lease is still live (the run's state expired mid-step),
   * as above on a run started afresh; otherwise nothing changes and the result says `stale`.
   */
  settle(req: SettleRequest): Promise<SettleResult>;
  /** Reads a run's state, or undefined when unknown or expired (releasing the key's expired leases first, as admit does). */
  getRun(run: RunKey): Promise<RunState | undefined>;
  /** Atomically: mark a known run killed; later admits are refused. False when the run is unknown. */
  killRun(run: RunKey, reason: string, now: number, ttlMs: number): Promise<boolean>;
  /** A key's spend and reservations in a UTC day and month (releasing its expired leases first, as admit does). */
  getUsage(keyId: string, day: string, month: string): Promise<KeyUsage>;
  /** Marks a key revoked on every instance sharing this store. */
  revokeKey(keyId: string): Promise<void>;
  /** True when the key was revoked. */
  isRevoked(keyId: string): Promise<boolean>;
  /**
   * Remembers a response AgentWall relayed for `ttlMs` (a run's lifetime), replacing an earlier record of the
   * same id: the upstream's newest response under an id is the one that exists. A single write, atomic by itself;
   * it is made after the response's step settled.
   */
  putResponse(record: ResponseRecord, ttlMs: number): Promise<void>;
  /** The record of a response id, whichever key relayed it (the caller compares `keyId`); undefined when unknown or expired. */
  getResponse(responseId: string): Promise<ResponseRecord | undefined>;
  /** Resolves when the store is reachable; rejects otherwise. */
  ping(): Promise<void>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
