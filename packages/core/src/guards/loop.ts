// Loop detection: the request's fingerprint goes into the admit, where the store judges it against the run's window.
import { fingerprintView } from '../loop/fingerprint.js';
import type { Guard } from './guard.js';

/**
 * Fingerprints the protocol's view of the request (SPEC section 5) and puts it into the admit, where the
 * store's `detectLoop` refuses a loop (429 `loop_detected`) atomically with the rest. Requests of a protocol
 * without a view (embeddings) are not loop-checked. Fails open by default (`failOpen.loop`).
 *
 * @example
 * loopGuard({ failOpen: { loop: true } })
 */
export function loopGuard(config: { failOpen: { loop: boolean } }): Guard {
  const closed = !config.failOpen.loop;
  return {
    name: 'loop',
    check(call) {
      const settings = call.policy.loop;
      if (!settings) return undefined;
      const view = call.protocol.loopView?.(call.request);
      if (view) call.admit.loop = { mode: settings.mode, params: settings.params, fingerprint: fingerprintView(view) };
      return undefined;
    },
    failsClosed: (call) => closed && call.admit.loop !== undefined,
  };
}
