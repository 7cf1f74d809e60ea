// An admitted step: settled exactly once, whatever happens to its answer, with its record published as an event.
import { computeCostMicros, microsToUsd } from '../cost/cost.js';
import type { Usage } from '../cost/usage.js';
import type { GuardedCall } from '../guards/guard.js';
import type { RequestOutcome } from '../http/types.js';
import type { LoopFinding } from '../loop/index.js';
import type { SettleRequest, StepRecord } from '../store/store.js';
import type { AgentWallConfig } from '../config.js';
import { roundMs, type AgentWallMetadata } from './metadata.js';

/** What a step produced, before it is priced. */
export interface Outcome {
  status: StepRecord['status'];
  httpStatus?: number;
  /** The upstream's usage, normalized, when it sent one. */
  usage?: Usage | undefined;
  /**
   * Usage reported before the final figures (a stream's `message_start`), when the final ones never came: its
   * input figures are charged as reported, the output as estimated from the text seen, marked estimated.
   */
  partialUsage?: Usage;
  /** Output tokens estimated from the text seen, for answers without usage. */
  seenOutputTokens?: number;
  /** True when the upstream generated something that must be paid for. */
  billable: boolean;
}

/** The step a store admitted (or an untracked one while the store was down). */
export interface Admission {
  step: number;
  /** The admit this step belongs to: its settle applies only to it (SPEC section 9). */
  admitId: string;
  /** False when the store was down and the call went through untracked: nothing to settle against. */
  tracked: boolean;
  /** In `warn` mode: the loop found, the request admitted anyway. */
  loop: LoopFinding | undefined;
}

/** A loop finding as the metadata shows it in `warn` mode. */
function loopDetails(f: LoopFinding): Record<string, unknown> {
  return { loop_type: f.loopType, confidence: f.confidence, matched_step: f.matchedStep, repeats: f.repeats };
}

/**
 * Settles one admitted step exactly once: prices its outcome (real usage, else an estimate marked as such,
 * else nothing), records it in the store (a failed settle is held and sent again until recorded), builds the
 * `agentwall` metadata, fills in the host app's outcome and publishes the step event.
 *
 * @example
 * const step = new AdmittedStep(call, admission, cfg, started, outcome);
 * const meta = await step.settle({ status: 'ok', usage, billable: true }, performance.now());
 */
export class AdmittedStep {
  private settled: Promise<AgentWallMetadata> | undefined;
  /** AgentWall's own time before the request went upstream. */
  preForwardMs = 0;
  /** DLP counts of the masked answer, when answers are masked. */
  responseDlp: (() => Record<string, number> | undefined) | undefined;

  constructor(
    private readonly call: GuardedCall,
    readonly admission: Admission,
    private readonly cfg: AgentWallConfig,
    private readonly started: number,
    /** The host app's view of the request, completed when the step settles. */
    readonly outcome: RequestOutcome,
  ) {}

  get step(): number {
    return this.admission.step;
  }

  /** Settles the step (once: later calls get the first settle's metadata). `upstreamDone`: when the upstream finished. */
  settle(outcome: Outcome, upstreamDone: number): Promise<AgentWallMetadata> {
    this.settled ??= this.record(outcome, upstreamDone);
    return this.settled;
  }

  private async record(outcome: Outcome, upstreamDone: number): Promise<AgentWallMetadata> {
    const { call, cfg, admission } = this;
    const priced = this.price(outcome);
    const u = priced.usage;
    const record: StepRecord = {
      step: admission.step,
      model: call.request.model,
      stream: call.request.stream,
      status: outcome.status,
      costMicros: priced.costMicros,
      estimated: priced.estimated,
      latencyMs: roundMs(upstreamDone - this.started),
      at: cfg.now(),
    };
    if (outcome.httpStatus !== undefined) record.httpStatus = outcome.httpStatus;
    if (u) {
      record.promptTokens = u.promptTokens;
      record.completionTokens = u.completionTokens;
      record.cachedTokens = u.cachedTokens;
      record.reasoningTokens = u.reasoningTokens;
      if (u.cacheWriteTokens !== undefined) record.cacheWriteTokens = u.cacheWriteTokens;
    }
    let runSteps = admission.step;
    let runCostMicros = priced.costMicros;
    if (admission.tracked) {
      const settleRequest: SettleRequest = { run: call.run, admitId: admission.admitId, now: cfg.now(), ttlMs: cfg.runTtlMs, record };
      const budget = call.admit.budget;
      if (budget) settleRequest.reservation = { micros: budget.micros, day: budget.day, month: budget.month };
      let ended = true;
      try {
        const after = await cfg.store.settle(settleRequest);
        runSteps = after.steps;
        runCostMicros = after.runCostMicros;
      } catch (err) {
        // Sent again until the store records it; the step stays in flight until then.
        ended = !cfg.settleRetries.hold(settleRequest, err);
      } finally {
        if (ended) cfg.inFlight.end();
      }
    }
    const meta: AgentWallMetadata = {
      run_id: call.run.runId,
      step: admission.step,
      cost_usd: microsToUsd(priced.costMicros),
      run_cost_usd: microsToUsd(runCostMicros),
      run_steps: runSteps,
      loop_detected: admission.loop !== undefined,
      overhead_ms: 0,
    };
    if (admission.loop) meta['loop'] = loopDetails(admission.loop);
    // After the fields above, so that the time spent building them is counted.
    meta.overhead_ms = roundMs(this.preForwardMs + (performance.now() - upstreamDone));
    if (priced.estimated) meta['estimated'] = true;
    if (call.dlpCounts) meta['dlp'] = call.dlpCounts;
    const responseDlp = this.responseDlp?.();
    if (responseDlp) meta['dlp_response'] = responseDlp;
    this.outcome.metadata = meta;
    if (cfg.events.wantsSteps) {
      cfg.events.step({
        protocol: call.protocol.name,
        keyId: call.run.keyId,
        runId: call.run.runId,
        step: admission.step,
        model: call.request.model,
        record,
        metadata: meta,
        tracked: admission.tracked,
      });
    }
    return meta;
  }

  /** Prices an outcome: real usage when present, else an estimate marked as such, else nothing. */
  private price(outcome: Outcome): { usage?: Usage; costMicros: number; estimated: boolean } {
    if (!outcome.billable) return { costMicros: 0, estimated: false };
    const price = this.call.price;
    const real = outcome.usage;
    if (real) return { usage: real, costMicros: computeCostMicros(price, real), estimated: false };
    const seen = outcome.seenOutputTokens ?? 0;
    const partial = outcome.partialUsage;
    if (partial) {
      const completionTokens = Math.max(partial.completionTokens, seen);
      const usage: Usage = { ...partial, completionTokens, totalTokens: partial.promptTokens + completionTokens };
      return { usage, costMicros: computeCostMicros(price, usage), estimated: true };
    }
    const promptTokens = this.call.inputTokens;
    const completionTokens = seen;
    const usage: Usage = { promptTokens, completionTokens, cachedTokens: 0, reasoningTokens: 0, totalTokens: promptTokens + completionTokens };
    return { usage, costMicros: computeCostMicros(price, usage), estimated: true };
  }
}
