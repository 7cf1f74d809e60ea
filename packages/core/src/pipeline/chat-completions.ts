// POST /v1/chat/completions: validate, admit to the run with a budget reservation, forward, relay, settle exactly once.
import { storeUnavailableForAuth } from '../auth/authenticate.js';
import type { KeyIdentity } from '../auth/key-ring.js';
import { resolveLoop, type AgentWallConfig } from '../config.js';
import { computeCostMicros, microsToUsd, usdToMicros } from '../cost/cost.js';
import { estimatePromptTokens, estimateTextTokens, maxOutputTokens, reservationMicros } from '../cost/estimate.js';
import type { ResolvedPrice } from '../cost/pricing.js';
import { normalizeUsage, type Usage } from '../cost/usage.js';
import { dlpBlockedMessage, type DlpKind } from '../dlp/index.js';
import { AgentWallError } from '../errors.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../forward/headers.js';
import { isAbort, upstreamError } from '../forward/upstream-errors.js';
import { globToRegExp } from '../forward/upstreams.js';
import { readJsonBody } from '../http/body.js';
import type { CoreRequest, CoreResponse } from '../http/types.js';
import { fingerprintView, type LoopFinding } from '../loop/index.js';
import { chatLoopView } from '../protocols/openai-chat/loop-view.js';
import { readRunInput } from '../runs/run-input.js';
import { SseRelay } from '../stream/sse-relay.js';
import { utcDay, utcMonth } from '../store/periods.js';
import type { AdmitRequest, AdmitVerdict, BudgetReservation, RunKey, SettleRequest, StepRecord } from '../store/store.js';
import { validateChatRequest, type ChatRequest } from '../validation/chat-request.js';
import { roundMs, runHeaders, spliceMetadata, type AgentWallMetadata } from './metadata.js';
import { findUsage, objectShape } from './find-usage.js';
import { createStreamResponseMasker } from './response-masking.js';
import { refusalError } from './verdicts.js';

/** The body as the upstream gets it: without `agentwall_*` fields, asking for usage when streaming. */
function upstreamBody(body: ChatRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in body) if (!k.startsWith('agentwall_')) out[k] = body[k];
  if (body.stream === true) out['stream_options'] = { ...(body.stream_options ?? {}), include_usage: true };
  return out;
}

/** Compiled allow-lists, per configured list: patterns are compiled once, not on every request. */
const compiledModels = new WeakMap<string[], RegExp[]>();

function modelAllowed(identity: KeyIdentity, model: string): boolean {
  const list = identity.models;
  if (!list) return true;
  let patterns = compiledModels.get(list);
  if (!patterns) {
    patterns = list.map(globToRegExp);
    compiledModels.set(list, patterns);
  }
  return patterns.some((p) => p.test(model));
}

function limitMicros(usd: number | null | undefined): number | undefined {
  return usd === null || usd === undefined ? undefined : usdToMicros(usd);
}

/** The reservation against every budget that applies to this key, or undefined when none does. */
function budgetFor(identity: KeyIdentity, cfg: AgentWallConfig, micros: number, now: number): BudgetReservation | undefined {
  const o = cfg.options;
  const b = identity.budgets ?? {};
  const runLimitMicros = limitMicros(b.runUsd ?? o.maxRunCostUsd);
  const dailyLimitMicros = limitMicros(b.dailyUsd ?? o.dailyBudgetUsd);
  const monthlyLimitMicros = limitMicros(b.monthlyUsd ?? o.monthlyBudgetUsd);
  if (runLimitMicros === undefined && dailyLimitMicros === undefined && monthlyLimitMicros === undefined) return undefined;
  const budget: BudgetReservation = { micros, day: utcDay(now), month: utcMonth(now) };
  if (runLimitMicros !== undefined) budget.runLimitMicros = runLimitMicros;
  if (dailyLimitMicros !== undefined) budget.dailyLimitMicros = dailyLimitMicros;
  if (monthlyLimitMicros !== undefined) budget.monthlyLimitMicros = monthlyLimitMicros;
  return budget;
}

