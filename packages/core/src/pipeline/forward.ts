// Forwards an admitted call upstream and relays or reads the answer, observing usage on the side; settles once.
import type { IncomingHttpHeaders } from 'node:http';
import type { AgentWallConfig } from '../config.js';
import { estimateTextTokens } from '../cost/estimate.js';
import { AgentWallError } from '../errors.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../forward/headers.js';
import { callUpstream, type UpstreamAnswer } from '../forward/upstream-call.js';
import { isAbort, midStreamError, upstreamError } from '../forward/upstream-errors.js';
import type { GuardedCall } from '../guards/guard.js';
import type { CoreRequest, CoreResponse } from '../http/types.js';
import { SseRelay } from '../stream/sse-relay.js';
import { settleRemembering } from './chain.js';
import { objectShape } from './find-usage.js';
import { runHeaders, spliceMetadata } from './metadata.js';
import type { AdmittedStep, Outcome } from './step.js';

function isEventStream(status: number, headers: IncomingHttpHeaders): boolean {
  return status >= 200 && status < 300 && String(headers['content-type'] ?? '').startsWith('text/event-stream');
}

function never(): boolean {
  return false;
}

/**
 * Sends the call's upstream request and turns the answer into the client's response: a stream relayed byte
 * for byte through the protocol's observer, or a JSON answer with AgentWall's metadata spliced in. Upstream
 * errors reach the client unchanged; a failure to reach the upstream is a 502 or 504. The step is settled
 * exactly once on every path.
 */
