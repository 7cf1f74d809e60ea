// The seam for guards: one unit per concern, one signature, run in a declared order before the store's admit.
import type { KeyIdentity } from '../auth/key-ring.js';
import type { ResolvedPrice } from '../cost/pricing.js';
import type { AgentWallError } from '../errors.js';
import type { KeyPolicy } from '../policy/key-policy.js';
import type { Protocol, ProtocolRequest } from '../protocols/protocol.js';
import type { AdmitRequest, BlockedAttempt, RunKey } from '../store/store.js';

/** One guarded request on its way to the store's admit, as the guards see and shape it. */
export interface GuardedCall<R extends ProtocolRequest = ProtocolRequest> {
  readonly protocol: Protocol<R>;
  readonly identity: KeyIdentity;
  readonly policy: KeyPolicy;
  /** The request; a guard may replace it (DLP puts the masked texts in). */
  request: R;
  readonly run: RunKey;
  /** The run and step headers every answer of this call carries. */
  readonly headers: Record<string, string>;
  /** What the store checks atomically; guards add their part (budget, loop fingerprint, limits, DLP counts). */
  readonly admit: AdmitRequest;
  /** The model's price, looked up on first use. */
  readonly price: ResolvedPrice;
  /** The protocol's input token estimate of the (masked) request, computed on first use. */
  readonly inputTokens: number;
  /** DLP findings by kind; undefined when DLP is off. */
  dlpCounts: Record<string, number> | undefined;
}

/** A guard's refusal: the error the client gets, and the attempt to record on the run when there is one. */
export interface Refusal {
  error: AgentWallError;
  /** Recorded on the run as a blocked attempt (after the key's revocation is checked), when present. */
  blocked?: BlockedAttempt;
}

/**
 * One guard (model allow-list, DLP, run limits, loop, budget, ...). It owns its option, its verdict and its
 * fail-open rule. `check` runs before the admit, in the declared order (`guards/index.ts`): it refuses by
 * returning a {@link Refusal} (a verdict, not a throw), or adds what the store must check atomically to
 * `call.admit`. What must be atomic together is decided inside the store's `admit`.
 *
 * @example
 * const maxTokens: GuardFactory = () => ({ name: 'max-tokens', check: (call) => (tooBig(call) ? { error } : undefined) });
 */
export interface Guard {
  readonly name: string;
  check(call: GuardedCall): Refusal | undefined | Promise<Refusal | undefined>;
  /**
   * While the store cannot be reached for this call's admit: true refuses the call (503 `store_unavailable`),
   * false lets it through untracked (logged). Absent: the guard fails open.
   */
  failsClosed?(call: GuardedCall): boolean;
}

/** Builds a guard from the resolved options; undefined when the guard is off. */
export type GuardFactory<C> = (config: C) => Guard | undefined;
