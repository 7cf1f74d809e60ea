// The default Store: state in this process, bounded by lru-cache (entry cap and TTL) so memory stays flat.
import { LRUCache } from 'lru-cache';
import type {
  AdmitRequest,
  AdmitVerdict,
  BlockedAttempt,
  RunKey,
  RunState,
  SettleRequest,
  SettleResult,
  Store,
} from './store.js';
import { RUN_LIMITS } from './store.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Most runs kept; the least recently used go first. Default: 100,000. */
  maxRuns?: number;
  /** Clock for TTL checks, for tests. Default: `performance.now`-based clock of lru-cache. */
  perf?: { now(): number };
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
  private readonly revoked = new Set<string>();

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxRuns ?? 100_000;
    if (!Number.isInteger(max) || max < 1) throw new TypeError('MemoryStore: `maxRuns` must be a positive integer');
    // An injected clock is read on every check (ttlResolution 0), so tests can move time by hand.
    this.runs = new LRUCache<string, RunState>({ max, ttlAutopurge: false, ...(options.perf ? { perf: options.perf, ttlResolution: 0 } : {}) });
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
        createdAt: now,
        updatedAt: now,
        blockedCount: 0,
        blocked: [],
        stepRecords: [],
        dlp: {},
      };
    }
    state.updatedAt = now;
    // Re-setting refreshes the TTL: run state expires a while after the run's last activity.
    this.runs.set(id, state, { ttl: ttlMs });
    return state;
  }

  async admit(req: AdmitRequest): Promise<AdmitVerdict> {
    const state = this.touch(req.run, req.now, req.ttlMs);
    if (req.agentId !== undefined) state.agentId = req.agentId;
    if (req.metadata !== undefined) state.metadata = req.metadata;
    if (state.status === 'killed') {
      pushBlocked(state, { at: req.now, type: 'run_killed' });
      return { admitted: false, block: 'run_killed', steps: state.steps, reason: state.killReason ?? 'killed' };
    }
    if (req.maxSteps > 0 && state.steps >= req.maxSteps) {
      pushBlocked(state, { at: req.now, type: 'step_limit_exceeded' });
      return { admitted: false, block: 'step_limit_exceeded', steps: state.steps, limit: req.maxSteps };
    }
    state.steps += 1;
    if (req.dlp) addCounts(state.dlp, req.dlp);
    return { admitted: true, step: state.steps };
  }

  async recordBlocked(run: RunKey, attempt: BlockedAttempt, now: number, ttlMs: number): Promise<void> {
    pushBlocked(this.touch(run, now, ttlMs), attempt);
  }

  async settle(req: SettleRequest): Promise<SettleResult> {
    const state = this.touch(req.run, req.now, req.ttlMs);
    state.costMicros += req.record.costMicros;
    state.stepRecords.push(req.record);
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

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.runs.clear();
  }

  /** Number of runs held now (for tests and the memory check). */
  get size(): number {
    return this.runs.size;
  }
}

function pushBlocked(state: RunState, attempt: BlockedAttempt): void {
  state.blockedCount += 1;
  state.blocked.push(attempt);
  if (state.blocked.length > RUN_LIMITS.blocked) state.blocked.shift();
}

function addCounts(into: Record<string, number>, add: Record<string, number>): void {
  for (const [k, v] of Object.entries(add)) into[k] = (into[k] ?? 0) + v;
}
