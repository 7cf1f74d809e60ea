// The one guarded call every protocol runs: validate, key policy, guards, atomic admit, forward, observe, settle once.
import { storeUnavailableForAuth } from '../auth/authenticate.js';
import type { KeyIdentity } from '../auth/key-ring.js';
import type { AgentWallConfig } from '../config.js';
import type { ResolvedPrice } from '../cost/pricing.js';
import { AgentWallError } from '../errors.js';
import { notServed } from '../forward/upstreams.js';
import type { GuardedCall, Refusal } from '../guards/guard.js';
import { readJsonBody } from '../http/body.js';
import type { CoreRequest, CoreResponse } from '../http/types.js';
import type { KeyPolicy } from '../policy/key-policy.js';
import type { Protocol, ProtocolRequest } from '../protocols/protocol.js';
import { readRunInput } from '../runs/run-input.js';
import type { AdmitRequest, AdmitVerdict, RunKey } from '../store/store.js';
import { joinChain } from './chain.js';
import { forward } from './forward.js';
import { runHeaders } from './metadata.js';
import { AdmittedStep, type Admission } from './step.js';
import { refusalError } from './verdicts.js';

/** The call the guards shape; price and input tokens are computed on first use, after DLP has masked. */
class Call<R extends ProtocolRequest> implements GuardedCall<R> {
  dlpCounts: Record<string, number> | undefined = undefined;
  private priceOf: ResolvedPrice | undefined;
  private tokens = -1;

  constructor(
    readonly protocol: Protocol<R>,
    readonly identity: KeyIdentity,
    readonly policy: KeyPolicy,
    public request: R,
    readonly run: RunKey,
    readonly headers: Record<string, string>,
    readonly admit: AdmitRequest,
    private readonly cfg: AgentWallConfig,
  ) {}

  get price(): ResolvedPrice {
    this.priceOf ??= this.cfg.prices.price(this.request.model);
    return this.priceOf;
  }

  get inputTokens(): number {
    if (this.tokens < 0) this.tokens = this.protocol.inputTokens(this.request);
    return this.tokens;
  }
}

/** Whether the key's revocation is still unchecked: admit checks it, and so does a refusal that comes first. */
interface Revocation {
  pending: boolean;
}

/**
 * Runs one request of `protocol` for an authenticated key. AgentWall's refusals are thrown as AgentWallError.
 * `revocationPending`: the key's revocation was not checked yet, and the store's admit is to check it
 * (`Store.checksRevocationInAdmit`), which saves a round trip to a shared store on every request.
 *
 * @example
 * const res = await guardedCall(openAIChat, req, identity, cfg, false);
 */
export async function guardedCall<R extends ProtocolRequest>(
  protocol: Protocol<R>,
  req: CoreRequest,
  identity: KeyIdentity,
  cfg: AgentWallConfig,
  revocationPending: boolean,
): Promise<CoreResponse> {
  if (!revocationPending) return admitAndForward(protocol, req, identity, cfg, undefined);
  const revocation: Revocation = { pending: true };
  try {
    return await admitAndForward(protocol, req, identity, cfg, revocation);
  } catch (err) {
    // Refused before admit could check the key (a bad body, a model or DLP refusal): a revoked key
    // gets its 401 first, as it does on every other route. This costs a round trip on refusals only.
    if (revocation.pending) await cfg.auth.checkRevocation(identity);
    throw err;
  }
}

async function admitAndForward<R extends ProtocolRequest>(
  protocol: Protocol<R>,
  req: CoreRequest,
  identity: KeyIdentity,
  cfg: AgentWallConfig,
  revocation: Revocation | undefined,
): Promise<CoreResponse> {
  const started = performance.now();
  // A protocol no configured upstream speaks is refused before anything is read or counted.
  const kind = protocol.upstreamKind ?? 'openai';
  if (!cfg.upstreams.speaks(kind)) throw notServed(kind, req.path);
  const parsed = await readJsonBody(req.body, cfg.maxBodyBytes, req.headers['content-length']);
  let request = protocol.parse(parsed);
  const runInput = readRunInput(req.headers, request.body);
  if (protocol.chain) {
    // A continuation (`previous_response_id`) joins its parent's run, unless the client names a run of its own.
    const joined = await joinChain(protocol.chain, request, identity.keyId, cfg, req.path);
    request = joined.request;
    if (joined.parent && runInput.generated) runInput.runId = joined.parent.runId;
  }
  const run: RunKey = { keyId: identity.keyId, runId: runInput.runId };
  const policy = cfg.policies.of(identity);
  // Objects on this path are built field by field: in V8, `{ ...a, b }` and trailing conditional
  // spreads take a slow runtime path that costs up to a microsecond each (see the README's Performance).
  const admit: AdmitRequest = { run, now: cfg.now(), ttlMs: cfg.runTtlMs, maxSteps: policy.maxSteps };
  const call = new Call(protocol, identity, policy, request, run, runHeaders(run.runId), admit, cfg);

  for (const guard of cfg.guards) {
    const checked = guard.check(call);
    const refusal = checked instanceof Promise ? await checked : checked;
    if (refusal) return refuse(call, refusal, cfg, revocation);
  }

  if (runInput.agentId !== undefined) admit.agentId = runInput.agentId;
  if (runInput.metadata !== undefined) admit.metadata = runInput.metadata;
  const checksRevocation = revocation?.pending === true;
  if (revocation) {
    admit.checkRevoked = checksRevocation;
    revocation.pending = false;
  }
  let verdict: AdmitVerdict;
  let tracked = true;
  try {
    verdict = await cfg.store.admit(admit);
  } catch (err) {
    // The store is down. Each guard that applies fails open or closed as configured; auth first.
    const closedBy = checksRevocation && !cfg.options.failOpen.auth ? 'auth' : cfg.guards.find((g) => g.failsClosed?.(call))?.name;
    cfg.logger.error(`agentwall: store unreachable; ${closedBy ? `refusing the request (${closedBy} fail closed)` : 'forwarding untracked (fail open)'}`, {
      code: 'AW_STORE_UNAVAILABLE',
      guard: closedBy ?? 'admit',
      error: String(err),
    });
    if (closedBy === 'auth') throw storeUnavailableForAuth();
    if (closedBy) throw new AgentWallError('store_unavailable', 'AgentWall cannot reach its store; try again shortly.', {}, { headers: call.headers, guard: 'store' });
    verdict = { admitted: true, step: 0, admitId: '' };
    tracked = false;
  }
  if (!verdict.admitted) throw refusalError(verdict, run.runId, call.headers);
  // From here on a settle is owed, whatever happens: close() waits for it.
  if (tracked) cfg.inFlight.begin();
  const admission: Admission = { step: verdict.step, admitId: verdict.admitId, tracked, loop: verdict.loop };
  const step = new AdmittedStep(call, admission, cfg, started, { runId: run.runId, step: verdict.step });
  return forward(call, step, req, cfg, started);
}

/** A guard's refusal: a revoked key is refused first, the attempt recorded when the guard asks for it. */
async function refuse(call: GuardedCall, refusal: Refusal, cfg: AgentWallConfig, revocation: Revocation | undefined): Promise<never> {
  if (revocation?.pending) {
    // A revoked key is refused before anything is recorded for it.
    await cfg.auth.checkRevocation(call.identity);
    revocation.pending = false;
  }
  if (refusal.blocked) await cfg.store.recordBlocked(call.run, refusal.blocked, cfg.now(), cfg.runTtlMs).catch(() => undefined);
  throw refusal.error;
}
