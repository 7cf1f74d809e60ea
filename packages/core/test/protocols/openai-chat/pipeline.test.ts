// Chat completions through the guarded pipeline in memory (no sockets): JSON and streamed, usage and metadata.
import { MemoryStore } from '../../../src/index.js';
import { chatAnswer, inMemory } from '../../support/in-memory.js';

const KEY = 'aw-chat-mem-key-0001';
const auth = { authorization: `Bearer ${KEY}` };
const body = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });
const sse = (...events: unknown[]) => events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
const usage = { prompt_tokens: 20, completion_tokens: 4, total_tokens: 24, prompt_tokens_details: { cached_tokens: 10 } };

describe('openai-chat in memory', () => {
  const store = new MemoryStore();
  const h = inMemory({ keys: [{ key: KEY, name: 'mem' }], store, maxRunCostUsd: 1 });
  h.upstream('/v1/chat/completions', (call) =>
    (call.body as { stream?: boolean }).stream
      ? { text: sse({ choices: [{ index: 0, delta: { content: 'Hel' } }] }, { choices: [{ index: 0, delta: { content: 'lo' } }] }, { choices: [], usage }, '[DONE]') }
      : { json: chatAnswer('Hello', usage) },
  );
  afterAll(() => h.close());

  it('splices the metadata into the JSON answer and prices cached tokens', async () => {
    const res = await h.send('POST', '/v1/chat/completions', body('hi', { agentwall_run_id: 'mem-json' }), auth);
    expect(res?.status).toBe(200);
    expect(res?.json['choices']).toEqual(chatAnswer('Hello').choices);
    // gpt-4o-mini: 10 uncached at 0.15, 10 cached at 0.075, 4 out at 0.6 per MTok = 1.5 + 0.75 + 2.4 → 5 µUSD
    expect(res?.json['agentwall']).toMatchObject({ run_id: 'mem-json', step: 1, cost_usd: 0.000005 });
    expect(res?.headers['x-agentwall-cost-usd']).toBe('0.000005');
  });

  it('asks for usage upstream, hides the usage chunk from a client that did not ask, comments before [DONE]', async () => {
    const res = await h.send('POST', '/v1/chat/completions', body('hi', { stream: true, agentwall_run_id: 'mem-stream' }), auth);
    expect(h.calls.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const data = res!.text.split('\n\n').filter(Boolean);
    expect(data.at(-1)).toBe('data: [DONE]');
    expect(data.at(-2)).toMatch(/^: agentwall \{/);
    expect(res!.text).not.toContain('"usage"');
    const meta = JSON.parse(data.at(-2)!.slice(': agentwall '.length)) as Record<string, unknown>;
    expect(meta).toMatchObject({ run_id: 'mem-stream', cost_usd: 0.000005 });
    expect((await store.getRun({ keyId: 'mem', runId: 'mem-stream' }))?.stepRecords[0]).toMatchObject({ promptTokens: 20, cachedTokens: 10, completionTokens: 4 });
  });
});

describe('openai-chat DLP on structured tool arguments', () => {
  const h = inMemory({ keys: [{ key: KEY, name: 'mem' }] });
  h.upstream('/v1/chat/completions', { json: chatAnswer('ok') });
  afterAll(() => h.close());

  it('masks a credential whose name is a JSON key in tool-call arguments, which the text never shows as name = value', async () => {
    const secret = 'hunter2' + 'Xq7Lm2Pz9Rt4Vw8Ks3Nd';
    const body = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'log in to the staging box' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'login', arguments: JSON.stringify({ user: 'deploy', password: secret }) } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'logged in' },
      ],
    };
    const res = await h.send('POST', '/v1/chat/completions', body, auth);
    expect(res?.status).toBe(200);
    const sent = JSON.stringify(h.calls.at(-1)!.body);
    expect(sent).not.toContain(secret);
    const args = JSON.parse((h.calls.at(-1)!.body as { messages: Array<{ tool_calls?: Array<{ function: { arguments: string } }> }> }).messages[1]!.tool_calls![0]!.function.arguments);
    expect(args).toEqual({ user: 'deploy', password: '[REDACTED:generic_secret]' });
    expect(res?.json['agentwall']).toMatchObject({ dlp: { generic_secret: 1 } });
  });
});
