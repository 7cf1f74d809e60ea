// DLP on every text the model will read: mask (or refuse) before anything leaves the building. Counts only, never values.
import { dlpBlockedMessage, type DlpKind, type DlpScanner } from '../dlp/index.js';
import { AgentWallError } from '../errors.js';
import type { TextScanner } from '../protocols/protocol.js';
import type { Guard } from './guard.js';

/**
 * Masks the request's texts (the protocol says which), or refuses it (400 `dlp_blocked`, recorded on the run)
 * when a kind in `block` mode is found. Off (no guard) when DLP is off.
 *
 * @example
 * dlpGuard({ dlp: createDlpScanner(), now: Date.now })
 */
export function dlpGuard(config: { dlp: DlpScanner | undefined; now: () => number }): Guard | undefined {
  const scanner = config.dlp;
  if (!scanner) return undefined;
  const scan: TextScanner = Object.assign((text: string) => scanner.scanText(text), { field: (name: string, value: string) => scanner.scanField(name, value) });
  return {
    name: 'dlp',
    check(call) {
      const masked = call.protocol.mask(call.request, scan);
      if (masked.blocked.length > 0) {
        return {
          error: new AgentWallError('dlp_blocked', dlpBlockedMessage(masked.blocked as DlpKind[]), { kinds: masked.blocked }, { headers: call.headers, guard: 'dlp' }),
          blocked: { at: config.now(), type: 'dlp_blocked' },
        };
      }
      call.request = masked.request;
      call.dlpCounts = masked.counts;
      call.admit.dlp = masked.counts;
      return undefined;
    },
  };
}
