// The SSE relay with the chat protocol's observer: bytes pass through event by event, the usage chunk may be hidden, our comment precedes [DONE].
import { Readable } from 'node:stream';
import { chatStreamObserver } from '../src/protocols/openai-chat/stream-observer.js';
import { SseRelay } from '../src/stream/sse-relay.js';

const ev = (o: unknown) => `data: ${typeof o === 'string' ? o : JSON.stringify(o)}\n\n`;
const chunk = (content: string) => ({ choices: [{ index: 0, delta: { content } }], usage: null });
const usage = { choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } };

async function relay(parts: (string | Buffer)[], hideUsageChunk: boolean, estimateTokens?: (text: string) => number) {
  const seen: unknown[] = [];
  // The relay frames the bytes; the chat protocol's observer reads each event.
  const observer = chatStreamObserver({ hideUsageChunk, estimateTokens });
  const r = new SseRelay({
    observer,
    onFinal: async (obs) => {
      seen.push({ usage: observer.usageObject, outputChars: observer.outputChars, outputTokens: observer.outputTokens, done: obs.done });
      return ': agentwall {"x":1}\n\n';
    },
  });
  const out: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)))
      .pipe(r)
      .on('data', (b: Buffer) => out.push(b))
      .on('end', resolve)
      .on('error', reject);
  });
  return { text: Buffer.concat(out).toString(), seen: seen[0] as { usage: unknown; outputChars: number; outputTokens: number; done: boolean } };
}

describe('SseRelay', () => {
  it('passes events through byte for byte and writes the comment right before [DONE]', async () => {
    const input = ev(chunk('Hel')) + ev(chunk('lo')) + ev(usage) + ev('[DONE]');
    const { text, seen } = await relay([input], false);
    expect(text).toBe(ev(chunk('Hel')) + ev(chunk('lo')) + ev(usage) + ': agentwall {"x":1}\n\n' + ev('[DONE]'));
    expect(seen).toMatchObject({ usage: usage.usage, outputChars: 5, done: true });
  });

  it('hides the usage-only chunk when asked, and still observes it', async () => {
    const { text, seen } = await relay([ev(chunk('a')) + ev(usage) + ev('[DONE]')], true);
    expect(text).toBe(ev(chunk('a')) + ': agentwall {"x":1}\n\n' + ev('[DONE]'));
    expect(seen.usage).toEqual(usage.usage);
  });

  it('parses by event, not by network chunk: events split anywhere, even inside a UTF-8 character', async () => {
    const whole = Buffer.from(ev(chunk('héllo wörld ✓')) + ev(usage) + ev('[DONE]'));
    const parts: Buffer[] = [];
    for (let i = 0; i < whole.length; i += 3) parts.push(whole.subarray(i, i + 3));
    const { text, seen } = await relay(parts, true);
    expect(text).toBe(ev(chunk('héllo wörld ✓')) + ': agentwall {"x":1}\n\n' + ev('[DONE]'));
    expect(seen.outputChars).toBe('héllo wörld ✓'.length);
  });

  it('measures generated text from the JSON text: every key, in any order, escapes as written, a usage event once', async () => {
    const delta = (d: unknown, extra: object = {}) => ({ choices: [{ index: 0, delta: d }], ...extra });
    const events = [
      delta({ role: 'assistant', content: '', refusal: null }),
      // Two tool calls' arguments in one event; the quotes inside are escaped, so 9 characters as written.
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }, { index: 1, function: { arguments: 'xy' } }] }, { usage: null }),
      { usage: null, choices: [{ index: 0, delta: { refusal: 'no', content: 'ok' } }] },
      delta({ content: 'a"b' }),
      // Text and a usage object in one event (some providers end so): parsed, and its text counted once.
      delta({ content: 'end' }, { usage: usage.usage }),
    ];
    const { seen } = await relay([...events.map(ev), ev('[DONE]')], false, (text) => text.length);
    expect(seen.usage).toEqual(usage.usage);
    expect(seen.outputChars).toBe(9 + 2 + 2 + 2 + 4 + 3);
    expect(seen.outputTokens).toBe(seen.outputChars);
  });

  it('handles CRLF framing and multi-line data', async () => {
    const input = `data: ${JSON.stringify(chunk('x'))}\r\n\r\ndata: [DONE]\r\n\r\n`;
    const { text } = await relay([input], true);
    expect(text).toBe(`data: ${JSON.stringify(chunk('x'))}\r\n\r\n: agentwall {"x":1}\n\ndata: [DONE]\r\n\r\n`);
  });

  it('writes the comment at the end of a stream that has no [DONE]', async () => {
    const { text, seen } = await relay([ev(chunk('x'))], true);
    expect(text).toBe(ev(chunk('x')) + ': agentwall {"x":1}\n\n');
    expect(seen.done).toBe(false);
  });

  it('keeps comments and non-JSON events untouched', async () => {
    const input = ': keep-alive\n\n' + 'event: ping\ndata: hello\n\n' + ev('[DONE]');
    const { text } = await relay([input], true);
    expect(text).toBe(': keep-alive\n\nevent: ping\ndata: hello\n\n: agentwall {"x":1}\n\n' + ev('[DONE]'));
  });
});