/** What a step produced, before it is priced. */
interface Outcome {
  status: StepRecord['status'];
  httpStatus?: number;
  /** The upstream's usage object, when it sent one. */
  usage?: unknown;
  /** Output tokens estimated from the text seen, for answers without usage. */
  seenOutputTokens?: number;
  /** True when the upstream generated something that must be paid for. */
  billable: boolean;
}

/** Prices an outcome: real usage when present, else an estimate marked as such, else nothing. */
function price(outcome: Outcome, price: ResolvedPrice, promptTokens: number): { usage?: Usage; costMicros: number; estimated: boolean } {
  if (!outcome.billable) return { costMicros: 0, estimated: false };
  const real = normalizeUsage(outcome.usage);
  if (real) return { usage: real, costMicros: computeCostMicros(price, real), estimated: false };
  const completionTokens = outcome.seenOutputTokens ?? 0;
  const usage: Usage = { promptTokens, completionTokens, cachedTokens: 0, reasoningTokens: 0, totalTokens: promptTokens + completionTokens };
  return { usage, costMicros: computeCostMicros(price, usage), estimated: true };
}

/**
 * Handles one chat completion for an authenticated key. AgentWall's refusals are thrown as AgentWallError.
 * `revocationPending`: the key's revocation was not checked yet, and the store's admit is to check it
 * (`Store.checksRevocationInAdmit`), which saves a round trip to a shared store on every request.
 */
export function handleChatCompletion(req: CoreRequest, identity: KeyIdentity, cfg: AgentWallConfig, revocationPending = false): Promise<CoreResponse> {
  if (!revocationPending) return chatCompletion(req, identity, cfg, undefined);
  return withRevocationCheck(req, identity, cfg);
}

/** Whether the key's revocation is still unchecked: admit checks it, and so does a refusal that comes first. */
interface Revocation {
  pending: boolean;
}

async function withRevocationCheck(req: CoreRequest, identity: KeyIdentity, cfg: AgentWallConfig): Promise<CoreResponse> {
  const revocation: Revocation = { pending: true };
  try {
    return await chatCompletion(req, identity, cfg, revocation);
  } catch (err) {
    // Refused before admit could check the key (a bad body, a model or DLP refusal): a revoked key
    // gets its 401 first, as it does on every other route. This costs a round trip on refusals only.
    if (revocation.pending) await cfg.auth.checkRevocation(identity);
    throw err;
  }
}

