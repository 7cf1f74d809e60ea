// Rebuilds a RunState, shaped exactly as MemoryStore returns it, from the run's hash and lists.
import type { BlockedAttempt, RunKey, RunState, StepRecord, WindowEntry } from '@agentwall/core/store';

const DLP = 'dlp:';

/**
 * A run from `HGETALL` of its state and `LRANGE` of its window, steps and blocked lists, or undefined when
 * the hash is gone (unknown or expired). Optional fields are absent when unset, as in MemoryStore; the
 * admits the run holds (`a:<admitId>` fields) are not part of the state.
 *
 * @example
 * runStateFrom(run, await redis.hgetall(keys.state), windowJson, stepsJson, blockedJson);
 */
export function runStateFrom(run: RunKey, hash: Record<string, string>, window: string[], steps: string[], blocked: string[]): RunState | undefined {
  if (hash['status'] === undefined) return undefined;
  const dlp: Record<string, number> = {};
  for (const [field, value] of Object.entries(hash)) if (field.startsWith(DLP)) dlp[field.slice(DLP.length)] = Number(value);
  const state: RunState = {
    keyId: run.keyId,
    runId: run.runId,
    status: hash['status'] === 'killed' ? 'killed' : 'active',
    steps: Number(hash['steps'] ?? 0),
    costMicros: Number(hash['costMicros'] ?? 0),
    reservedMicros: Number(hash['reservedMicros'] ?? 0),
    createdAt: Number(hash['createdAt']),
    updatedAt: Number(hash['updatedAt']),
    blockedCount: Number(hash['blockedCount'] ?? 0),
    blocked: blocked.map((b) => JSON.parse(b) as BlockedAttempt),
    stepRecords: steps.map((s) => JSON.parse(s) as StepRecord),
    dlp,
    loopWindow: window.map((w) => JSON.parse(w) as WindowEntry),
  };
  if (hash['agentId'] !== undefined) state.agentId = hash['agentId'];
  if (hash['metadata'] !== undefined) state.metadata = JSON.parse(hash['metadata']) as Record<string, unknown>;
  if (hash['killReason'] !== undefined) state.killReason = hash['killReason'];
  return state;
}
