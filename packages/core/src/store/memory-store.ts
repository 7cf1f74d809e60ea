// The default Store: state in this process, bounded by lru-cache (entry cap and TTL) so memory stays flat.
import { LRUCache } from 'lru-cache';
import type {
  AdmitRequest,
  AdmitVerdict,
  BlockedAttempt,
  BudgetReservation,
  BudgetScope,
  KeyUsage,
  LeaseRef,
  PeriodUsage,
  RunKey,
  ResponseRecord,
  RunState,
  SettleRequest,
  SettleResult,
  Store,
} from './store.js';
import { DEFAULT_LEASE_MS, RUN_LIMITS, SWEEP_LIMIT } from './store.js';
import { detectLoop, type LoopFinding, type WindowEntry } from '../loop/index.js';
import { newAdmitId } from './admit-id.js';
import { utcDay, utcMonth } from './periods.js';

/** A run as the store keeps it: its public state, and the admits it holds (made on a run's first admit). */
interface RunEntry {
  state: RunState;
  /** Admits not settled or cancelled yet, by admit id: their step, and whether their lease expired. */
  admits?: Map<string, { step: number; swept: boolean }>;
}

/** A reservation held for an admit until its settle, its cancel or its expiry. */
interface Lease {
  admitId: string;
  runId: string;
  micros: number;
  day: string;
  month: string;
  /** On the store's clock (`perf`). */
  expiresAt: number;
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Most runs kept; the least recently used go first. Default: 100,000. */
  maxRuns?: number | undefined;
  /** Most key-period usage counters kept (two per active key). Default: 100,000. */
  maxUsageEntries?: number | undefined;
  /** Most relayed Responses API responses remembered (for `previous_response_id` chains). Default: 100,000. */
  maxResponses?: number | undefined;
  /** Clock for TTL checks and lease expiry, for tests. Default: `performance`. */
  perf?: { now(): number } | undefined;
}

/**
 * The default store. Every method is synchronous inside, so each is atomic in one process.
 * Memory is bounded by `maxRuns` entries, each of bounded size (see `RUN_LIMITS`).
 *
 * @example
 * agentwall({ store: new MemoryStore({ maxRuns: 10_000 }) })
 */
