// close(): let upstream requests and the steps they admitted finish within shutdownTimeoutMs, then close the store.
import type { AgentWallConfig } from '../config.js';

/** Once the deadline has cut the upstream requests still running, how long their steps get to be recorded. */
export const RECORD_GRACE_MS = 2_000;

/** setTimeout's longest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * AgentWall's shutdown, in order:
 * 1. Upstream requests in flight finish (undici's `close()`), for up to `shutdownTimeoutMs`. Past that,
 *    they are cut (`destroy()`): a stream cut off is charged its estimate, a request with no answer yet
 *    costs nothing, as when a client leaves. Logged as `AW_CLOSE_TIMEOUT`.
 * 2. The steps they admitted are recorded (each settle releases its reservation; steps held for a retry
 *    after a failed settle are retried at once), for whatever is left of the timeout and at least
 *    {@link RECORD_GRACE_MS}. A step still unrecorded then is logged as `AW_CLOSE_UNRECORDED` with the
 *    count, rather than holding the shutdown forever, and retries stop.
 * 3. The store closes, when AgentWall made it.
 *
 * @example
 * process.on('SIGTERM', () => server.close(() => void firewall.close()));
 */
export async function shutdown(cfg: AgentWallConfig): Promise<void> {
  const started = performance.now();
  const timeoutMs = cfg.shutdownTimeoutMs;
  if (!(await settlesWithin(cfg.upstreams.close(), timeoutMs))) {
    cfg.logger.warn(`agentwall: closing: upstream requests still running after ${timeoutMs} ms are cut off`, {
      code: 'AW_CLOSE_TIMEOUT',
      timeout_ms: timeoutMs,
      steps_in_flight: cfg.inFlight.size,
    });
    await cfg.upstreams.destroy();
  }
  // Steps whose settle failed earlier are sent again now rather than at their next back-off.
  cfg.settleRetries.flush();
  const left = Math.max(RECORD_GRACE_MS, timeoutMs - (performance.now() - started));
  if (!(await settlesWithin(cfg.inFlight.idle(), left))) {
    cfg.logger.error(`agentwall: closing with ${cfg.inFlight.size} step(s) not recorded; their reservations stay held until the run's counters expire`, {
      code: 'AW_CLOSE_UNRECORDED',
      steps: cfg.inFlight.size,
    });
  }
  cfg.settleRetries.stop();
  if (cfg.ownsStore) await cfg.store.close();
}

/** True when `work` settles within `ms` (Infinity: waits for it); its rejection counts as settled. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const done = work.then(
    () => true,
    () => true,
  );
  if (ms >= MAX_TIMER_MS) return done;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([done, late]);
  } finally {
    clearTimeout(timer);
  }
}
