// A run's step limit and duration limit: checked by the store's admit, with the kill switch, atomically.
import type { Guard } from './guard.js';

/**
 * Puts the key's step limit and the run duration limit into the admit, where the store refuses a killed run
 * (403), a run at its step limit or past its duration (429). Fails open: while the store is down there is no
 * run state to check against.
 *
 * @example
 * runLimitsGuard({ maxRunDurationMs: 3_600_000 })
 */
export function runLimitsGuard(config: { maxRunDurationMs: number | undefined }): Guard {
  const maxDurationMs = config.maxRunDurationMs;
  return {
    name: 'run',
    check(call) {
      call.admit.maxSteps = call.policy.maxSteps;
      if (maxDurationMs !== undefined) call.admit.maxDurationMs = maxDurationMs;
      return undefined;
    },
  };
}