export class MemoryStore implements Store {
  private readonly runs: LRUCache<string, RunEntry>;
  private readonly usage: LRUCache<string, PeriodUsage>;
  private readonly revoked = new Set<string>();
  /**
   * Leases by key id, each map in order of expiry: every lease of a store has the same length in
   * practice (AgentWall gives one), and a renewal moves its lease to the end. Outside the run cache, so
   * a run evicted mid-step still has its reservation released.
   */
  private readonly leases = new Map<string, Map<string, Lease>>();
  private readonly clock: { now(): number };
  private readonly responses: LRUCache<string, ResponseRecord>;
  readonly checksRevocationInAdmit = true;

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxRuns ?? 100_000;
    if (!Number.isInteger(max) || max < 1) throw new TypeError('MemoryStore: `maxRuns` must be a positive integer');
    // An injected clock is read on every check (ttlResolution 0), so tests can move time by hand.
    const clock = options.perf ? { perf: options.perf, ttlResolution: 0 } : {};
    // Looked up on each call, so that a test's fake clock applies.
    this.clock = options.perf ?? { now: () => performance.now() };
    this.runs = new LRUCache<string, RunEntry>({ max, ttlAutopurge: false, ...clock });
    // A month counter must outlive its month; a day counter is read only on its day.
    this.usage = new LRUCache<string, PeriodUsage>({ max: options.maxUsageEntries ?? 100_000, ttl: 32 * 24 * 3600 * 1000, ...clock });
    const maxResponses = options.maxResponses ?? 100_000;
    if (!Number.isInteger(maxResponses) || maxResponses < 1) throw new TypeError('MemoryStore: `maxResponses` must be a positive integer');
    // Bounded by count and by size: a record's calls are bounded (RESPONSE_LIMITS), and together they stay under 64 Mi characters.
    this.responses = new LRUCache<string, ResponseRecord>({ max: maxResponses, maxSize: RESPONSE_CHARS, sizeCalculation: recordChars, ttlAutopurge: false, ...clock });
  }

  private static id(run: RunKey): string {
    return `${run.keyId}\u0000${run.runId}`;
  }

  private touch(run: RunKey, now: number, ttlMs: number): RunEntry {
    const id = MemoryStore.id(run);
    let entry = this.runs.get(id);
    if (!entry) {
      const state: RunState = {
        keyId: run.keyId,
        runId: run.runId,
        status: 'active',
        steps: 0,
        costMicros: 0,
        reservedMicros: 0,
        createdAt: now,
        updatedAt: now,
        blockedCount: 0,
        blocked: [],
        stepRecords: [],
        dlp: {},
        loopWindow: [],
      };
      entry = { state };
    }
    entry.state.updatedAt = now;
    // Re-setting refreshes the TTL: run state expires a while after the run's last activity.
    this.runs.set(id, entry, { ttl: ttlMs });
    return entry;
  }

  async admit(req: AdmitRequest): Promise<AdmitVerdict> {
    if (req.checkRevoked && this.revoked.has(req.run.keyId)) return { admitted: false, block: 'key_revoked', steps: 0 };
    if (req.budget) this.sweep(req.run.keyId);
    const entry = this.touch(req.run, req.now, req.ttlMs);
    const state = entry.state;
    if (req.agentId !== undefined) state.agentId = req.agentId;
    if (req.metadata !== undefined) state.metadata = req.metadata;
    if (state.status === 'killed') {
      pushBlocked(state, { at: req.now, type: 'run_killed' });
      return { admitted: false, block: 'run_killed', steps: state.steps, reason: state.killReason ?? 'killed' };
    }
    if (req.maxDurationMs !== undefined && req.now - state.createdAt > req.maxDurationMs) {
      pushBlocked(state, { at: req.now, type: 'run_duration_exceeded' });
      return { admitted: false, block: 'run_duration_exceeded', steps: state.steps, limitMs: req.maxDurationMs, startedAt: state.createdAt };
    }
    if (req.maxSteps > 0 && state.steps >= req.maxSteps) {
      pushBlocked(state, { at: req.now, type: 'step_limit_exceeded' });
      return { admitted: false, block: 'step_limit_exceeded', steps: state.steps, limit: req.maxSteps };
    }
    let warning: LoopFinding | undefined;
    let windowEntry: WindowEntry | undefined;
    if (req.loop) {
      const decision = detectLoop(state.loopWindow, req.loop.fingerprint, state.steps + 1, req.loop.params);
      if (decision.finding && req.loop.mode !== 'warn') {
        pushBlocked(state, { at: req.now, type: 'loop_detected', loopType: decision.finding.loopType });
        if (req.loop.mode === 'kill') {
          state.status = 'killed';
          state.killReason = `loop detected (${decision.finding.loopType})`;
        }
        return { admitted: false, block: 'loop_detected', steps: state.steps, step: state.steps + 1, finding: decision.finding, killed: req.loop.mode === 'kill' };
      }
      warning = decision.finding;
      windowEntry = decision.entry;
    }
    if (req.budget) {
      const refusal = this.reserve(state, req.run.keyId, req.budget);
      if (refusal) {
        pushBlocked(state, { at: req.now, type: 'budget_exceeded' });
        return { admitted: false, block: 'budget_exceeded', steps: state.steps, ...refusal };
      }
    }
    state.steps += 1;
    if (req.dlp) addCounts(state.dlp, req.dlp);
    if (windowEntry && req.loop) {
      state.loopWindow = append(state.loopWindow, windowEntry);
      if (state.loopWindow.length > req.loop.params.window) state.loopWindow.shift();
    }
    const admitId = req.admitId ?? newAdmitId();
    (entry.admits ??= new Map()).set(admitId, { step: state.steps, swept: false });
    if (req.budget) {
      const b = req.budget;
      const lease: Lease = { admitId, runId: req.run.runId, micros: b.micros, day: b.day, month: b.month, expiresAt: this.clock.now() + (req.leaseMs ?? DEFAULT_LEASE_MS) };
      let book = this.leases.get(req.run.keyId);
      if (!book) this.leases.set(req.run.keyId, (book = new Map()));
      book.set(admitId, lease);
    }
    return warning ? { admitted: true, step: state.steps, admitId, loop: warning } : { admitted: true, step: state.steps, admitId };
  }

  /**
   * Releases up to SWEEP_LIMIT expired leases of a key, oldest first, from the day, the month and the
   * run (when the run still holds the admit, which then remembers that its lease expired).
   */
  private sweep(keyId: string): void {
    const book = this.leases.get(keyId);
    if (!book) return;
    const now = this.clock.now();
    let n = 0;
    for (const lease of book.values()) {
      if (lease.expiresAt > now || n === SWEEP_LIMIT) break;
      n++;
      book.delete(lease.admitId);
      this.releasePeriods(keyId, lease.day, lease.month, lease.micros);
      const entry = this.runs.peek(MemoryStore.id({ keyId, runId: lease.runId }));
      const mark = entry?.admits?.get(lease.admitId);
      if (entry && mark && !mark.swept) {
        mark.swept = true;
        entry.state.reservedMicros = Math.max(0, entry.state.reservedMicros - lease.micros);
      }
    }
    if (book.size === 0) this.leases.delete(keyId);
  }

  /** Takes a lease out of its key's book; true when it was there. */
  private dropLease(keyId: string, admitId: string): boolean {
    const book = this.leases.get(keyId);
    if (!book?.delete(admitId)) return false;
    if (book.size === 0) this.leases.delete(keyId);
    return true;
  }

  /** Releases a reservation from a key's day and month counters that still exist, never below zero. */
  private releasePeriods(keyId: string, day: string, month: string, micros: number): void {
    for (const p of [this.usage.get(`${keyId}\u0000d\u0000${day}`), this.usage.get(`${keyId}\u0000m\u0000${month}`)]) {
      if (p) p.reservedMicros = Math.max(0, p.reservedMicros - micros);
    }
  }

  private period(keyId: string, kind: 'd' | 'm', id: string): PeriodUsage {
    const k = `${keyId}\u0000${kind}\u0000${id}`;
    let p = this.usage.get(k);
    if (!p) {
      p = { spentMicros: 0, reservedMicros: 0 };
      this.usage.set(k, p);
    }
    return p;
  }

  /** Checks every budget first, then holds the reservation on all of them: all or nothing. */
  private reserve(
    state: RunState,
    keyId: string,
    b: BudgetReservation,
  ): { scope: BudgetScope; limitMicros: number; spentMicros: number; reservedMicros: number } | undefined {
    const day = this.period(keyId, 'd', b.day);
    const month = this.period(keyId, 'm', b.month);
    const checks: Array<[BudgetScope, number | undefined, number, number]> = [
      ['run', b.runLimitMicros, state.costMicros, state.reservedMicros],
      ['key_daily', b.dailyLimitMicros, day.spentMicros, day.reservedMicros],
      ['key_monthly', b.monthlyLimitMicros, month.spentMicros, month.reservedMicros],
    ];
    for (const [scope, limit, spent, reserved] of checks) {
      if (limit !== undefined && spent + reserved + b.micros > limit) return { scope, limitMicros: limit, spentMicros: spent, reservedMicros: reserved };
    }
    state.reservedMicros += b.micros;
    day.reservedMicros += b.micros;
    month.reservedMicros += b.micros;
    return undefined;
  }

  async getUsage(keyId: string, day: string, month: string): Promise<KeyUsage> {
    this.sweep(keyId);
    const d = this.usage.get(`${keyId}\u0000d\u0000${day}`);
    const m = this.usage.get(`${keyId}\u0000m\u0000${month}`);
    return {
      daily: { spentMicros: d?.spentMicros ?? 0, reservedMicros: d?.reservedMicros ?? 0 },
      monthly: { spentMicros: m?.spentMicros ?? 0, reservedMicros: m?.reservedMicros ?? 0 },
    };
  }

  async recordBlocked(run: RunKey, attempt: BlockedAttempt, now: number, ttlMs: number): Promise<void> {
    pushBlocked(this.touch(run, now, ttlMs).state, attempt);
  }

  async settle(req: SettleRequest): Promise<SettleResult> {
    const known = this.runs.get(MemoryStore.id(req.run));
    const mark = known?.admits?.get(req.admitId);
    // Whether the reservation is still held: the admit's lease has not expired.
    let releases: boolean;
    if (mark) {
      known!.admits!.delete(req.admitId);
      releases = !mark.swept;
      if (releases && req.reservation) this.dropLease(req.run.keyId, req.admitId);
    } else if (req.reservation && this.dropLease(req.run.keyId, req.admitId)) {
      // The run's state went (expired or evicted) while its step ran; the lease still holds the money.
      releases = true;
    } else {
      const s = known?.state;
      // A retry whose first attempt was applied after all (its answer lost) changes nothing.
      if (req.retry && s?.stepRecords.some((r) => r.step === req.record.step)) return { runCostMicros: s.costMicros, steps: s.steps };
      return { runCostMicros: s?.costMicros ?? 0, steps: s?.steps ?? 0, stale: true };
    }
    const state = this.touch(req.run, req.now, req.ttlMs).state;
    const cost = req.record.costMicros;
    const held = releases ? (req.reservation?.micros ?? 0) : 0;
    state.costMicros += cost;
    state.reservedMicros = Math.max(0, state.reservedMicros - held);
    if (req.reservation || cost > 0) {
      const day = this.period(req.run.keyId, 'd', req.reservation?.day ?? utcDay(req.now));
      const month = this.period(req.run.keyId, 'm', req.reservation?.month ?? utcMonth(req.now));
      day.spentMicros += cost;
      day.reservedMicros = Math.max(0, day.reservedMicros - held);
      month.spentMicros += cost;
      month.reservedMicros = Math.max(0, month.reservedMicros - held);
    }
    state.stepRecords = append(state.stepRecords, req.record);
    if (req.record.status !== 'ok') state.loopWindow = state.loopWindow.filter((e) => e.step !== req.record.step);
    if (state.stepRecords.length > RUN_LIMITS.stepRecords) state.stepRecords.shift();
    return { runCostMicros: state.costMicros, steps: state.steps };
  }

  async cancelAdmit(req: AdmitRequest & { admitId: string }): Promise<boolean> {
    const entry = this.runs.peek(MemoryStore.id(req.run));
    const mark = entry?.admits?.get(req.admitId);
    const b = req.budget;
    if (!entry || !mark) {
      // The run's state went, but the lease still holds the money: release it from the day and the month.
      if (b && this.dropLease(req.run.keyId, req.admitId)) this.releasePeriods(req.run.keyId, b.day, b.month, b.micros);
      return false;
    }
    entry.admits!.delete(req.admitId);
    const state = entry.state;
    if (!mark.swept && b) {
      this.dropLease(req.run.keyId, req.admitId);
      state.reservedMicros = Math.max(0, state.reservedMicros - b.micros);
      this.releasePeriods(req.run.keyId, b.day, b.month, b.micros);
    }
    // The step never happened: out of the window, its DLP counts off the run, its number free again
    // unless a later step took the next one.
    state.loopWindow = state.loopWindow.filter((e) => e.step !== mark.step);
    if (req.dlp) for (const k in req.dlp) state.dlp[k] = (state.dlp[k] ?? 0) - req.dlp[k]!;
    if (state.steps === mark.step) state.steps -= 1;
    return true;
  }

  async renewLease(lease: LeaseRef, leaseMs: number): Promise<boolean> {
    const book = this.leases.get(lease.run.keyId);
    const held = book?.get(lease.admitId);
    if (!book || !held) return false;
    // To the end of the book, which stays in order of expiry.
    book.delete(lease.admitId);
    held.expiresAt = this.clock.now() + leaseMs;
    book.set(lease.admitId, held);
    return true;
  }

  async getRun(run: RunKey): Promise<RunState | undefined> {
    this.sweep(run.keyId);
    const entry = this.runs.get(MemoryStore.id(run));
    // A copy, so callers cannot change the stored state by accident.
    return entry ? structuredClone(entry.state) : undefined;
  }

  async killRun(run: RunKey, reason: string, now: number, ttlMs: number): Promise<boolean> {
    if (!this.runs.has(MemoryStore.id(run))) return false;
    const state = this.touch(run, now, ttlMs).state;
    state.status = 'killed';
    state.killReason = reason;
    return true;
  }

  async revokeKey(keyId: string): Promise<void> {
    this.revoked.add(keyId);
  }

  async isRevoked(keyId: string): Promise<boolean> {
    return this.revoked.has(keyId);
  }

  async putResponse(record: ResponseRecord, ttlMs: number): Promise<void> {
    // A copy: the caller's object is not ours to keep.
    this.responses.set(record.responseId, structuredClone(record), { ttl: ttlMs });
  }

  async getResponse(responseId: string): Promise<ResponseRecord | undefined> {
    const record = this.responses.get(responseId);
    return record ? structuredClone(record) : undefined;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.runs.clear();
    this.usage.clear();
    this.leases.clear();
    this.responses.clear();
  }

  /** Number of runs held now (for tests and the memory check). */
  get size(): number {
    return this.runs.size;
  }
}

/** Total characters of remembered responses a MemoryStore holds at most. */
const RESPONSE_CHARS = 64 * 1024 * 1024;

/** A record's size for the cache's bound: its strings' lengths plus a little per field. */
function recordChars(r: ResponseRecord): number {
  let n = 64 + r.responseId.length + r.keyId.length + r.runId.length + r.model.length + r.outputDigest.length;
  for (const c of r.calls) n += 16 + c.callId.length + c.name.length + c.arguments.length;
  return n;
}

function pushBlocked(state: RunState, attempt: BlockedAttempt): void {
  state.blockedCount += 1;
  state.blocked = append(state.blocked, attempt);
  if (state.blocked.length > RUN_LIMITS.blocked) state.blocked.shift();
}

function addCounts(into: Record<string, number>, add: Record<string, number>): void {
  for (const k in add) into[k] = (into[k] ?? 0) + add[k]!;
}

/**
 * Appends to a run's list. A first item gets an array of exactly one: `push` onto an empty array
 * reserves room for 16, and most runs (every request without a run id is a run) never get a second.
 */
function append<T>(list: T[], item: T): T[] {
  if (list.length === 0) return [item];
  list.push(item);
  return list;
}
