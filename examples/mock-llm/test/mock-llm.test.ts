// End-to-end tests of the mock LLM over real HTTP: response shapes, streaming, auth, fault injection, keep-alive.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockLlmHandler, MOCK_POEM, startMockLlm, type MockLlm } from '../src/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const user = (content: unknown): Json => ({ role: 'user', content });

function post(mock: MockLlm, body: unknown, init: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${mock.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(body),
    signal: init.signal ?? null,
  });
}

/** Parse an SSE body into its data payloads (JSON objects, or the raw '[DONE]'). */
function sseData(text: string): (Json | '[DONE]')[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      const data = block.slice('data: '.length);
      return data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as Json);
    });
}

/** Read a streamed body until `count` SSE events have arrived, returning the reader for more. */
async function readEvents(res: Response, count: number): Promise<{ events: string[]; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.split('\n\n').length - 1 < count) {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended early');
    text += decoder.decode(value, { stream: true });
  }
  return { events: text.split('\n\n').filter((e) => e !== ''), reader };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

describe('mock LLM', () => {
  let mock: MockLlm;

  beforeAll(async () => {
    mock = await startMockLlm();
  });
  afterEach(() => mock.reset());
  afterAll(() => mock.close());

  it('listens on a base URL including /v1', () => {
    expect(mock.port).toBeGreaterThan(0);
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}/v1`);
  });

  describe('non-streamed completions', () => {
    it('returns an OpenAI chat.completion with deterministic content and usage arithmetic', async () => {
      const messages = [{ role: 'system', content: 'You are helpful.' }, user('What is 2+2?')];
      const res = await post(mock, { model: 'gpt-4o-mini', messages });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = (await res.json()) as Json;
      expect(body).toEqual({
        id: expect.stringMatching(/^chatcmpl-mock-\d+$/),
        object: 'chat.completion',
        created: expect.any(Number),
        model: 'gpt-4o-mini',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Mock answer to: What is 2+2?', refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: {
          // (16 + 12 chars) / 4 = 7, plus 3 per message.
          prompt_tokens: 13,
          // 28 answer chars / 4.
          completion_tokens: 7,
          total_tokens: 20,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
        system_fingerprint: 'fp_mock',
      });
    });

    it('is deterministic, truncates the echo to 60 chars and joins text parts', async () => {
      const long = 'x'.repeat(100);
      const a = (await (await post(mock, { model: 'm', messages: [user(long)] })).json()) as Json;
      const b = (await (await post(mock, { model: 'm', messages: [user(long)] })).json()) as Json;
      expect(a.choices[0].message.content).toBe(`Mock answer to: ${'x'.repeat(60)}`);
      expect(b.choices).toEqual(a.choices);
      expect(b.usage).toEqual(a.usage);

      const parts = [
        { type: 'text', text: 'Hello' },
        { type: 'image_url', image_url: { url: 'data:,' } },
        { type: 'text', text: 'there' },
      ];
      const c = (await (await post(mock, { model: 'm', messages: [user(parts)] })).json()) as Json;
      expect(c.choices[0].message.content).toBe('Mock answer to: Hello there');
    });

    it('answers poem prompts with the fixed poem', async () => {
      const body = (await (await post(mock, { model: 'm', messages: [user('Write a POEM about firewalls')] })).json()) as Json;
      expect(body.choices[0].message.content).toBe(MOCK_POEM);
      expect(MOCK_POEM.split('\n')).toHaveLength(4);
    });

    it('truncates to max_tokens * 4 chars with finish_reason length', async () => {
      for (const limit of [{ max_tokens: 2 }, { max_completion_tokens: 2 }]) {
        const body = (await (await post(mock, { model: 'm', messages: [user('What is 2+2?')], ...limit })).json()) as Json;
        expect(body.choices[0].message.content).toBe('Mock ans');
        expect(body.choices[0].finish_reason).toBe('length');
        expect(body.usage.completion_tokens).toBe(2);
      }
      const roomy = (await (await post(mock, { model: 'm', messages: [user('hi')], max_tokens: 100 })).json()) as Json;
      expect(roomy.choices[0].finish_reason).toBe('stop');
    });

    it('calls the first tool when tools are offered ([call tool] or not) until the last message is a tool result', async () => {
      const tools = [{ type: 'function', function: { name: 'search', parameters: { type: 'object' } } }];
      const call = (await (await post(mock, { model: 'm', tools, messages: [user('look it up [call tool]')] })).json()) as Json;
      expect(call.choices[0].finish_reason).toBe('tool_calls');
      expect(call.choices[0].message).toEqual({
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [{ id: expect.stringMatching(/^call_mock_/), type: 'function', function: { name: 'search', arguments: '{}' } }],
      });

      const afterTool = [user('look it up [call tool]'), call.choices[0].message, { role: 'tool', tool_call_id: 'x', content: 'result' }];
      const answer = (await (await post(mock, { model: 'm', tools, messages: afterTool })).json()) as Json;
      expect(answer.choices[0].finish_reason).toBe('stop');
      expect(typeof answer.choices[0].message.content).toBe('string');

      // Since issue 18 a tool is called whenever tools are offered; [no tool] asks for words instead.
      const plain = (await (await post(mock, { model: 'm', tools, messages: [user('look it up')] })).json()) as Json;
      expect(plain.choices[0].message.tool_calls[0].function).toEqual({ name: 'search', arguments: '{}' });
      const words = (await (await post(mock, { model: 'm', tools, messages: [user('no tools please [no tool]')] })).json()) as Json;
      expect(words.choices[0].message.content).toBe('Mock answer to: no tools please [no tool]');
    });

    it('rejects malformed requests with OpenAI-style 400 errors', async () => {
      for (const body of [{ messages: [] }, { model: 'm' }, 'not json']) {
        const res = await fetch(`${mock.url}/chat/completions`, {
          method: 'POST',
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({
          error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: null },
        });
      }
    });

    it('accepts routes without the /v1 prefix and 404s unknown ones', async () => {
      const base = mock.url.replace(/\/v1$/, '');
      const res = await fetch(`${base}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [user('hi')] }) });
      expect(res.status).toBe(200);
      const missing = await fetch(`${mock.url}/audio/speech`, { method: 'POST', body: '{}' });
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as Json).error.type).toBe('invalid_request_error');
      expect((await fetch(`${mock.url}/chat/completions`)).status).toBe(404);
    });
  });

  describe('streamed completions', () => {
    it('streams role, word chunks, finish chunk and [DONE] without usage by default', async () => {
      const res = await post(mock, { model: 'gpt-4o', stream: true, messages: [user('What is 2+2?')] });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const events = sseData(await res.text());
      expect(events.at(-1)).toBe('[DONE]');
      const chunks = events.slice(0, -1) as Json[];
      for (const chunk of chunks) {
        expect(chunk.object).toBe('chat.completion.chunk');
        expect(chunk.model).toBe('gpt-4o');
        expect(chunk).not.toHaveProperty('usage');
      }
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
      expect(chunks[0]!.choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
      const pieces = chunks.slice(1, -1).map((c) => c.choices[0].delta.content as string);
      expect(pieces).toEqual(['Mock', ' answer', ' to:', ' What', ' is', ' 2+2?']);
      expect(chunks.at(-1)!.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    });

    it('adds usage: null to every chunk and a final usage chunk with include_usage', async () => {
      const messages = [user('What is 2+2?')];
      const res = await post(mock, { model: 'm', stream: true, stream_options: { include_usage: true }, messages });
      const events = sseData(await res.text());
      expect(events.at(-1)).toBe('[DONE]');
      const usageChunk = events.at(-2) as Json;
      expect(usageChunk.choices).toEqual([]);
      expect(usageChunk.usage).toEqual({
        prompt_tokens: 6,
        completion_tokens: 7,
        total_tokens: 13,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      });
      for (const chunk of events.slice(0, -2) as Json[]) expect(chunk.usage).toBeNull();
      expect((events.at(-3) as Json).choices[0].finish_reason).toBe('stop');
    });

    it('streams tool calls as OpenAI does', async () => {
      const tools = [{ type: 'function', function: { name: 'lookup' } }];
      const res = await post(mock, { model: 'm', stream: true, tools, messages: [user('[call tool]')] });
      const chunks = sseData(await res.text()).slice(0, -1) as Json[];
      expect(chunks[0]!.choices[0].delta.tool_calls[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'lookup' } });
      expect(chunks[1]!.choices[0].delta.tool_calls[0].function.arguments).toBe('{}');
      expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
    });

    it('honours answer, streamChunks and chunkDelayMs options', async () => {
      const custom = await startMockLlm({ answer: 'abcdefghij', streamChunks: 3, chunkDelayMs: 1 });
      try {
        const res = await post(custom, { model: 'm', stream: true, messages: [user('ignored')] });
        const chunks = sseData(await res.text()).slice(1, -2) as Json[];
        expect(chunks.map((c) => c.choices[0].delta.content)).toEqual(['abc', 'def', 'ghij']);
      } finally {
        await custom.close();
      }
    });
  });

  describe('auth', () => {
    it('requires Bearer <apiKey> when an apiKey is configured', async () => {
      const secured = await startMockLlm({ apiKey: 'sk-test' });
      try {
        const body = { model: 'm', messages: [user('hi')] };
        const missing = await post(secured, body);
        expect(missing.status).toBe(401);
        expect(await missing.json()).toEqual({
          error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key', param: null },
        });
        expect((await post(secured, body, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
        expect((await post(secured, body, { headers: { authorization: 'Bearer sk-test' } })).status).toBe(200);
        expect((await fetch(`${secured.url}/models`)).status).toBe(401);
      } finally {
        await secured.close();
      }
    });
  });

  describe('queued failures', () => {
    const body = { model: 'm', messages: [user('hi')] };

    it('status: default OpenAI error body, custom body, and times', async () => {
      mock.fail({ kind: 'status', status: 500 });
      const first = await post(mock, body);
      expect(first.status).toBe(500);
      expect(((await first.json()) as Json).error).toMatchObject({ type: 'server_error', message: expect.any(String) });
      expect((await post(mock, body)).status).toBe(200);

      mock.fail({ kind: 'status', status: 429, body: { error: { message: 'slow down' } }, times: 2 });
      for (let i = 0; i < 2; i += 1) {
        const res = await post(mock, body);
        expect(res.status).toBe(429);
        expect(await res.json()).toEqual({ error: { message: 'slow down' } });
      }
      expect((await post(mock, body)).status).toBe(200);
    });

    it('applies queued failures in order', async () => {
      mock.fail({ kind: 'status', status: 502 });
      mock.fail({ kind: 'status', status: 503 });
      expect((await post(mock, body)).status).toBe(502);
      expect((await post(mock, body)).status).toBe(503);
      expect((await post(mock, body)).status).toBe(200);
    });

    it('hang: never sends headers; a client abort is recorded', async () => {
      mock.fail({ kind: 'hang' });
      const controller = new AbortController();
      const pending = post(mock, body, { signal: controller.signal });
      await until(() => mock.requests[0]?.body !== undefined);
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      await until(() => mock.requests[0]!.aborted);
      expect((await post(mock, body)).status).toBe(200);
      expect(mock.requests[1]!.aborted).toBe(false);
    });

    it('drop: streaming clients see the stream error after N events', async () => {
      mock.fail({ kind: 'drop', afterChunks: 2 });
      const res = await post(mock, { ...body, stream: true });
      expect(res.status).toBe(200);
      const { events, reader } = await readEvents(res, 2);
      expect(events).toHaveLength(2);
      await expect(
        (async () => {
          for (;;) if ((await reader.read()).done) return;
        })(),
      ).rejects.toThrow();
      expect(mock.requests[0]!.aborted).toBe(false);
    });

    it('drop: non-streaming requests fail before any response', async () => {
      mock.fail({ kind: 'drop', afterChunks: 0 });
      await expect(post(mock, body)).rejects.toThrow();
      expect((await post(mock, body)).status).toBe(200);
    });

    it('delay: still answers normally', async () => {
      mock.fail({ kind: 'delay', ms: 20 });
      const res = await post(mock, body);
      expect(res.status).toBe(200);
      expect(((await res.json()) as Json).choices[0].message.content).toBe('Mock answer to: hi');
    });

    it('stall: sends N events then goes silent until the client gives up', async () => {
      mock.fail({ kind: 'stall', afterChunks: 3 });
      const controller = new AbortController();
      const res = await post(mock, { ...body, stream: true }, { signal: controller.signal });
      const { events, reader } = await readEvents(res, 3);
      expect(events).toHaveLength(3);
      const next = reader.read();
      let settled = false;
      next.then(
        () => (settled = true),
        () => (settled = true),
      );
      await new Promise((r) => setTimeout(r, 30));
      expect(settled).toBe(false);
      controller.abort();
      await expect(next).rejects.toMatchObject({ name: 'AbortError' });
      await until(() => mock.requests[0]!.aborted);
    });
  });

  describe('header controls', () => {
    const body = { model: 'm', messages: [user('hi')] };

    it('x-mock-status and x-mock-delay-ms', async () => {
      const res = await post(mock, body, { headers: { 'x-mock-status': '503', 'x-mock-delay-ms': '10' } });
      expect(res.status).toBe(503);
      expect(((await res.json()) as Json).error.code).toBe('service_unavailable');
    });

    it('x-mock-hang', async () => {
      const controller = new AbortController();
      const pending = post(mock, body, { headers: { 'x-mock-hang': '1' }, signal: controller.signal });
      await until(() => mock.requests.length === 1);
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      await until(() => mock.requests[0]!.aborted);
    });

    it('x-mock-drop-after', async () => {
      const res = await post(mock, { ...body, stream: true }, { headers: { 'x-mock-drop-after': '3' } });
      await expect(res.text()).rejects.toThrow();
      await expect(post(mock, body, { headers: { 'x-mock-drop-after': '0' } })).rejects.toThrow();
    });
  });

  it('lists models', async () => {
    const res = await fetch(`${mock.url}/models`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.object).toBe('list');
    expect(body.data.map((m: Json) => m.id)).toEqual(['gpt-4o-mini', 'gpt-4o']);
    expect(body.data[0]).toEqual({ id: 'gpt-4o-mini', object: 'model', created: expect.any(Number), owned_by: 'mock' });
  });

  it('records requests with lowercased headers and parsed bodies; reset clears them', async () => {
    const requests = mock.requests;
    await post(mock, { model: 'm', messages: [user('hi')] }, { headers: { 'X-Run-Id': 'run-1', Authorization: 'Bearer k' } });
    await fetch(`${mock.url}/models?limit=1`);
    expect(mock.requests).toHaveLength(2);
    expect(mock.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'm', messages: [user('hi')] },
      aborted: false,
    });
    expect(mock.requests[0]!.headers).toMatchObject({ 'x-run-id': 'run-1', authorization: 'Bearer k', 'content-type': 'application/json' });
    expect(mock.requests[1]).toMatchObject({ method: 'GET', path: '/v1/models?limit=1', body: undefined });

    mock.fail({ kind: 'status', status: 500 });
    mock.reset();
    expect(mock.requests).toHaveLength(0);
    expect(mock.requests).toBe(requests);
    expect((await post(mock, { model: 'm', messages: [] })).status).toBe(200);
  });

  it('records a client abort mid-stream', async () => {
    const slow = await startMockLlm({ chunkDelayMs: 20, answer: 'one two three four five six seven eight nine ten' });
    try {
      const controller = new AbortController();
      const res = await post(slow, { model: 'm', stream: true, messages: [user('hi')] }, { signal: controller.signal });
      await readEvents(res, 2);
      controller.abort();
      await until(() => slow.requests[0]!.aborted);
    } finally {
      await slow.close();
    }
  });

  it('serves many requests over one keep-alive socket', async () => {
    let connections = 0;
    const onConnection = (): void => {
      connections += 1;
    };
    mock.server.on('connection', onConnection);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const request = (stream: boolean): Promise<{ status: number; text: string; reused: boolean }> =>
      new Promise((resolve, reject) => {
        const req = http.request(
          `${mock.url}/chat/completions`,
          { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text, reused: req.reusedSocket }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ model: 'm', stream, messages: [user('hi')] }));
      });
    try {
      const first = await request(false);
      const second = await request(true);
      const third = await request(false);
      expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
      expect(second.text.endsWith('data: [DONE]\n\n')).toBe(true);
      expect([first.reused, second.reused, third.reused]).toEqual([false, true, true]);
      expect(connections).toBe(1);
    } finally {
      agent.destroy();
      mock.server.off('connection', onConnection);
    }
  });

  it('close() ends hung and stalled connections', async () => {
    const doomed = await startMockLlm();
    doomed.fail({ kind: 'hang' });
    doomed.fail({ kind: 'stall', afterChunks: 1 });
    const hung = post(doomed, { model: 'm', messages: [user('hi')] });
    const stalled = await post(doomed, { model: 'm', stream: true, messages: [user('hi')] });
    const body = stalled.text();
    await doomed.close();
    await expect(hung).rejects.toThrow();
    await expect(body).rejects.toThrow();
    expect(doomed.requests.every((r) => r.aborted)).toBe(true);
  });
});

describe('createMockLlmHandler', () => {
  it('embeds in a plain node:http server, with or without the /v1 prefix', async () => {
    const handler = createMockLlmHandler({ answer: 'embedded' });
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', messages: [user('hi')] }),
      });
      expect(((await res.json()) as Json).choices[0].message.content).toBe('embedded');
      expect(handler.requests).toHaveLength(1);
      handler.fail({ kind: 'status', status: 418 });
      const teapot = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', body: '{}' });
      expect(teapot.status).toBe(418);
      handler.reset();
      expect(handler.requests).toHaveLength(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps at most maxRecorded requests, the latest ones', async () => {
    const handler = createMockLlmHandler({ maxRecorded: 3 });
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (let i = 0; i < 5; i++) {
        await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [user(`n${i}`)] }) }).then((r) => r.text());
      }
      expect(handler.requests.map((r) => (r.body as { messages: Array<{ content: string }> }).messages[0]!.content)).toEqual(['n2', 'n3', 'n4']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
