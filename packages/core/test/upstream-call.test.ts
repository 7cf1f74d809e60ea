// callUpstream: undici's dispatch() with AgentWall's own handler: JSON read whole, streams with backpressure, aborts at every phase.
import { EventEmitter } from 'node:events';
import { Dispatcher, MockAgent } from 'undici';
import { callUpstream, type UpstreamRequest } from '../src/forward/upstream-call.js';
import { isAbort } from '../src/forward/upstream-errors.js';

const REQUEST: UpstreamRequest = { origin: 'http://upstream.test', path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };

interface LegacyHandler {
  onConnect(abort: (err?: Error) => void): void;
  onHeaders(status: number, raw: Buffer[], resume: () => void, text: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: Buffer[]): void;
  onError(err: Error): void;
}

/** A dispatcher the test drives by hand: it keeps the handler, and records aborts and resumes. */
class Scripted extends Dispatcher {
  handler!: LegacyHandler;
  aborted: Error | undefined;
  resumes = 0;
  sent: Dispatcher.DispatchOptions | undefined;

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.sent = opts;
    this.handler = handler as unknown as LegacyHandler;
    this.handler.onConnect((err) => {
      this.aborted = err;
      // undici reports its own abort to the handler as an error.
      this.handler.onError(err ?? new Error('aborted'));
    });
    return true;
  }

  head(status = 200, headers: Record<string, string> = { 'content-type': 'application/json' }): boolean {
    const raw = Object.entries(headers).flatMap(([k, v]) => [Buffer.from(k), Buffer.from(v)]);
    return this.handler.onHeaders(status, raw, () => void this.resumes++, 'OK');
  }
}

class Gone extends EventEmitter {
  aborted = false;
  leave(): void {
    this.aborted = true;
    this.emit('abort');
  }
}

/** What `isAbort` recognises: the error undici's request() gives a request whose signal aborted. */
const ABORTED = { name: 'AbortError', code: 'UND_ERR_ABORTED' };

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('callUpstream', () => {
  it('sends the request as given and reads a JSON answer whole, from one chunk or many', async () => {
    const d = new Scripted();
    const answer = callUpstream(d, REQUEST, new Gone(), () => false);
    expect(d.sent).toMatchObject({ origin: REQUEST.origin, path: REQUEST.path, method: 'POST', body: '{}' });
    d.head(200, { 'content-type': 'application/json', 'x-request-id': 'r1' });
    d.handler.onData(Buffer.from('{"a":'));
    d.handler.onData(Buffer.from('1}'));
    d.handler.onComplete([]);
    const res = await answer;
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'application/json', 'x-request-id': 'r1' });
    expect(res.stream).toBeUndefined();
    expect((await res.body!).toString()).toBe('{"a":1}');
  });

  it('skips 1xx heads and answers with the final one', async () => {
    const d = new Scripted();
    const answer = callUpstream(d, REQUEST, new Gone(), () => false);
    d.head(100, {});
    d.head(201);
    d.handler.onComplete([]);
    expect((await answer).statusCode).toBe(201);
  });

  it('relays a stream with backpressure: a full buffer pauses the socket, reading resumes it', async () => {
    const d = new Scripted();
    const answer = callUpstream(d, REQUEST, new Gone(), (status, headers) => status === 200 && headers['content-type'] === 'text/event-stream');
    d.head(200, { 'content-type': 'text/event-stream' });
    const res = await answer;
    expect(res.body).toBeUndefined();
    const stream = res.stream!;
    // 64 KiB high-water mark: a 64 KiB chunk fills it, and undici is told to pause.
    expect(d.handler.onData(Buffer.alloc(64 * 1024, 'a'))).toBe(false);
    expect(d.resumes).toBe(0);
    const read: Buffer[] = [];
    stream.on('data', (c: Buffer) => read.push(c));
    await flush();
    expect(d.resumes).toBe(1);
    expect(d.handler.onData(Buffer.from('data: [DONE]\n\n'))).toBe(true);
    d.handler.onComplete([]);
    await new Promise((resolve) => stream.once('end', resolve));
    expect(Buffer.concat(read).length).toBe(64 * 1024 + 14);
    expect(d.aborted).toBeUndefined();
  });

  it('aborts the upstream request when the relayed stream is destroyed before its end', async () => {
    const d = new Scripted();
    const answer = callUpstream(d, REQUEST, new Gone(), () => true);
    d.head();
    const stream = (await answer).stream!;
    stream.destroy();
    expect(isAbort(d.aborted)).toBe(true);
  });

  it('the client leaving aborts the request before the head, while the body is read, and mid-stream', async () => {
    // Before the head: the answer rejects with an abort.
    let d = new Scripted();
    let gone = new Gone();
    const early = callUpstream(d, REQUEST, gone, () => false);
    gone.leave();
    await expect(early).rejects.toMatchObject(ABORTED);
    expect(isAbort(d.aborted)).toBe(true);

    // While a JSON body is read: the body rejects.
    d = new Scripted();
    gone = new Gone();
    const json = callUpstream(d, REQUEST, gone, () => false);
    d.head();
    const res = await json;
    gone.leave();
    await expect(res.body!).rejects.toMatchObject(ABORTED);

    // Mid-stream: the stream errors with an abort.
    d = new Scripted();
    gone = new Gone();
    const streamed = callUpstream(d, REQUEST, gone, () => true);
    d.head();
    const stream = (await streamed).stream!;
    const failed = new Promise<Error>((resolve) => stream.once('error', resolve));
    gone.leave();
    expect(isAbort(await failed)).toBe(true);
    // Once done, the signal's listener is gone: a request does not hold on to its client's signal.
    expect(gone.listenerCount('abort')).toBe(0);
  });

  it('a client already gone never reaches the dispatcher; an AbortSignal works as the signal too', async () => {
    const d = new Scripted();
    const gone = new Gone();
    gone.leave();
    await expect(callUpstream(d, REQUEST, gone, () => false)).rejects.toMatchObject(ABORTED);
    expect(d.sent).toBeUndefined();

    const controller = new AbortController();
    const answer = callUpstream(d, REQUEST, controller.signal, () => false);
    controller.abort();
    await expect(answer).rejects.toMatchObject(ABORTED);
  });

  it('an upstream error before the head rejects the answer; after it, the body or the stream', async () => {
    let d = new Scripted();
    const refused = callUpstream(d, REQUEST, new Gone(), () => false);
    d.handler.onError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(refused).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    d = new Scripted();
    const json = callUpstream(d, REQUEST, new Gone(), () => false);
    d.head();
    const body = (await json).body!;
    d.handler.onError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    await expect(body).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });

    d = new Scripted();
    const streamed = callUpstream(d, REQUEST, new Gone(), () => true);
    d.head();
    const stream = (await streamed).stream!;
    const failed = new Promise<Error>((resolve) => stream.once('error', resolve));
    d.handler.onError(Object.assign(new Error('body timeout'), { code: 'UND_ERR_BODY_TIMEOUT' }));
    expect(await failed).toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
  });

  it("drives undici's own dispatchers (MockAgent here), as the pipeline does", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get(REQUEST.origin).intercept({ path: REQUEST.path, method: 'POST' }).reply(200, { ok: true }, { headers: { 'content-type': 'application/json' } });
    const res = await callUpstream(agent, REQUEST, new Gone(), () => false);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse((await res.body!).toString())).toEqual({ ok: true });
    await agent.close();
  });
});