export async function forward(call: GuardedCall, step: AdmittedStep, req: CoreRequest, cfg: AgentWallConfig, started: number): Promise<CoreResponse> {
  const { protocol, request, run } = call;
  const fail = async (err: unknown, httpStatus?: number): Promise<never> => {
    const aborted = isAbort(err) || req.signal.aborted;
    const outcome: Outcome = { status: aborted ? 'aborted' : 'error', billable: false };
    if (httpStatus !== undefined) outcome.httpStatus = httpStatus;
    await step.settle(outcome, performance.now());
    const e = upstreamError(err, cfg.upstreams.timeouts);
    throw new AgentWallError(e.code, e.message, { ...e.extra }, { headers: runHeaders(run.runId, step.step), guard: 'upstream' });
  };

  const upstream = cfg.upstreams.route(request.model, protocol.upstreamKind);
  const headers = upstreamRequestHeaders(req.headers);
  headers['content-type'] = 'application/json';
  headers['accept-encoding'] = 'identity';
  Object.assign(headers, upstream.headers, upstream.credentials);
  let payload: string;
  try {
    payload = JSON.stringify(protocol.upstreamBody(request));
  } catch (err) {
    // Only a body no JSON parser makes (a host parser's BigInt or cycle) gets here: the step is settled, the error goes on.
    await step.settle({ status: 'error', billable: false }, performance.now());
    throw err;
  }

  step.preForwardMs = performance.now() - started;
  // A streamed request's answer is relayed when it is a 2xx event stream; anything else is read whole.
  const relays = request.stream ? isEventStream : never;
  let res: UpstreamAnswer;
  try {
    res = await callUpstream(
      cfg.upstreams.dispatcher,
      { origin: upstream.origin, path: upstream.basePath + protocol.upstreamPath, method: 'POST', headers, body: payload },
      req.signal,
      relays,
    );
  } catch (err) {
    return fail(err);
  }

  const outHeaders = clientResponseHeaders(res.headers);
  outHeaders['x-agentwall-run-id'] = run.runId;
  outHeaders['x-agentwall-step'] = String(step.step);
  const loop = step.admission.loop;
  if (loop) outHeaders['x-agentwall-loop'] = `${loop.loopType}; confidence=${loop.confidence}; matched_step=${loop.matchedStep}`;
  const status = res.statusCode;
  const ok = status >= 200 && status < 300;
  const outcome = step.outcome;
  // Answers a later request may continue by id are remembered when their step settles (`pipeline/chain.ts`).
  const chain = protocol.chain?.remembers(request) ? protocol.chain : undefined;

  if (res.stream) {
    const scanner = cfg.dlpResponses ? cfg.dlp : undefined;
    const observer = protocol.streamObserver(request, { estimateTokens: estimateTextTokens, scanner });
    if (scanner) step.responseDlp = () => (observer as { maskedCounts?: Record<string, number> }).maskedCounts;
    // The link is taken once: a stream cut after its final event is not remembered twice.
    let linked = false;
    const linkOnce = () => {
      if (linked || !chain) return undefined;
      linked = true;
      return chain.streamLink(observer);
    };
    let upstreamDone = 0;
    const relay = new SseRelay({
      observer,
      maxEventBytes: cfg.maxStreamEventBytes,
      onFinal: async () => {
        upstreamDone = performance.now();
        const final: Outcome = { status: observer.failed === true ? 'error' : 'ok', httpStatus: status, usage: observer.usage, seenOutputTokens: observer.outputTokens, billable: true };
        if (observer.partialUsage) final.partialUsage = observer.partialUsage;
        const meta = chain ? await settleRemembering(step, call, cfg, final, upstreamDone, linkOnce()) : await step.settle(final, upstreamDone);
        return `: agentwall ${JSON.stringify(meta)}\n\n`;
      },
    });
    // Cut short by the client or the upstream: the prompt was read and the text seen was generated,
    // so both are charged (settle is memoized: a stream that reached its final event is already settled).
    const upstreamBody = res.stream;
    const cut = (err?: Error): void => {
      const aborted = req.signal.aborted || err === undefined || isAbort(err);
      const cutOutcome: Outcome = { status: aborted ? 'aborted' : 'error', httpStatus: status, usage: observer.usage, seenOutputTokens: observer.outputTokens, billable: true };
      if (observer.partialUsage) cutOutcome.partialUsage = observer.partialUsage;
      const done = upstreamDone || performance.now();
      void (chain ? settleRemembering(step, call, cfg, cutOutcome, done, linkOnce()) : step.settle(cutOutcome, done));
    };
    upstreamBody.once('error', (err) => {
      cut(err);
      if (relay.destroyed) return;
      // The client leaving is not an error worth reporting; an upstream that drops mid-stream is: in the
      // protocol's own error event when it has one, else by cutting the client's connection too.
      const leaving = req.signal.aborted || isAbort(err);
      if (!leaving && observer.failure) relay.fail(observer.failure(midStreamError(err, cfg.upstreams.timeouts)) ?? '');
      else relay.destroy(leaving ? undefined : err);
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
    return { status, headers: outHeaders, stream: relay, outcome };
  }

  let raw: Buffer;
  try {
    raw = await res.body!;
  } catch (err) {
    return fail(err, status);
  }
  const upstreamDone = performance.now();

  if (!ok) {
    // Upstream errors reach the client unchanged; nothing was generated, so nothing is charged.
    await step.settle({ status: 'error', httpStatus: status, billable: false }, upstreamDone);
    return { status, headers: outHeaders, body: raw, outcome };
  }

  // The answer is parsed only when the protocol needs it (usage missing) or when answers are DLP-masked.
  const shape = objectShape(raw);
  let answer: Record<string, unknown> | undefined;
  let parsedOnce = false;
  const parseAnswer = (): Record<string, unknown> | undefined => {
    if (!parsedOnce && shape.isObject) {
      parsedOnce = true;
      try {
        answer = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        answer = undefined;
      }
    }
    return answer;
  };
  const seen = shape.isObject ? protocol.answerUsage(raw, parseAnswer) : { usage: undefined, outputTokens: 0 };
  const answered: Outcome = { status: 'ok', httpStatus: status, usage: seen.usage, seenOutputTokens: seen.outputTokens, billable: true };
  const parsedAnswer = chain ? parseAnswer() : undefined;
  const link = chain && parsedAnswer ? chain.answerLink(parsedAnswer) : undefined;
  const meta = link ? await settleRemembering(step, call, cfg, answered, upstreamDone, link) : await step.settle(answered, upstreamDone);
  outHeaders['x-agentwall-cost-usd'] = meta.cost_usd.toFixed(6);
  outHeaders['x-agentwall-run-cost-usd'] = meta.run_cost_usd.toFixed(6);
  const toMask = cfg.dlpResponses && cfg.dlp && protocol.maskAnswer ? parseAnswer() : undefined;
  if (toMask && cfg.dlp && protocol.maskAnswer) {
    const masked = protocol.maskAnswer(toMask, cfg.dlp.scanText);
    if (masked.changed) {
      // Masking changed the answer, so it is re-encoded once; unmasked answers are never re-encoded.
      const out = { ...masked.answer, agentwall: { ...meta, dlp_response: masked.counts } };
      return { status, headers: outHeaders, body: JSON.stringify(out), outcome };
    }
  }
  const spliced = shape.isObject ? spliceMetadata(raw, shape.isEmpty, meta) : undefined;
  return { status, headers: outHeaders, body: spliced ?? raw, outcome };
}
