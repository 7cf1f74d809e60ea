// agentwall() on a frozen store: storeTimeoutMs turns a hang into 503 (chat and /health/ready), and the late admit is undone.
import { createAgentWall, MemoryStore, type AgentWallOptions } from '../src/index.js';
import { utcDay, utcMonth, type AdmitRequest } from '../src/entry/store.js';
import { type CoreRequest, type CoreResponse } from '../src/entry/node.js';
import { configOf } from '../src/agentwall.js';

const KEY = 'aw-deadline-key-0001';
const quiet = { info() {}, warn() {}, error() {} };

/** A MemoryStore whose every call waits while `frozen`, as a Redis stopped with SIGSTOP does. */
class FreezableStore extends MemoryStore {
  frozen = false;
  private readonly thaws: Array<() => void> = [];

  thaw(): void {
    this.frozen = false;
    for (const t of this.thaws.splice(0)) t();
  }

  private async gate(): Promise<void> {
    if (this.frozen) await new Promise<void>((resolve) => this.thaws.push(resolve));
  }

  override async admit(req: AdmitRequest) {
    await this.gate();
    return super.admit(req);
  }
  override async cancelAdmit(req: AdmitRequest & { admitId: string }) {
    await this.gate();
    return super.cancelAdmit(req);
  }
  override async ping() {
    await this.gate();
  }
}

function request(method: string, path: string, body?: unknown): CoreRequest {
  return {
    method,
    path,
    query: '',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-agentwall-run-id': 'frozen-run' },
    body: { kind: 'parsed', value: body },
    signal: new AbortController().signal,
  };
}

const chat = { model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'hello while frozen' }] };
const bodyOf = (res: CoreResponse | undefined) => JSON.parse(String(res?.body)) as Record<string, unknown>;

function make(store: MemoryStore, extra: Partial<AgentWallOptions> = {}) {
  // Nothing listens on the upstream: a request that got past the store would answer 502, not 503.
  return createAgentWall({ keys: [{ key: KEY, name: 'deadline' }], upstream: { url: 'http://127.0.0.1:9/v1' }, store, logger: quiet, env: {}, storeTimeoutMs: 50, reservationLeaseMs: 150, ...extra });
}

describe('storeTimeoutMs', () => {
  it('answers a chat request 503 store_unavailable, and /health/ready 503, while the store does not answer', async () => {
    const store = new FreezableStore();
    const aw = make(store);
    store.frozen = true;
    const res = await aw.handle(request('POST', '/v1/chat/completions', chat));
    expect(res?.status).toBe(503);
    expect(bodyOf(res)['error']).toMatchObject({ type: 'store_unavailable', code: 'store_unavailable', param: null });
    const ready = await aw.handle(request('GET', '/health/ready'));
    expect(ready?.status).toBe(503);
    expect(bodyOf(ready)).toEqual({ status: 'unavailable', store: 'unreachable' });
    store.thaw();
    expect((await aw.handle(request('GET', '/health/ready')))?.status).toBe(200);
    await aw.close();
  });

  it('undoes the admit that ran after its deadline: no phantom step, nothing reserved, and the retry is not a loop', async () => {
    const store = new FreezableStore();
    const aw = make(store);
    store.frozen = true;
    expect((await aw.handle(request('POST', '/v1/chat/completions', chat)))?.status).toBe(503);
    // The store wakes: the late admit runs, then the cancel sent after it.
    store.thaw();
    await new Promise((r) => setTimeout(r, 20));
    const run = await store.getRun({ keyId: 'deadline', runId: 'frozen-run' });
    expect(run).toMatchObject({ steps: 0, reservedMicros: 0, loopWindow: [] });
    expect((await store.getUsage('deadline', utcDay(Date.now()), utcMonth(Date.now()))).daily.reservedMicros).toBe(0);
    // The client's retry of the same request reaches the upstream (here: 502, nothing listens), not a 429 loop_detected.
    const retry = await aw.handle(request('POST', '/v1/chat/completions', chat));
    expect(retry?.status).toBe(502);
    await aw.close();
  });

  it('defaults to 1 s, with leases of 60 s, and refuses a lease shorter than three deadlines', async () => {
    const aw = createAgentWall({ keys: [{ key: KEY }], env: {}, logger: quiet });
    expect(configOf(aw).options.storeTimeoutMs).toBe(1000);
    expect(configOf(aw).options.reservationLeaseMs).toBe(60_000);
    await aw.close();
    expect(() => createAgentWall({ keys: [{ key: KEY }], env: {}, storeTimeoutMs: 0 })).toThrow(/`storeTimeoutMs`/);
    expect(() => createAgentWall({ keys: [{ key: KEY }], env: {}, storeTimeoutMs: 1000, reservationLeaseMs: 2000 })).toThrow(/`reservationLeaseMs`.*3 times `storeTimeoutMs`/);
  });
});
