// A key's policy, resolved once per key: the key's own setting where it has one, else the global option.
import type { KeyIdentity } from '../auth/key-ring.js';
import { usdToMicros } from '../cost/cost.js';
import { globToRegExp } from '../forward/upstreams.js';
import { similarityToDistance, type LoopParams } from '../loop/index.js';
import type { LoopOptions } from '../options.js';

/** Resolved loop detection settings. */
export interface LoopSettings {
  params: LoopParams;
  mode: 'block' | 'warn' | 'kill';
}

/** Budgets in integer micro-dollars; absent: no such budget. */
export interface BudgetLimits {
  runMicros?: number;
  dailyMicros?: number;
  monthlyMicros?: number;
}

/** Everything a guard needs to know about a key, in the units it needs. */
export interface KeyPolicy {
  /** Compiled model allow-list; undefined: every model. */
  models: RegExp[] | undefined;
  /** Step limit per run (0: none). */
  maxSteps: number;
  /** Budgets in micro-dollars, and in USD as configured (for the usage route). */
  budgets: BudgetLimits;
  budgetsUsd: { runUsd: number | null; dailyUsd: number | null; monthlyUsd: number | null };
  /** Loop detection settings, or undefined when loop detection is off. */
  loop: LoopSettings | undefined;
}

/** The global options a policy falls back to. */
export interface PolicyDefaults {
  maxSteps: number;
  maxRunCostUsd: number | null;
  dailyBudgetUsd: number | undefined;
  monthlyBudgetUsd: number | undefined;
  loop: LoopSettings | undefined;
}

/** Loop settings with overrides applied (global options, then a key's own). */
export function resolveLoop(base: LoopSettings, o: LoopOptions): LoopSettings {
  return {
    mode: o.mode ?? base.mode,
    params: {
      window: o.window ?? base.params.window,
      nearMaxDistance: o.similarity !== undefined ? similarityToDistance(o.similarity) : base.params.nearMaxDistance,
      nearRepeats: o.nearRepeats ?? base.params.nearRepeats,
      toolRepeats: o.toolRepeats ?? base.params.toolRepeats,
    },
  };
}

function micros(usd: number | null | undefined): number | undefined {
  return usd === null || usd === undefined ? undefined : usdToMicros(usd);
}

/**
 * Resolves and caches the policy of each key identity. Configured keys keep one identity object, so their
 * policy is computed once; a `verifyKey` callback's settings are resolved on each request, as it may change them.
 *
 * @example
 * const policies = new KeyPolicies(defaults);
 * policies.of(identity).maxSteps; // the key's own maxSteps, else the global one
 */
export class KeyPolicies {
  private readonly cache = new WeakMap<KeyIdentity, KeyPolicy>();

  constructor(private readonly defaults: PolicyDefaults) {}

  /** The policy of a key. */
  of(identity: KeyIdentity): KeyPolicy {
    let policy = this.cache.get(identity);
    if (!policy) {
      policy = this.resolve(identity);
      this.cache.set(identity, policy);
    }
    return policy;
  }

  private resolve(identity: KeyIdentity): KeyPolicy {
    const d = this.defaults;
    const b = identity.budgets ?? {};
    const runUsd = b.runUsd ?? d.maxRunCostUsd;
    const dailyUsd = b.dailyUsd ?? d.dailyBudgetUsd ?? null;
    const monthlyUsd = b.monthlyUsd ?? d.monthlyBudgetUsd ?? null;
    const budgets: BudgetLimits = {};
    const run = micros(runUsd);
    const daily = micros(dailyUsd);
    const monthly = micros(monthlyUsd);
    if (run !== undefined) budgets.runMicros = run;
    if (daily !== undefined) budgets.dailyMicros = daily;
    if (monthly !== undefined) budgets.monthlyMicros = monthly;
    return {
      models: identity.models?.map(globToRegExp),
      maxSteps: identity.maxSteps ?? d.maxSteps,
      budgets,
      budgetsUsd: { runUsd, dailyUsd, monthlyUsd },
      loop: d.loop && identity.loop ? resolveLoop(d.loop, identity.loop) : d.loop,
    };
  }
}
