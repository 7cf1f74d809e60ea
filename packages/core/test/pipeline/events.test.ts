// Step and refusal events: once per settled step (JSON, streamed, failed) and once per refusal, on the channel and the options.
import diagnostics_channel from 'node:diagnostics_channel';
import { CHANNELS, type RefusalEvent, type StepEvent } from '../../src/index.js';
import { chatAnswer, inMemory } from '../support/in-memory.js';

const KEY = 'aw-events-key-00001';
const auth = { authorization: `Bearer ${KEY}` };
const chat = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });

const sse = (...events: unknown[]) => events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');

describe('events', () => {
  const steps: StepEvent[] = [];
  const refusals: RefusalEvent[] = [];
  const channelSteps: unknown[] = [];
  const channelRefusals: unknown[] = [];
  const onStepChannel = (e: unknown) => channelSteps.push(e);
  const onRefusalChannel = (e: unknown) => channelRefusals.push(e);
  const h = inMemory({
    keys: [{ key: KEY, name: 'ev', models: ['gpt-4o*'] }],
    onStep: (e) => steps.push(e),
    onRefusal: (e) => refusals.push(e),
    maxSteps: 2,
  });
  h.upstream('/v1/chat/completions', (call) => {
    if ((call.body as { stream?: boolean }).stream) {
      return { text: sse({ choices: [{ index: 0, delta: { content: 'Hi' } }] }, { choices: [], usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 } }, '[DONE]') };
    }
    if (JSON.stringify(call.body).includes('fail upstream')) return { status: 500, json: { error: { message: 'boom' } } };
    return { json: chatAnswer('Hello') };
  });

  beforeAll(() => {
    diagnostics_channel.subscribe(CHANNELS.step, onStepChannel);
    diagnostics_channel.subscribe(CHANNELS.refusal, onRefusalChannel);
  });
  afterAll(async () => {
    diagnostics_channel.unsubscribe(CHANNELS.step, onStepChannel);
    diagnostics_channel.unsubscribe(CHANNELS.refusal, onRefusalChannel);
    await h.close();
  });

  it('publishes one step event per JSON step, with the record and the metadata the client got', async () => {
    const res = await h.send('POST', '/v1/chat/completions', chat('hello', { agentwall_run_id: 'ev-json' }), auth);
    expect(res?.status).toBe(200);
    const e = steps.find((s) => s.runId === 'ev-json')!;
    expect(e).toMatchObject({ protocol: 'openai-chat', keyId: 'ev', step: 1, model: 'gpt-4o-mini', tracked: true });
    expect(e.record).toMatchObject({ status: 'ok', promptTokens: 12, completionTokens: 5, stream: false });
    expect(e.metadata).toEqual(res?.json['agentwall']);
    expect(channelSteps).toContain(e);
  });

  it('publishes a streamed step once, after the stream settled', async () => {
    const res = await h.send('POST', '/v1/chat/completions', chat('stream', { stream: true, agentwall_run_id: 'ev-stream' }), auth);
    expect(res?.text).toContain('data: [DONE]');
    const mine = steps.filter((s) => s.runId === 'ev-stream');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.record).toMatchObject({ status: 'ok', stream: true, promptTokens: 9, completionTokens: 1, estimated: false });
    expect(res?.outcome?.metadata).toEqual(mine[0]!.metadata);
  });

  it('publishes a failed step too (upstream error, nothing charged)', async () => {
    const res = await h.send('POST', '/v1/chat/completions', chat('fail upstream', { agentwall_run_id: 'ev-fail' }), auth);
    expect(res?.status).toBe(500);
    expect(steps.find((s) => s.runId === 'ev-fail')?.record).toMatchObject({ status: 'error', httpStatus: 500, costMicros: 0 });
  });

  it('publishes one refusal per refused request, naming the code and the guard', async () => {
    await h.send('POST', '/v1/chat/completions', chat('no key'));
    await h.send('POST', '/v1/chat/completions', { ...chat('other model'), model: 'claude-3-5-sonnet' }, auth);
    await h.send('POST', '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }, auth);
    await h.send('POST', '/v1/chat/completions', chat('a', { agentwall_run_id: 'ev-limit' }), auth);
    await h.send('POST', '/v1/chat/completions', chat('b', { agentwall_run_id: 'ev-limit' }), auth);
    await h.send('POST', '/v1/chat/completions', chat('c', { agentwall_run_id: 'ev-limit' }), auth);
    await h.send('POST', '/v1/chat/completions', chat('b', { agentwall_run_id: 'ev-loop' }), auth);
    await h.send('POST', '/v1/chat/completions', chat('b', { agentwall_run_id: 'ev-loop' }), auth);
    expect(refusals.map((r) => [r.code, r.guard, r.keyId ?? null])).toEqual([
      ['invalid_api_key', 'auth', null],
      ['model_not_allowed', 'models', 'ev'],
      ['validation_error', 'validation', 'ev'],
      ['step_limit_exceeded', 'run', 'ev'],
      ['loop_detected', 'loop', 'ev'],
    ]);
    expect(refusals.find((r) => r.code === 'loop_detected')).toMatchObject({ protocol: 'openai-chat', path: '/v1/chat/completions', status: 429, runId: 'ev-loop' });
    expect(channelRefusals).toEqual(refusals);
  });

  it('keeps a throwing handler away from the request', async () => {
    const errors: unknown[] = [];
    const broken = inMemory({
      keys: [{ key: KEY }],
      onStep: () => {
        throw new Error('metrics down');
      },
      logger: { info() {}, warn() {}, error: (_m: string, f?: Record<string, unknown>) => errors.push(f) },
    });
    broken.upstream('/v1/chat/completions', { json: chatAnswer('ok') });
    try {
      expect((await broken.send('POST', '/v1/chat/completions', chat('still fine'), auth))?.status).toBe(200);
      expect(errors).toContainEqual(expect.objectContaining({ code: 'AW_EVENT_HANDLER_FAILED' }));
    } finally {
      await broken.close();
    }
  });
});
