// Answers continued by id (Responses `previous_response_id`): a continuation joins its parent's run; each answer relayed is remembered.
import type { AgentWallConfig } from '../config.js';
import { AgentWallError } from '../errors.js';
import type { GuardedCall } from '../guards/guard.js';
import type { ChainLink, ProtocolChain, ProtocolRequest } from '../protocols/protocol.js';
import type { ResponseRecord } from '../store/store.js';
import type { AgentWallMetadata } from './metadata.js';
import type { AdmittedStep, Outcome } from './step.js';

/** A request after its parent was looked up: with the parent attached when AgentWall relayed it for this key. */
export interface JoinedRequest<R extends ProtocolRequest> {
  request: R;
  parent?: ResponseRecord;
}

/**
 * Looks up the answer a request continues. A parent this key's calls created is attached to the request
 * (`chain.withParent`); a parent created through another key is refused with 404 `not_found`, so that no key
 * continues, and so reads, another key's conversation; a parent AgentWall never relayed (or forgot) leaves the
 * request as it is, guarded on what it shows. While the store cannot be reached, ownership cannot be checked:
 * the request is refused with 503 unless auth fails open (`failOpen.auth`).
 *
 * @example
 * const { request, parent } = await joinChain(protocol.chain, request, identity.keyId, cfg, req.path);
 */
export async function joinChain<R extends ProtocolRequest>(chain: ProtocolChain<R>, request: R, keyId: string, cfg: AgentWallConfig, path: string): Promise<JoinedRequest<R>> {
  const id = chain.parentId(request);
  if (id === undefined) return { request };
  let parent: ResponseRecord | undefined;
  try {
    parent = await cfg.store.getResponse(id);
  } catch (err) {
    const closed = !cfg.options.failOpen.auth;
    cfg.logger.error(`agentwall: store unreachable while looking up a previous response; ${closed ? 'refusing the request (auth fail closed)' : 'forwarding it unjoined (fail open)'}`, {
      code: 'AW_STORE_UNAVAILABLE',
      guard: 'chain',
      error: String(err),
    });
    if (closed) throw new AgentWallError('store_unavailable', 'AgentWall cannot reach its store; try again shortly.', {}, { guard: 'store' });
    return { request };
  }
  if (parent === undefined) return { request };
  if (parent.keyId !== keyId) {
    throw new AgentWallError('not_found', `No response "${id}" was created through this key.`, { path }, { guard: 'chain' });
  }
  return { request: chain.withParent(request, parent), parent };
}

/**
 * Remembers an answer AgentWall relayed, for the run's lifetime (`runTtlMs`): its key, run, model, calls and
 * tokens (the upstream's usage, else the estimate the step was charged). A store that fails is logged once per
 * answer (`AW_RESPONSE_NOT_REMEMBERED`); the answer still reaches the client, and a continuation of it is then
 * guarded on what it shows.
 */
async function remember(cfg: AgentWallConfig, call: GuardedCall, link: ChainLink, outcome: Outcome): Promise<void> {
  const u = outcome.usage;
  const record: ResponseRecord = {
    responseId: link.responseId,
    keyId: call.run.keyId,
    runId: call.run.runId,
    model: call.request.model,
    calls: link.calls,
    outputDigest: link.outputDigest,
    inputTokens: u ? u.promptTokens : call.inputTokens,
    outputTokens: u ? u.completionTokens : (outcome.seenOutputTokens ?? 0),
  };
  try {
    await cfg.store.putResponse(record, cfg.runTtlMs);
  } catch (err) {
    cfg.logger.warn('agentwall: could not remember a relayed response; a request continuing it will be guarded on what it shows', {
      code: 'AW_RESPONSE_NOT_REMEMBERED',
      error: String(err),
    });
  }
}

/**
 * Settles a step and, when there is a link, remembers the answer at the same time (two store calls in
 * parallel, both done before the client gets the answer's end, so a continuation always finds its parent).
 * An untracked step (the store was down at admit) is not remembered.
 *
 * @example
 * const meta = await settleRemembering(step, call, cfg, outcome, performance.now(), link);
 */
export async function settleRemembering(
  step: AdmittedStep,
  call: GuardedCall,
  cfg: AgentWallConfig,
  outcome: Outcome,
  upstreamDone: number,
  link: ChainLink | undefined,
): Promise<AgentWallMetadata> {
  if (link === undefined || !step.admission.tracked) return step.settle(outcome, upstreamDone);
  const [meta] = await Promise.all([step.settle(outcome, upstreamDone), remember(cfg, call, link, outcome)]);
  return meta;
}
