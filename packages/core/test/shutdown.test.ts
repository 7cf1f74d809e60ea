// shutdown() (what close() runs) on fakes, with jest's fake clock: the order of its phases and its bounds.
import type { AgentWallConfig } from '../src/config.js';
import { StepsInFlight } from '../src/pipeline/steps-in-flight.js';
import { RECORD_GRACE_MS, shutdown } from '../src/pipeline/shutdown.js';

interface Fake {
  cfg: AgentWallConfig;
  events: string[];
  logs: Array<{ level: string; fields: Record<string, unknown> | undefined }>;
  /** Ends the upstream requests in flight (undici's close() resolves). */
  drain(): void;
}

function fake(shutdownTimeoutMs: number, ownsStore = true): Fake {
  const events: string[] = [];
  const logs: Fake['logs'] = [];
  let drain!: () => void;
  const drained = new Promise<void>((resolve) => (drain = resolve));
  const log = (level: string) => (_msg: string, fields?: Record<string, unknown>) => {
    events.push(`log ${level}`);
    logs.push({ level, fields });
  };
  const cfg = {
    shutdownTimeoutMs,
    ownsStore,
    inFlight: new StepsInFlight(),
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    upstreams: {
      close: async () => {
        events.push('upstreams closing');
        await drained;
        events.push('upstreams drained');
      },
      destroy: async () => {
        events.push('upstreams destroyed');
        drain();
      },
    },
    store: {
      close: async () => {
        events.push('store closed');
      },
    },
    settleRetries: {
      flush: () => events.push('retries flushed'),
      stop: () => events.push('retries stopped'),
    },
  } as unknown as AgentWallConfig;
  return { cfg, events, logs, drain };
}

/** Lets pending promise callbacks run (no time passes on the fake clock). */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('shutdown (close)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('drains upstream requests, then waits for their steps to be recorded, then closes the store it owns', async () => {
    const f = fake(10_000);
    f.cfg.inFlight.begin();
    let done = false;
    const closing = shutdown(f.cfg).then(() => (done = true));
    await flush();
    expect(f.events).toEqual(['upstreams closing']);
    f.drain();
    await flush();
    expect(f.events).toEqual(['upstreams closing', 'upstreams drained', 'retries flushed']);
    expect(done).toBe(false);
    f.cfg.inFlight.end();
    await closing;
    expect(f.events).toEqual(['upstreams closing', 'upstreams drained', 'retries flushed', 'retries stopped', 'store closed']);
    expect(f.logs).toEqual([]);
    // Nothing left on the clock: a closed AgentWall holds no timer that would keep the process up.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('cuts upstream requests still running at the deadline, logs it, and still records their steps', async () => {
    const f = fake(5_000);
    f.cfg.inFlight.begin();
    const closing = shutdown(f.cfg);
    await jest.advanceTimersByTimeAsync(4_999);
    expect(f.events).toEqual(['upstreams closing']);
    await jest.advanceTimersByTimeAsync(1);
    // undici's close() resolves once destroy() has ended what was in flight.
    expect(f.events).toEqual(['upstreams closing', 'log warn', 'upstreams destroyed', 'upstreams drained', 'retries flushed']);
    expect(f.logs[0]?.fields).toEqual({ code: 'AW_CLOSE_TIMEOUT', timeout_ms: 5_000, steps_in_flight: 1 });
    // The cut request's step settles (as the pipeline does when its upstream fails): the store closes after it.
    f.cfg.inFlight.end();
    await closing;
    expect(f.events.at(-1)).toBe('store closed');
    expect(f.logs).toHaveLength(1);
  });

  it('does not wait forever for a step that is never recorded: logs how many and closes the store', async () => {
    const f = fake(1_000);
    f.cfg.inFlight.begin();
    f.cfg.inFlight.begin();
    f.drain();
    const closing = shutdown(f.cfg);
    await flush();
    // At least RECORD_GRACE_MS for the records, even when the timeout is shorter.
    await jest.advanceTimersByTimeAsync(RECORD_GRACE_MS - 1);
    expect(f.events).not.toContain('store closed');
    await jest.advanceTimersByTimeAsync(1);
    await closing;
    expect(f.logs.map((l) => l.fields)).toEqual([{ code: 'AW_CLOSE_UNRECORDED', steps: 2 }]);
    expect(f.events.slice(-3)).toEqual(['log error', 'retries stopped', 'store closed']);
  });

  it('with shutdownTimeoutMs: Infinity, waits as long as it takes', async () => {
    const f = fake(Infinity);
    f.cfg.inFlight.begin();
    let done = false;
    const closing = shutdown(f.cfg).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(30 * 24 * 3600_000);
    expect(done).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
    f.drain();
    await jest.advanceTimersByTimeAsync(30 * 24 * 3600_000);
    expect(done).toBe(false);
    f.cfg.inFlight.end();
    await closing;
    expect(f.logs).toEqual([]);
  });

  it('leaves a store it was given open (its owner closes it)', async () => {
    const f = fake(1_000, false);
    f.drain();
    await shutdown(f.cfg);
    expect(f.events).toEqual(['upstreams closing', 'upstreams drained', 'retries flushed', 'retries stopped']);
  });
});
