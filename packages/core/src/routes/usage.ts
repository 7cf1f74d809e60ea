// GET /agentwall/usage: a key's spend today and this month (UTC), with its limits.
import type { KeyIdentity } from '../auth/key-ring.js';
import type { AgentWallConfig } from '../config.js';
import { microsToUsd } from '../cost/cost.js';
import { AgentWallError } from '../errors.js';
import { json } from '../http/respond.js';
import type { CoreRequest, CoreResponse } from '../http/types.js';
import { utcDay, utcMonth } from '../store/periods.js';

/** The calling key's usage; the admin key names any key with `?key=<keyId>`. */
export async function usageRoute(req: CoreRequest, identity: KeyIdentity, cfg: AgentWallConfig): Promise<CoreResponse> {
  let keyId = identity.keyId;
  let budgets = identity.budgets ?? {};
  if (identity.isAdmin) {
    const named = new URLSearchParams(req.query).get('key');
    if (!named) {
      throw new AgentWallError('validation_error', 'The admin key must name a key with ?key=<keyId>.', {}, {
        issues: [{ loc: ['query', 'key'], msg: 'Field required', type: 'missing' }],
      });
    }
    keyId = named;
    budgets = cfg.auth.settingsOf(named)?.budgets ?? {};
  }
  const now = cfg.now();
  const day = utcDay(now);
  const month = utcMonth(now);
  const usage = await cfg.store.getUsage(keyId, day, month).catch(() => {
    throw new AgentWallError('store_unavailable', 'AgentWall cannot reach its store; try again shortly.');
  });
  const o = cfg.options;
  const limit = (v: number | null | undefined) => (v === undefined ? null : v);
  return json(200, {
    key_id: keyId,
    day,
    month,
    daily: { spent_usd: microsToUsd(usage.daily.spentMicros), reserved_usd: microsToUsd(usage.daily.reservedMicros), limit_usd: limit(budgets.dailyUsd ?? o.dailyBudgetUsd) },
    monthly: { spent_usd: microsToUsd(usage.monthly.spentMicros), reserved_usd: microsToUsd(usage.monthly.reservedMicros), limit_usd: limit(budgets.monthlyUsd ?? o.monthlyBudgetUsd) },
    run_limit_usd: limit(budgets.runUsd ?? o.maxRunCostUsd),
    max_steps: identity.isAdmin ? (cfg.auth.settingsOf(keyId)?.maxSteps ?? cfg.maxSteps) : (identity.maxSteps ?? cfg.maxSteps),
  });
}
