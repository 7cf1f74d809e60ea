// Watches the client's connection: waits out the first connect, and logs each outage and recovery once.
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '@agentwall/core';

/** What {@link watchConnection} returns. */
export interface ConnectionWatch {
  /** Resolves when a call may be sent: at once, except while the very first connection is being made. */
  usable(): Promise<void>;
  /** Stops reporting: the connection is about to be closed on purpose. */
  mute(): void;
  /** Removes the listeners and timers. */
  dispose(): void;
}

const CONNECTING = new Set(['wait', 'connecting', 'connect']);

/**
 * Without an offline queue, a call made before the first connection is up fails, which would turn every
 * start-up into a burst of 503s. So until the client has been ready once, calls wait for `ready` (or the
 * first error, or `connectTimeout`); from then on they fail fast while Redis is down, as intended.
 *
 * With `log`, connection loss is logged once per outage (`AW_REDIS_UNREACHABLE`: on the first error, or
 * when a ready connection closes) and recovery once (`AW_REDIS_RECONNECTED`); the error listener also
 * stops ioredis printing every failed reconnect as an unhandled error.
 *
 * @example
 * const watch = watchConnection(client, console, true);
 * await watch.usable();
 */
export function watchConnection(client: Redis | Cluster, logger: Logger, log: boolean): ConnectionWatch {
  let everReady = client.status === 'ready';
  let down = false;
  let muted = false;
  let pending: Promise<void> | undefined;
  const cleanups: Array<() => void> = [];
  const on = (event: string, fn: (...args: unknown[]) => void): void => {
    client.on(event, fn);
    cleanups.push(() => client.off(event, fn));
  };

  const lost = (why: string): void => {
    if (down || muted) return;
    down = true;
    logger.error('agentwall: Redis is unreachable; calls fail until it is back (reconnecting by itself)', { code: 'AW_REDIS_UNREACHABLE', error: why });
  };
  on('ready', () => {
    everReady = true;
    if (log && down && !muted) logger.info('agentwall: Redis is reachable again', { code: 'AW_REDIS_RECONNECTED' });
    down = false;
  });
  if (log) {
    on('error', (err) => lost(String(err)));
    // A server that goes away may close the socket without an error; the errors come with the reconnects.
    on('close', () => {
      if (everReady) lost('connection closed');
    });
  }

  const firstConnect = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const timeoutMs = (client as Redis).options?.connectTimeout ?? 10_000;
      const done = (): void => {
        clearTimeout(timer);
        for (const e of ['ready', 'error', 'close', 'end']) client.off(e, done);
        pending = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      // The call itself then fails with the client's own error if the connection did not come up.
      for (const e of ['ready', 'error', 'close', 'end']) client.once(e, done);
      cleanups.push(done);
    });

  return {
    async usable() {
      if (everReady || !CONNECTING.has(client.status)) return;
      if (client.status === 'wait') client.connect().catch(() => undefined);
      pending ??= firstConnect();
      await pending;
    },
    mute() {
      muted = true;
    },
    dispose() {
      for (const c of cleanups.splice(0)) c();
    },
  };
}
