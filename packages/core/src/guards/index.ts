// The guards every guarded call runs, in their declared order (STYLE principle 2): add a guard with one line here.
import type { AgentWallConfig } from '../config.js';
import { budgetGuard } from './budget.js';
import { dlpGuard } from './dlp.js';
import type { Guard } from './guard.js';
import { loopGuard } from './loop.js';
import { modelsGuard } from './models.js';
import { runLimitsGuard } from './run-limits.js';

export type { Guard, GuardedCall, GuardFactory, Refusal } from './guard.js';

/**
 * The guards of a configuration, in order: model allow-list, DLP, run limits, loop, budget. Authentication
 * and validation come before them; the store's atomic admit after. A guard that is off is not in the list.
 *
 * @example
 * const guards = buildGuards(cfg); // [models, dlp, run, loop, budget]
 */
export function buildGuards(cfg: AgentWallConfig): Guard[] {
  const o = cfg.options;
  const guards = [
    modelsGuard(),
    dlpGuard({ dlp: cfg.dlp, now: cfg.now }),
    runLimitsGuard({ maxRunDurationMs: o.maxRunDurationMs }),
    o.loop === false ? undefined : loopGuard({ failOpen: o.failOpen }),
    budgetGuard({ unknownModel: o.unknownModel, outputTokenCap: o.outputTokenCap, failOpen: o.failOpen }),
  ];
  return guards.filter((g): g is Guard => g !== undefined);
}
