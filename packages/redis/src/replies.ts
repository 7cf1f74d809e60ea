// Turns the scripts' flat replies back into the core's verdict types; confidences are computed here, as detectLoop does.
import type { AdmitVerdict, BudgetScope, LoopFinding, LoopType } from '@agentwall/core/store';

/**
 * A loop finding from the Lua reply `loopType, score, matchedStep, repeats`. The confidence is computed in
 * JavaScript with the same expression as `detectLoop` (tool: `percent / 100`; near: `1 - distance / 64`),
 * so it is the identical floating-point number, not Lua's rounding of it.
 *
 * @example
 * findingFrom('near_repeat', 4, 2, 3); // { loopType: 'near_repeat', confidence: 0.9375, matchedStep: 2, repeats: 3 }
 */
export function findingFrom(loopType: unknown, score: unknown, matchedStep: unknown, repeats: unknown): LoopFinding {
  const type = String(loopType) as LoopType;
  const n = Number(score);
  const confidence = type === 'tool_call_repeat' ? n / 100 : type === 'near_repeat' ? 1 - n / 64 : type === 'exact_repeat' ? 1 : type === 'normalized_repeat' ? 0.95 : 0.9;
  return { loopType: type, confidence, matchedStep: Number(matchedStep), repeats: Number(repeats) };
}

/**
 * The verdict of the admit script's reply (see `ADMIT_LUA` for its shapes).
 *
 * @example
 * admitVerdict(['admitted', 3], { maxSteps: 0 }, 'id'); // { admitted: true, step: 3, admitId: 'id' }
 */
export function admitVerdict(reply: unknown, req: { maxSteps: number; maxDurationMs?: number }, admitId: string): AdmitVerdict {
  if (!Array.isArray(reply)) throw new Error(`agentwall: unexpected reply from the admit script: ${String(reply)}`);
  const r = reply as unknown[];
  const steps = Number(r[1]);
  switch (r[0]) {
    case 'key_revoked':
      return { admitted: false, block: 'key_revoked', steps: 0 };
    case 'admitted':
      return r.length > 2 ? { admitted: true, step: steps, admitId, loop: findingFrom(r[2], r[3], r[4], r[5]) } : { admitted: true, step: steps, admitId };
    case 'run_killed':
      return { admitted: false, block: 'run_killed', steps, reason: String(r[2]) };
    case 'run_duration_exceeded':
      return { admitted: false, block: 'run_duration_exceeded', steps, limitMs: req.maxDurationMs ?? 0, startedAt: Number(r[2]) };
    case 'step_limit_exceeded':
      return { admitted: false, block: 'step_limit_exceeded', steps, limit: req.maxSteps };
    case 'loop_detected':
      return { admitted: false, block: 'loop_detected', steps, step: Number(r[2]), finding: findingFrom(r[3], r[4], r[5], r[6]), killed: Number(r[7]) === 1 };
    case 'budget_exceeded':
      return {
        admitted: false,
        block: 'budget_exceeded',
        steps,
        scope: String(r[2]) as BudgetScope,
        limitMicros: Number(r[3]),
        spentMicros: Number(r[4]),
        reservedMicros: Number(r[5]),
      };
    default:
      throw new Error(`agentwall: unexpected reply from the admit script: ${String(r[0])}`);
  }
}
