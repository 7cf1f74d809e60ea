// GET /agentwall/usage: a key's spend today and this month (UTC), with its limits.
import { microsToUsd } from '../cost/cost.js';
import { AgentWallError } from '../errors.js';
import { json } from '../http/respond.js';
import type { CoreResponse } from '../http/types.js';
import { utcDay, utcMonth } from '../store/periods.js';
import type { RouteContext } from './table.js';

/** The calling key's usage; the admin key names any key with `?key=<keyId>`. */
export async function usageRoute({ req, identity: caller, cfg }: RouteContext): Promise<CoreResponse> {
  const identity = caller!;
  let keyId = identity.keyId;
  let policy = cfg.policies.of(identity);
  if (identity.isAdmin) {
    const named = new URLSearchParams(req.query).get('key');
    if (!named) {
      throw new AgentWallError('validation_error', 'The admin key must name a key with ?key=<keyId>.', {}, {
        issues: [{ loc: ['query', 'key'], msg: 'Field required', type: 'missing' }],
      });
    }
    keyId = named;
    policy = cfg.policies.of(cfg.auth.settingsOf(named) ?? { keyId: named, isAdmin: false });
  }
  const now = cfg.now();
  const day = utcDay(now);
  const month = utcMonth(now);
  const usage = await cfg.store.getUsage(keyId, day, month).catch(() => {
    throw new AgentWallError('store_unavailable', 'AgentWall cannot reach its store; try again shortly.');
  });
  const limits = policy.budgetsUsd;
  return json(200, {
    key_id: keyId,
    day,
    month,
    daily: { spent_usd: microsToUsd(usage.daily.spentMicros), reserved_usd: microsToUsd(usage.daily.reservedMicros), limit_usd: limits.dailyUsd },
    monthly: { spent_usd: microsToUsd(usage.monthly.spentMicros), reserved_usd: microsToUsd(usage.monthly.reservedMicros), limit_usd: limits.monthlyUsd },
    run_limit_usd: limits.runUsd,
    max_steps: policy.maxSteps,
  });
}
