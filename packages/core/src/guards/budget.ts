// Budgets: the request's worst-case cost reserved against every budget that applies, atomically in the admit.
import { reservationMicros } from '../cost/estimate.js';
import { AgentWallError } from '../errors.js';
import { utcDay, utcMonth } from '../store/periods.js';
import type { BudgetReservation } from '../store/store.js';
import type { Guard } from './guard.js';

/** The options the budget guard reads. */
export interface BudgetGuardConfig {
  unknownModel: 'allow' | 'reject';
  outputTokenCap: number;
  failOpen: { budgets: boolean };
}

/**
 * Refuses a model without a known price when `unknownModel: "reject"` (400 `unknown_model`), and reserves the
 * worst case (estimated input tokens at the input price plus the output limit at the output price) against
 * the run's, the key's daily and monthly budgets: the store refuses with 429 `budget_exceeded` if any would
 * pass its limit. Fails closed by default (`failOpen.budgets`).
 *
 * @example
 * budgetGuard({ unknownModel: 'allow', outputTokenCap: 4096, failOpen: { budgets: false } })
 */
export function budgetGuard(config: BudgetGuardConfig): Guard {
  const closed = !config.failOpen.budgets;
  return {
    name: 'budget',
    check(call) {
      const price = call.price;
      if (!price.known && config.unknownModel === 'reject') {
        const model = call.request.model;
        return { error: new AgentWallError('unknown_model', `No price is known for the model "${model}", and unknown models are refused.`, { model }, { headers: call.headers, guard: 'budget' }) };
      }
      const limits = call.policy.budgets;
      if (limits.runMicros === undefined && limits.dailyMicros === undefined && limits.monthlyMicros === undefined) return undefined;
      const micros = reservationMicros(price, call.inputTokens, call.protocol.maxOutputTokens(call.request, config.outputTokenCap), call.protocol.billsCacheWrites === true);
      // Field by field: in V8, `{ ...a, b }` takes a slow runtime path on the hot path.
      const budget: BudgetReservation = { micros, day: utcDay(call.admit.now), month: utcMonth(call.admit.now) };
      if (limits.runMicros !== undefined) budget.runLimitMicros = limits.runMicros;
      if (limits.dailyMicros !== undefined) budget.dailyLimitMicros = limits.dailyMicros;
      if (limits.monthlyMicros !== undefined) budget.monthlyLimitMicros = limits.monthlyMicros;
      call.admit.budget = budget;
      return undefined;
    },
    failsClosed: (call) => closed && call.admit.budget !== undefined,
  };
}