describe('SseRelay framing bounds', () => {
  /** A relay with a recording observer; `out` collects what reached the client, in order. */
  function framing(maxEventBytes?: number) {
    const events: Array<{ name: string | undefined; data: string | undefined }> = [];
    const oversized: number[] = [];
    const r = new SseRelay({
      observer: {
        event: (e) => {
          events.push(e);
          return e.data === '[DONE]' ? 'final' : undefined;
        },
        oversized: (bytes) => oversized.push(bytes),
        usage: undefined,
        outputTokens: 0,
      },
      onFinal: async () => ': agentwall {}\n\n',
      ...(maxEventBytes !== undefined ? { maxEventBytes } : {}),
    });
    const out: Buffer[] = [];
    r.on('data', (b: Buffer) => out.push(b));
    const write = (s: string | Buffer) => new Promise<void>((resolve) => r.write(typeof s === 'string' ? Buffer.from(s) : s, () => resolve()));
    return { r, events, oversized, out, write, text: () => Buffer.concat(out).toString() };
  }

  it('relays an event larger than the bound as it arrives, unparsed, and frames the next events again', async () => {
    const f = framing(1024);
    const huge = `data: ${JSON.stringify({ choices: [{ delta: { content: 'x'.repeat(5000) } }] })}\n\n`;
    await f.write(huge.slice(0, 3000));
    // Past the bound, the bytes went out before the event was complete: nothing is held.
    expect(f.text()).toBe(huge.slice(0, 3000));
    await f.write(huge.slice(3000) + ev(chunk('after')) + ev('[DONE]'));
    await new Promise<void>((resolve) => f.r.end(resolve));
    expect(f.oversized).toEqual([Buffer.byteLength(huge)]);
    expect(f.events.map((e) => e.data)).toEqual([JSON.stringify(chunk('after')), '[DONE]']);
    expect(f.text()).toBe(huge + ev(chunk('after')) + ': agentwall {}\n\n' + ev('[DONE]'));
  });

  it('joins an event split over many chunks once, not once per chunk (framing is linear in the bytes)', async () => {
    const f = framing();
    const event = ev(chunk('y'.repeat(64 * 1024)));
    const concat = jest.spyOn(Buffer, 'concat');
    try {
      for (let i = 0; i < event.length; i += 1024) await f.write(event.slice(i, i + 1024));
      expect(concat).toHaveBeenCalledTimes(1);
    } finally {
      concat.mockRestore();
    }
    expect(f.events).toHaveLength(1);
    expect(f.text()).toBe(event);
  });

  it('finds a boundary split across two chunks, CRLF included', async () => {
    const f = framing();
    await f.write('data: a\r\n');
    await f.write('\r\ndata: b\n');
    await f.write('\n');
    expect(f.events.map((e) => e.data)).toEqual(['a', 'b']);
  });

  it('relays whatever follows the final event unchanged', async () => {
    const f = framing();
    await f.write(ev('[DONE]'));
    await f.write(': trailing comment\n\n');
    await new Promise<void>((resolve) => f.r.end(resolve));
    expect(f.text()).toBe(': agentwall {}\n\n' + ev('[DONE]') + ': trailing comment\n\n');
  });

  it('reads named events (the Responses and Messages APIs name theirs)', async () => {
    const f = framing();
    await f.write('event: response.completed\ndata: {"type":"response.completed"}\n\n');
    expect(f.events).toEqual([{ name: 'response.completed', data: '{"type":"response.completed"}' }]);
  });
});

describe('SseRelay: a rewritten final event', () => {
  it('writes the replacement after the comment, as the final event, mid-stream and at the end of a stream', async () => {
    for (const last of ['\n\n', '']) {
      const r = new SseRelay({
        observer: { event: (e) => (e.name === 'end' ? { replace: 'event: end\ndata: masked\n\n', final: true } : undefined), usage: undefined, outputTokens: 0 },
        onFinal: async () => ': agentwall {}\n\n',
      });
      const out: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        Readable.from([Buffer.from(`data: a\n\nevent: end\ndata: secret${last}`)])
          .pipe(r)
          .on('data', (b: Buffer) => out.push(b))
          .on('end', resolve)
          .on('error', reject);
      });
      expect(Buffer.concat(out).toString()).toBe('data: a\n\n: agentwall {}\n\nevent: end\ndata: masked\n\n');
      expect(r.observation.done).toBe(true);
    }
  });
});
