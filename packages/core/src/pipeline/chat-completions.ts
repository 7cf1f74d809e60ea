// POST /v1/chat/completions: validate, admit to the run, forward, relay, settle exactly once.
import { pipeline } from 'node:stream';
import type { KeyIdentity } from '../auth/key-ring.js';
import type { AgentWallConfig } from '../config.js';
import { AgentWallError } from '../errors.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../forward/headers.js';
import { isAbort, upstreamError } from '../forward/upstream-errors.js';
import { globToRegExp } from '../forward/upstreams.js';
import { readJsonBody } from '../http/body.js';
import type { CoreRequest, CoreResponse } from '../http/types.js';
import { readRunInput } from '../runs/run-input.js';
import { SseRelay, type StreamObservation } from '../stream/sse-relay.js';
import type { RunKey, StepRecord } from '../store/store.js';
import { validateChatRequest, type ChatRequest } from '../validation/chat-request.js';
import { roundMs, runHeaders, spliceMetadata, type AgentWallMetadata } from './metadata.js';

/** The body as the upstream gets it: without `agentwall_*` fields, asking for usage when streaming. */
function upstreamBody(body: ChatRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in body) if (!k.startsWith('agentwall_')) out[k] = body[k];
  if (body.stream === true) out['stream_options'] = { ...(body.stream_options ?? {}), include_usage: true };
  return out;
}

function modelAllowed(identity: KeyIdentity, model: string): boolean {
  return !identity.models || identity.models.some((p) => (p.includes('*') ? globToRegExp(p).test(model) : p === model));
}

/** Token counts of an OpenAI `usage` object, tolerating missing parts. */
function usageTokens(usage: unknown): Pick<StepRecord, 'promptTokens' | 'completionTokens'> {
  if (usage === null || typeof usage !== 'object') return {};
  const u = usage as Record<string, unknown>;
  const out: Pick<StepRecord, 'promptTokens' | 'completionTokens'> = {};
  if (typeof u['prompt_tokens'] === 'number') out.promptTokens = u['prompt_tokens'];
  if (typeof u['completion_tokens'] === 'number') out.completionTokens = u['completion_tokens'];
  return out;
}

