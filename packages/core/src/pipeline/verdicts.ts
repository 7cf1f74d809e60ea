// Turns a store's refusal into the AgentWall error the client gets.
import { revokedKeyError } from '../auth/authenticate.js';
import { microsToUsd } from '../cost/cost.js';
import { AgentWallError } from '../errors.js';
import type { AdmitVerdict } from '../store/store.js';

type Refusal = Extract<AdmitVerdict, { admitted: false }>;

/** The error of a refused admission, carrying the run headers. */
export function refusalError(v: Refusal, runId: string, headers: Record<string, string>): AgentWallError {
  switch (v.block) {
    case 'key_revoked':
      return revokedKeyError();
    case 'run_killed':
      return new AgentWallError('run_killed', `Run ${runId} was killed: ${v.reason}`, { run_id: runId, reason: v.reason }, { headers, guard: 'run' });
    case 'step_limit_exceeded':
      return new AgentWallError('step_limit_exceeded', `Run ${runId} has reached its limit of ${v.limit} steps.`, { run_id: runId, steps: v.steps, limit: v.limit }, { headers, guard: 'run' });
    case 'run_duration_exceeded':
      return new AgentWallError(
        'run_duration_exceeded',
        `Run ${runId} has run longer than its limit of ${v.limitMs} ms.`,
        { run_id: runId, steps: v.steps, limit_ms: v.limitMs, started_at: new Date(v.startedAt).toISOString() },
        { headers, guard: 'run' },
      );
    case 'loop_detected': {
      const f = v.finding;
      return new AgentWallError(
        'loop_detected',
        `Loop detected in run ${runId}: step ${v.step} repeats step ${f.matchedStep} (${f.loopType.replace(/_/g, ' ')}).${v.killed ? ' The run was killed.' : ''}`,
        { run_id: runId, step: v.step, steps: v.steps, loop_type: f.loopType, confidence: f.confidence, matched_step: f.matchedStep, repeats: f.repeats },
        { headers, guard: 'loop' },
      );
    }
    case 'budget_exceeded': {
      const what = v.scope === 'run' ? `run ${runId}` : v.scope === 'key_daily' ? "this key's daily budget" : "this key's monthly budget";
      return new AgentWallError(
        'budget_exceeded',
        `This request could cost more than what is left of ${what} (limit $${microsToUsd(v.limitMicros)}).`,
        { scope: v.scope, limit_usd: microsToUsd(v.limitMicros), spent_usd: microsToUsd(v.spentMicros), reserved_usd: microsToUsd(v.reservedMicros), run_id: runId },
        { headers, guard: 'budget' },
      );
    }
  }
}
