// The Messages stream through the SSE relay: bytes pass through, the comment precedes message_stop, usage and text are observed.
import { PassThrough, Readable } from 'node:stream';
import { estimateTextTokens } from '../../../src/cost/estimate.js';
import { createDlpScanner } from '../../../src/dlp/index.js';
import { AgentWallError } from '../../../src/errors.js';
import { messagesStreamObserver, type MessagesStreamObserver } from '../../../src/protocols/anthropic-messages/stream-observer.js';
import { SseRelay } from '../../../src/stream/sse-relay.js';
import { POSITIVES } from '../../dlp/fixtures.js';

const ev = (data: Record<string, unknown>) => `event: ${String(data['type'])}\ndata: ${JSON.stringify(data)}\n\n`;
const start = (usage: Record<string, unknown>) => ev({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-5', stop_reason: null, usage } });
const text = (index: number, t: string) => ev({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } });
const json = (index: number, partial: string) => ev({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
const blockStart = (index: number) => ev({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
const blockStop = (index: number) => ev({ type: 'content_block_stop', index });
const delta = (usage: Record<string, unknown>) => ev({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage });
const stop = ev({ type: 'message_stop' });
const ping = ev({ type: 'ping' });
const COMMENT = ': agentwall {"x":1}\n\n';
const startUsage = { input_tokens: 10, cache_creation_input_tokens: 20, cache_read_input_tokens: 30, cache_creation: { ephemeral_5m_input_tokens: 20, ephemeral_1h_input_tokens: 0 }, output_tokens: 1 };

function observe(observer: MessagesStreamObserver, source: Readable, maxEventBytes?: number) {
  let finals = 0;
  const relay = new SseRelay({
    observer,
    ...(maxEventBytes !== undefined ? { maxEventBytes } : {}),
    onFinal: async () => {
      finals += 1;
      return COMMENT;
    },
  });
  const out: Buffer[] = [];
  const done = new Promise<string>((resolve, reject) => {
    relay.on('data', (b: Buffer) => out.push(Buffer.from(b))).on('end', () => resolve(Buffer.concat(out).toString())).on('error', reject);
  });
  source.pipe(relay);
  return { relay, done, finals: () => finals };
}

const run = (parts: string[], options: { scanner?: ReturnType<typeof createDlpScanner>; maxEventBytes?: number } = {}) => {
  const observer = messagesStreamObserver({ estimateTokens: estimateTextTokens, scanner: options.scanner });
  const { done, finals } = observe(observer, Readable.from(parts.map((p) => Buffer.from(p))), options.maxEventBytes);
  return done.then((out) => ({ out, observer, finals: finals() }));
};

describe('the Messages stream observer', () => {
  it('relays every byte and writes the comment just before message_stop', async () => {
    const events = [start(startUsage), blockStart(0), ping, text(0, 'Hello'), text(0, ' there'), blockStop(0), delta({ output_tokens: 3 })];
    const { out, finals } = await run([...events, stop]);
    expect(out).toBe(events.join('') + COMMENT + stop);
    expect(finals).toBe(1);
  });

  it("takes message_start's input and cache figures, then message_delta's cumulative counts", async () => {
    const { observer } = await run([start(startUsage), text(0, 'Hi'), delta({ output_tokens: 7, input_tokens: 10, cache_creation_input_tokens: 20, cache_read_input_tokens: 30 }), stop]);
    expect(observer.partialUsage).toEqual({ promptTokens: 60, completionTokens: 1, cachedTokens: 30, cacheWriteTokens: 20, cacheWrite1hTokens: 0, reasoningTokens: 0, totalTokens: 61 });
    expect(observer.usage).toEqual({ promptTokens: 60, completionTokens: 7, cachedTokens: 30, cacheWriteTokens: 20, cacheWrite1hTokens: 0, reasoningTokens: 0, totalTokens: 67 });
    expect(observer.failed).toBe(false);
  });

  it('keeps message_start figures that an older message_delta (output only) leaves out', async () => {
    const { observer } = await run([start(startUsage), delta({ output_tokens: 5 }), stop]);
    expect(observer.usage).toMatchObject({ promptTokens: 60, completionTokens: 5 });
  });

  it('measures text, tool input and thinking deltas without parsing them', async () => {
    const thinking = ev({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'abcd' } });
    const { observer } = await run([start(startUsage), thinking, text(1, 'Hello "you"'), json(2, ''), json(2, '{"city":'), json(2, '"Rome"}'), stop]);
    // 'abcd' 4 + 'Hello \"you\"' 13 (escapes as written) + '{\"city\":' 10 + '\"Rome\"}' 9
    expect(observer.outputChars).toBe(4 + 13 + 10 + 9);
    expect(observer.outputTokens).toBe(1 + 4 + 3 + 3);
    expect(observer.usage).toBeUndefined();
  });

  it('works out event types from the data when the upstream sends no event names', async () => {
    const unnamed = (e: string) => e.replace(/^event: [^\n]*\n/, '');
    const { out, observer } = await run([unnamed(start(startUsage)), unnamed(text(0, 'Hey')), unnamed(delta({ output_tokens: 2 })), unnamed(stop)]);
    expect(out.indexOf(COMMENT)).toBe(out.lastIndexOf('data: {"type":"message_stop"}') - COMMENT.length);
    expect(observer.usage).toMatchObject({ completionTokens: 2 });
  });

  it("ends on the upstream's error event as failed, the comment before it", async () => {
    const error = ev({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const { out, observer } = await run([start(startUsage), text(0, 'Hel'), error]);
    expect(out.endsWith(COMMENT + error)).toBe(true);
    expect(observer.failed).toBe(true);
    expect(observer.usage).toBeUndefined();
    expect(observer.partialUsage).toMatchObject({ promptTokens: 60 });
  });

  it('tells the client with an error event when the upstream ends without message_stop', async () => {
    const { out, observer } = await run([start(startUsage), text(0, 'Hel')]);
    const tail = out.slice(out.indexOf('event: error'));
    expect(tail.startsWith('event: error\ndata: ')).toBe(true);
    const body = JSON.parse(tail.split('\n')[1]!.slice('data: '.length)) as Record<string, unknown>;
    expect(body).toEqual({ type: 'error', error: expect.objectContaining({ type: 'api_error', code: 'upstream_unavailable', details: { error_code: 'upstream_unavailable' } }) });
    expect(out.endsWith(COMMENT)).toBe(true);
    expect(observer.failed).toBe(true);
  });

  it('counts an oversized delta by its size', async () => {
    const big = text(0, 'x'.repeat(2000));
    const { out, observer } = await run([start(startUsage), big, stop], { maxEventBytes: 512 });
    expect(out).toContain(big);
    expect(observer.outputChars).toBeGreaterThanOrEqual(2000);
  });

  it('masks secrets across deltas, flushing a block’s tail before its stop', async () => {
    const key = POSITIVES.openai_key[0] as string;
    const scanner = createDlpScanner();
    const { out, observer } = await run([start(startUsage), blockStart(0), text(0, `key: ${key.slice(0, 10)}`), text(0, `${key.slice(10)} ok`), blockStop(0), delta({ output_tokens: 9 }), stop], { scanner });
    const texts = out
      .split('\n\n')
      .filter((e) => e.startsWith('event: content_block_delta'))
      .map((e) => (JSON.parse(e.split('\n')[1]!.slice(6)) as { delta: { text: string } }).delta.text);
    expect(texts.join('')).toBe('key: [REDACTED:openai_key] ok');
    expect(out).not.toContain(key.slice(10));
    expect(out.indexOf('"type":"content_block_stop"')).toBeGreaterThan(out.lastIndexOf('content_block_delta'));
    expect(observer.maskedCounts).toEqual({ openai_key: 1 });
    expect(observer.outputTokens).toBeGreaterThan(0);
  });
});

describe('SseRelay.fail with the Messages observer', () => {
  it('drops the incomplete event, writes the comment and the error event, and ends the stream', async () => {
    const observer = messagesStreamObserver({ estimateTokens: estimateTextTokens });
    const source = new PassThrough();
    const { relay, done, finals } = observe(observer, source);
    source.write(start(startUsage) + text(0, 'Hel'));
    source.write('event: content_block_delta\ndata: {"type":"content_blo');
    await new Promise((r) => setImmediate(r));
    relay.fail(observer.failure(new AgentWallError('upstream_unavailable', 'The upstream connection broke off mid-stream.')));
    const out = await done;
    expect(out).toBe(
      start(startUsage) + text(0, 'Hel') + COMMENT + `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'The upstream connection broke off mid-stream.', code: 'upstream_unavailable', details: { error_code: 'upstream_unavailable' } } })}\n\n`,
    );
    expect(finals()).toBe(1);
    expect(observer.failed).toBe(true);
  });

  it('only ends a stream that already reached its final event', async () => {
    const observer = messagesStreamObserver({ estimateTokens: estimateTextTokens });
    const source = new PassThrough();
    const { relay, done } = observe(observer, source);
    source.write(start(startUsage) + stop);
    await new Promise((r) => setImmediate(r));
    relay.fail('event: error\ndata: {}\n\n');
    expect(await done).toBe(start(startUsage) + COMMENT + stop);
    expect(observer.failed).toBe(false);
  });
});