/** Handles one chat completion for an authenticated key. AgentWall's refusals are thrown as AgentWallError. */
export async function handleChatCompletion(req: CoreRequest, identity: KeyIdentity, cfg: AgentWallConfig): Promise<CoreResponse> {
  const started = performance.now();
  const parsed = await readJsonBody(req.body, cfg.maxBodyBytes, req.headers['content-length']);
  const body = validateChatRequest(parsed);
  const runInput = readRunInput(req.headers, body);
  const run: RunKey = { keyId: identity.keyId, runId: runInput.runId };
  const headersOfRun = runHeaders(run.runId);

  if (!modelAllowed(identity, body.model)) {
    throw new AgentWallError('model_not_allowed', `This key may not use the model "${body.model}".`, { model: body.model }, { headers: headersOfRun });
  }

  let verdict;
  try {
    verdict = await cfg.store.admit({
      run,
      now: cfg.now(),
      ttlMs: cfg.runTtlMs,
      maxSteps: identity.maxSteps ?? cfg.maxSteps,
      ...(runInput.agentId !== undefined ? { agentId: runInput.agentId } : {}),
      ...(runInput.metadata !== undefined ? { metadata: runInput.metadata } : {}),
    });
  } catch (err) {
    cfg.logger.error('agentwall: store unavailable, refusing request (fail closed)', { code: 'AW_STORE_UNAVAILABLE', error: String(err) });
    throw new AgentWallError('store_unavailable', 'AgentWall cannot reach its store; try again shortly.', {}, { headers: headersOfRun });
  }
  if (!verdict.admitted) {
    if (verdict.block === 'run_killed') {
      throw new AgentWallError('run_killed', `Run ${run.runId} was killed: ${verdict.reason}`, { run_id: run.runId, reason: verdict.reason }, { headers: headersOfRun });
    }
    throw new AgentWallError(
      'step_limit_exceeded',
      `Run ${run.runId} has reached its limit of ${verdict.limit} steps.`,
      { run_id: run.runId, steps: verdict.steps, limit: verdict.limit },
      { headers: headersOfRun },
    );
  }
  const step = verdict.step;
  const stream = body.stream === true;
  const wantsUsage = body.stream_options?.include_usage === true;

  // Settle exactly once per admitted request, whatever happens to the response.
  let settled: Promise<AgentWallMetadata> | undefined;
  let preForwardMs = 0;
  const settle = (outcome: Omit<StepRecord, 'step' | 'model' | 'stream' | 'latencyMs' | 'at' | 'costMicros' | 'estimated'>, upstreamDone: number): Promise<AgentWallMetadata> => {
    settled ??= (async () => {
      const record: StepRecord = {
        step,
        model: body.model,
        stream,
        costMicros: 0,
        estimated: false,
        latencyMs: roundMs(upstreamDone - started),
        at: cfg.now(),
        ...outcome,
      };
      let runSteps = step;
      try {
        const after = await cfg.store.settle({ run, now: cfg.now(), ttlMs: cfg.runTtlMs, record });
        runSteps = after.steps;
      } catch (err) {
        cfg.logger.error('agentwall: could not record a step outcome', { code: 'AW_SETTLE_FAILED', run_id: run.runId, step, error: String(err) });
      }
      return {
        run_id: run.runId,
        step,
        run_steps: runSteps,
        loop_detected: false,
        overhead_ms: roundMs(preForwardMs + (performance.now() - upstreamDone)),
      };
    })();
    return settled;
  };

  const upstream = cfg.upstreams.route(body.model);
  const headers = upstreamRequestHeaders(req.headers);
  headers['content-type'] = 'application/json';
  headers['accept-encoding'] = 'identity';
  Object.assign(headers, upstream.headers);
  if (upstream.authorization) headers['authorization'] = upstream.authorization;
  const payload = JSON.stringify(upstreamBody(body));

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
    const aborted = isAbort(err) || req.signal.aborted;
    await settle({ status: aborted ? 'aborted' : 'error' }, performance.now());
    const e = upstreamError(err, cfg.upstreams.timeouts);
    throw new AgentWallError(e.code, e.message, { ...e.extra }, { headers: runHeaders(run.runId, step) });
  }

  const outHeaders: Record<string, string | string[]> = { ...clientResponseHeaders(res.headers), ...runHeaders(run.runId, step) };
  const isSse = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');

  if (stream && res.statusCode >= 200 && res.statusCode < 300 && isSse) {
    let upstreamDone = 0;
    const relay = new SseRelay({
      hideUsageChunk: !wantsUsage,
      onDone: async (obs) => {
        upstreamDone = performance.now();
        const meta = await settle({ status: 'ok', httpStatus: res.statusCode, ...usageTokens(obs.usage) }, upstreamDone);
        return `: agentwall ${JSON.stringify(meta)}\n\n`;
      },
    });
    pipeline(res.body, relay, (err) => {
      if (!err) return;
      // Cut short by the client or the upstream: record what was seen.
      const obs: StreamObservation = relay.observation;
      void settle({ status: req.signal.aborted || isAbort(err) ? 'aborted' : 'error', httpStatus: res.statusCode, ...usageTokens(obs.usage) }, upstreamDone || performance.now());
    });
    outHeaders['content-type'] = res.headers['content-type'] as string;
    outHeaders['cache-control'] = 'no-cache';
    outHeaders['x-accel-buffering'] = 'no';
    return { status: res.statusCode, headers: outHeaders, stream: relay, outcome: { runId: run.runId, step } };
  }

  let raw: Buffer;
  try {
    raw = Buffer.from(await res.body.arrayBuffer());
  } catch (err) {
    const aborted = isAbort(err) || req.signal.aborted;
    await settle({ status: aborted ? 'aborted' : 'error', httpStatus: res.statusCode }, performance.now());
    const e = upstreamError(err, cfg.upstreams.timeouts);
    throw new AgentWallError(e.code, e.message, { ...e.extra }, { headers: runHeaders(run.runId, step) });
  }
  const upstreamDone = performance.now();

  if (res.statusCode < 200 || res.statusCode >= 300) {
    // Upstream errors reach the client unchanged; nothing was generated, so nothing is charged.
    await settle({ status: 'error', httpStatus: res.statusCode }, upstreamDone);
    return { status: res.statusCode, headers: outHeaders, body: raw, outcome: { runId: run.runId, step } };
  }

  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    json = undefined;
  }
  const isObject = json !== null && typeof json === 'object' && !Array.isArray(json);
  const usage = isObject ? (json as Record<string, unknown>)['usage'] : undefined;
  const meta = await settle({ status: 'ok', httpStatus: res.statusCode, ...usageTokens(usage) }, upstreamDone);
  const spliced = isObject ? spliceMetadata(raw, Object.keys(json as object).length === 0, meta) : undefined;
  return { status: res.statusCode, headers: outHeaders, body: spliced ?? raw, outcome: { runId: run.runId, step } };
}
