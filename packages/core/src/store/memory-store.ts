// The default Store: state in this process, bounded by lru-cache (entry cap and TTL) so memory stays flat.
import { LRUCache } from 'lru-cache';
import type {
  AdmitRequest,
  AdmitVerdict,
  BlockedAttempt,
  BudgetReservation,
  BudgetScope,
  KeyUsage,
  PeriodUsage,
  RunKey,
  ResponseRecord,
  RunState,
  SettleRequest,
  SettleResult,
  Store,
} from './store.js';
import { RUN_LIMITS } from './store.js';
import { detectLoop, type LoopFinding, type WindowEntry } from '../loop/index.js';
import { utcDay, utcMonth } from './periods.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Most runs kept; the least recently used go first. Default: 100,000. */
  maxRuns?: number | undefined;
  /** Most key-period usage counters kept (two per active key). Default: 100,000. */
  maxUsageEntries?: number | undefined;
  /** Most relayed Responses API responses remembered (for `previous_response_id` chains). Default: 100,000. */
  maxResponses?: number | undefined;
  /** Clock for TTL checks, for tests. Default: `performance.now`-based clock of lru-cache. */
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
  private readonly runs: LRUCache<string, RunState>;
  private readonly usage: LRUCache<string, PeriodUsage>;
  private readonly revoked = new Set<string>();
  private readonly responses: LRUCache<string, ResponseRecord>;
  readonly checksRevocationInAdmit = true;

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxRuns ?? 100_000;
    if (!Number.isInteger(max) || max < 1) throw new TypeError('MemoryStore: `maxRuns` must be a positive integer');
    // An injected clock is read on every check (ttlResolution 0), so tests can move time by hand.
    const clock = options.perf ? { perf: options.perf, ttlResolution: 0 } : {};
    this.runs = new LRUCache<string, RunState>({ max, ttlAutopurge: false, ...clock });
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

  private touch(run: RunKey, now: number, ttlMs: number): RunState {
    const id = MemoryStore.id(run);
    let state = this.runs.get(id);
    if (!state) {
      state = {
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
    }
    state.updatedAt = now;
    // Re-setting refreshes the TTL: run state expires a while after the run's last activity.
    this.runs.set(id, state, { ttl: ttlMs });
    return state;
  }

  async admit(req: AdmitRequest): Promise<AdmitVerdict> {
    if (req.checkRevoked && this.revoked.has(req.run.keyId)) return { admitted: false, block: 'key_revoked', steps: 0 };
    const state = this.touch(req.run, req.now, req.ttlMs);
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
    let entry: WindowEntry | undefined;
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
      entry = decision.entry;
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
    if (entry && req.loop) {
      state.loopWindow = append(state.loopWindow, entry);
      if (state.loopWindow.length > req.loop.params.window) state.loopWindow.shift();
    }
    return warning ? { admitted: true, step: state.steps, loop: warning } : { admitted: true, step: state.steps };
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
    const d = this.usage.get(`${keyId}\u0000d\u0000${day}`);
    const m = this.usage.get(`${keyId}\u0000m\u0000${month}`);
    return {
      daily: { spentMicros: d?.spentMicros ?? 0, reservedMicros: d?.reservedMicros ?? 0 },
      monthly: { spentMicros: m?.spentMicros ?? 0, reservedMicros: m?.reservedMicros ?? 0 },
    };
  }

  async recordBlocked(run: RunKey, attempt: BlockedAttempt, now: number, ttlMs: number): Promise<void> {
    pushBlocked(this.touch(run, now, ttlMs), attempt);
  }

  async settle(req: SettleRequest): Promise<SettleResult> {
    const state = this.touch(req.run, req.now, req.ttlMs);
    if (req.retry && state.stepRecords.some((r) => r.step === req.record.step)) return { runCostMicros: state.costMicros, steps: state.steps };
    const cost = req.record.costMicros;
    const held = req.reservation?.micros ?? 0;
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

  async getRun(run: RunKey): Promise<RunState | undefined> {
    const state = this.runs.get(MemoryStore.id(run));
    // A copy, so callers cannot change the stored state by accident.
    return state ? structuredClone(state) : undefined;
  }

  async killRun(run: RunKey, reason: string, now: number, ttlMs: number): Promise<boolean> {
    if (!this.runs.has(MemoryStore.id(run))) return false;
    const state = this.touch(run, now, ttlMs);
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