async function chatCompletion(req: CoreRequest, identity: KeyIdentity, cfg: AgentWallConfig, revocation: Revocation | undefined): Promise<CoreResponse> {
  const started = performance.now();
  const parsed = await readJsonBody(req.body, cfg.maxBodyBytes, req.headers['content-length']);
  let body = validateChatRequest(parsed);
  const runInput = readRunInput(req.headers, body);
  const run: RunKey = { keyId: identity.keyId, runId: runInput.runId };
  const headersOfRun = runHeaders(run.runId);

  if (!modelAllowed(identity, body.model)) {
    throw new AgentWallError('model_not_allowed', `This key may not use the model "${body.model}".`, { model: body.model }, { headers: headersOfRun });
  }
  // DLP: mask (or refuse) before anything leaves the building. Counts only, never values.
  let dlpCounts: Record<string, number> = {};
  if (cfg.dlp) {
    const scanned = cfg.dlp.scanMessages(body.messages);
    if (scanned.blocked.length) {
      // A revoked key is refused before anything is recorded for it.
      if (revocation?.pending) {
        await cfg.auth.checkRevocation(identity);
        revocation.pending = false;
      }
      await cfg.store.recordBlocked(run, { at: cfg.now(), type: 'dlp_blocked' }, cfg.now(), cfg.runTtlMs).catch(() => undefined);
      throw new AgentWallError('dlp_blocked', dlpBlockedMessage(scanned.blocked as DlpKind[]), { kinds: scanned.blocked }, { headers: headersOfRun });
    }
    // A copy: a body the host app parsed is not ours to change.
    if (scanned.changed) body = { ...body, messages: scanned.messages as ChatRequest['messages'] };
    dlpCounts = scanned.counts;
  }
  const loopSettings = cfg.loop && identity.loop ? resolveLoop(cfg.loop, identity.loop) : cfg.loop;
  const modelPrice = cfg.prices.price(body.model);
  if (!modelPrice.known && cfg.options.unknownModel === 'reject') {
    throw new AgentWallError('unknown_model', `No price is known for the model "${body.model}", and unknown models are refused.`, { model: body.model }, { headers: headersOfRun });
  }
  const promptTokens = estimatePromptTokens(body);
  const now = cfg.now();
  const budget = budgetFor(identity, cfg, reservationMicros(modelPrice, promptTokens, maxOutputTokens(body, cfg.options.outputTokenCap)), now);

  // Objects on this path are built field by field: in V8, `{ ...a, b }` and trailing conditional
  // spreads take a slow runtime path that costs up to a microsecond each (see the README's Performance).
  const admitRequest: AdmitRequest = { run, now, ttlMs: cfg.runTtlMs, maxSteps: identity.maxSteps ?? cfg.maxSteps };
  if (cfg.options.maxRunDurationMs !== undefined) admitRequest.maxDurationMs = cfg.options.maxRunDurationMs;
  if (budget) admitRequest.budget = budget;
  if (cfg.dlp) admitRequest.dlp = dlpCounts;
  if (loopSettings) admitRequest.loop = { mode: loopSettings.mode, params: loopSettings.params, fingerprint: fingerprintView(chatLoopView(body)) };
  if (runInput.agentId !== undefined) admitRequest.agentId = runInput.agentId;
  if (runInput.metadata !== undefined) admitRequest.metadata = runInput.metadata;
  const checksRevocation = revocation?.pending === true;
  if (revocation) {
    admitRequest.checkRevoked = checksRevocation;
    revocation.pending = false;
  }
  let verdict: AdmitVerdict;
  let tracked = true;
  try {
    verdict = await cfg.store.admit(admitRequest);
  } catch (err) {
    // The store is down. Each guard that applies fails open or closed as configured; auth first.
    const closedBy =
      checksRevocation && !cfg.options.failOpen.auth
        ? 'auth'
        : budget && !cfg.options.failOpen.budgets
          ? 'budgets'
          : loopSettings && !cfg.options.failOpen.loop
            ? 'loop'
            : undefined;
    cfg.logger.error(`agentwall: store unreachable; ${closedBy ? `refusing the request (${closedBy} fail closed)` : 'forwarding untracked (fail open)'}`, {
      code: 'AW_STORE_UNAVAILABLE',
      guard: closedBy ?? 'admit',
      error: String(err),
    });
    if (closedBy === 'auth') throw storeUnavailableForAuth();
    if (closedBy) throw new AgentWallError('store_unavailable', 'AgentWall cannot reach its store; try again shortly.', {}, { headers: headersOfRun });
    verdict = { admitted: true, step: 0 };
    tracked = false;
  }
  if (!verdict.admitted) throw refusalError(verdict, run.runId, headersOfRun);
  // From here on a settle is owed, whatever happens: close() waits for it.
  if (tracked) cfg.inFlight.begin();
  const step = verdict.step;
  const loopWarning = verdict.loop;
  const stream = body.stream === true;
  const wantsUsage = body.stream_options?.include_usage === true;
  const reservation = budget ? { micros: budget.micros, day: budget.day, month: budget.month } : undefined;
  const responseMasker = cfg.dlpResponses && cfg.dlp && stream ? createStreamResponseMasker(cfg.dlp) : undefined;

  // Settle exactly once per admitted request, whatever happens to the response.
  let settled: Promise<AgentWallMetadata> | undefined;
  let preForwardMs = 0;
  const settle = (outcome: Outcome, upstreamDone: number): Promise<AgentWallMetadata> => {
    settled ??= (async () => {
      const priced = price(outcome, modelPrice, promptTokens);
      const u = priced.usage;
      const record: StepRecord = {
        step,
        model: body.model,
        stream,
        status: outcome.status,
        costMicros: priced.costMicros,
        estimated: priced.estimated,
        latencyMs: roundMs(upstreamDone - started),
        at: cfg.now(),
      };
      if (outcome.httpStatus !== undefined) record.httpStatus = outcome.httpStatus;
      if (u) {
        record.promptTokens = u.promptTokens;
        record.completionTokens = u.completionTokens;
        record.cachedTokens = u.cachedTokens;
        record.reasoningTokens = u.reasoningTokens;
      }
      let runSteps = step;
      let runCostMicros = priced.costMicros;
      // Admitted untracked while the store was down: there is nothing to settle against.
      if (tracked) {
        const settleRequest: SettleRequest = { run, now: cfg.now(), ttlMs: cfg.runTtlMs, record };
        if (reservation) settleRequest.reservation = reservation;
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
        run_id: run.runId,
        step,
        cost_usd: microsToUsd(priced.costMicros),
        run_cost_usd: microsToUsd(runCostMicros),
        run_steps: runSteps,
        loop_detected: loopWarning !== undefined,
        overhead_ms: 0,
      };
      if (loopWarning) meta['loop'] = loopDetails(loopWarning);
      // After the fields above, so that the time spent building them is counted.
      meta.overhead_ms = roundMs(preForwardMs + (performance.now() - upstreamDone));
      if (priced.estimated) meta['estimated'] = true;
      if (cfg.dlp) meta['dlp'] = dlpCounts;
      if (responseMasker) meta['dlp_response'] = responseMasker.counts;
      return meta;
    })();
    return settled;
  };
  const fail = async (err: unknown, httpStatus?: number): Promise<never> => {
    const aborted = isAbort(err) || req.signal.aborted;
    const outcome: Outcome = { status: aborted ? 'aborted' : 'error', billable: false };
    if (httpStatus !== undefined) outcome.httpStatus = httpStatus;
    await settle(outcome, performance.now());
    const e = upstreamError(err, cfg.upstreams.timeouts);
    throw new AgentWallError(e.code, e.message, { ...e.extra }, { headers: runHeaders(run.runId, step) });
  };

  const upstream = cfg.upstreams.route(body.model);
  const headers = upstreamRequestHeaders(req.headers);
  headers['content-type'] = 'application/json';
  headers['accept-encoding'] = 'identity';
  Object.assign(headers, upstream.headers);
  if (upstream.authorization) headers['authorization'] = upstream.authorization;
  let payload: string;
  try {
    payload = JSON.stringify(upstreamBody(body));
  } catch (err) {
    // Only a body no JSON parser makes (a host parser's BigInt or cycle) gets here: the step is settled, the error goes on.
    await settle({ status: 'error', billable: false }, performance.now());
    throw err;
  }

  preForwardMs = performance.now() - started;
  let res;
  try {
    res = await cfg.upstreams.dispatcher.request({
      origin: upstream.origin,
      path: `${upstream.basePath}/chat/completions`,
      method: 'POST',
      headers,
      body: payload,
      signal: req.signal,
    });
  } catch (err) {
    return fail(err);
  }

  const outHeaders = clientResponseHeaders(res.headers);
  outHeaders['x-agentwall-run-id'] = run.runId;
  outHeaders['x-agentwall-step'] = String(step);
  if (loopWarning) outHeaders['x-agentwall-loop'] = `${loopWarning.loopType}; confidence=${loopWarning.confidence}; matched_step=${loopWarning.matchedStep}`;
  const ok = res.statusCode >= 200 && res.statusCode < 300;
  const status = res.statusCode;

  if (stream && ok && String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    let upstreamDone = 0;
    const relay = new SseRelay({
      hideUsageChunk: !wantsUsage,
      estimateTokens: estimateTextTokens,
      ...(responseMasker ? { rewrite: responseMasker.rewrite, flush: responseMasker.flush } : {}),
      onDone: async (obs) => {
        upstreamDone = performance.now();
        const meta = await settle({ status: 'ok', httpStatus: status, usage: obs.usage, seenOutputTokens: obs.outputTokens, billable: true }, upstreamDone);
        return `: agentwall ${JSON.stringify(meta)}\n\n`;
      },
    });
    // Cut short by the client or the upstream: the prompt was read and the text seen was generated,
    // so both are charged (settle is memoized: a stream that reached [DONE] is already settled).
    const upstreamBody = res.body;
    const cut = (err?: Error): void => {
      const obs = relay.observation;
      const aborted = req.signal.aborted || err === undefined || isAbort(err);
      void settle({ status: aborted ? 'aborted' : 'error', httpStatus: status, usage: obs.usage, seenOutputTokens: obs.outputTokens, billable: true }, upstreamDone || performance.now());
    };
    upstreamBody.once('error', (err) => {
      cut(err);
      // The client leaving is not an error worth reporting; an upstream that drops mid-stream is.
      if (!relay.destroyed) relay.destroy(req.signal.aborted || isAbort(err) ? undefined : err);
    });
    upstreamBody.once('close', () => {
      if (!upstreamBody.readableEnded) cut();
    });
    // The client went away (the adapter destroyed the relay): stop reading, which aborts the upstream request.
    relay.once('close', () => {
      if (!upstreamBody.readableEnded && !upstreamBody.destroyed) upstreamBody.destroy();
    });
    upstreamBody.pipe(relay);
    outHeaders['content-type'] = res.headers['content-type'] as string;
    outHeaders['cache-control'] = 'no-cache';
    outHeaders['x-accel-buffering'] = 'no';
    return { status, headers: outHeaders, stream: relay, outcome: { runId: run.runId, step } };
  }

  let raw: Buffer;
  try {
    raw = Buffer.from(await res.body.arrayBuffer());
  } catch (err) {
    return fail(err, status);
  }
  const upstreamDone = performance.now();

  if (!ok) {
    // Upstream errors reach the client unchanged; nothing was generated, so nothing is charged.
    await settle({ status: 'error', httpStatus: status, billable: false }, upstreamDone);
    return { status, headers: outHeaders, body: raw, outcome: { runId: run.runId, step } };
  }

  // Usage is read without parsing the answer; the answer is parsed only when usage is missing (to
  // estimate) or when answers are DLP-masked.
  const shape = objectShape(raw);
  let usage: unknown = shape.isObject ? findUsage(raw) : undefined;
  let answer: Record<string, unknown> | undefined;
  const parseAnswer = (): Record<string, unknown> | undefined => {
    if (answer === undefined && shape.isObject) {
      try {
        answer = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        answer = undefined;
      }
    }
    return answer;
  };
  let seenOutputTokens = 0;
  if (usage === undefined) {
    const parsedAnswer = parseAnswer();
    usage = parsedAnswer?.['usage'];
    if (parsedAnswer) seenOutputTokens = completionTextTokens(parsedAnswer);
  }
  const meta = await settle({ status: 'ok', httpStatus: status, usage, seenOutputTokens, billable: true }, upstreamDone);
  outHeaders['x-agentwall-cost-usd'] = meta.cost_usd.toFixed(6);
  outHeaders['x-agentwall-run-cost-usd'] = meta.run_cost_usd.toFixed(6);
  const toMask = cfg.dlpResponses && cfg.dlp ? parseAnswer() : undefined;
  if (toMask && cfg.dlp) {
    const masked = cfg.dlp.scanCompletion(toMask);
    if (masked.changed) {
      // Masking changed the answer, so it is re-encoded once; unmasked answers are never re-encoded.
      const out = { ...(masked.body as Record<string, unknown>), agentwall: { ...meta, dlp_response: masked.counts } };
      return { status, headers: outHeaders, body: JSON.stringify(out), outcome: { runId: run.runId, step } };
    }
  }
  const spliced = shape.isObject ? spliceMetadata(raw, shape.isEmpty, meta) : undefined;
  return { status, headers: outHeaders, body: spliced ?? raw, outcome: { runId: run.runId, step } };
}

/** A loop finding as the metadata shows it in `warn` mode. */
function loopDetails(f: LoopFinding): Record<string, unknown> {
  return { loop_type: f.loopType, confidence: f.confidence, matched_step: f.matchedStep, repeats: f.repeats };
}

/** Estimated tokens of a non-streamed answer's text, used only when the upstream sent no usage. */
function completionTextTokens(answer: Record<string, unknown>): number {
  const choices = answer['choices'];
  if (!Array.isArray(choices)) return 0;
  let n = 0;
  for (const c of choices) {
    const m = (c as { message?: { content?: unknown; tool_calls?: unknown } } | null)?.message;
    if (typeof m?.content === 'string') n += estimateTextTokens(m.content);
    if (Array.isArray(m?.tool_calls)) n += estimateTextTokens(JSON.stringify(m.tool_calls));
  }
  return n;
}
