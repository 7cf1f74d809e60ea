// The chat protocol's DLP walk of requests and completions: what is scanned, what is left alone, structural sharing.

import { createDlpScanner } from '../../../src/dlp/index.js';
import { scanChatCompletion, scanChatMessages } from '../../../src/protocols/openai-chat/texts.js';
import { POSITIVES } from '../../dlp/fixtures.js';

const KEY = POSITIVES.openai_key[0] as string;
const AWS = POSITIVES.aws_access_key[0] as string;
const dlp = createDlpScanner({ kinds: { email: 'mask', private_key: 'block' } });
// The chat protocol walks its own messages and answers with the scanner's text scan.
const scanner = {
  scanMessages: (messages: unknown[]) => scanChatMessages(messages, dlp.scanText),
  scanCompletion: (body: unknown) => scanChatCompletion(body, dlp.scanText),
};

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
};

describe('scanMessages', () => {
  it('returns the very same array when nothing matched', () => {
    const messages = deepFreeze([
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:,x' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ]);
    const result = scanner.scanMessages(messages);
    expect(result.messages).toBe(messages);
    expect(result.changed).toBe(false);
    expect(result.counts).toEqual({});
    expect(result.blocked).toEqual([]);
  });

  it('masks string content and shares unchanged messages', () => {
    const messages = deepFreeze([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', name: 'sk-user-name-is-not-scanned-1234567890', content: `my key is ${KEY}` },
    ]);
    const result = scanner.scanMessages(messages);
    expect(result.changed).toBe(true);
    expect(result.messages).not.toBe(messages);
    expect(result.messages[0]).toBe(messages[0]);
    expect(result.messages[1]).toEqual({
      role: 'user',
      name: 'sk-user-name-is-not-scanned-1234567890',
      content: 'my key is [REDACTED:openai_key]',
    });
    expect(result.counts).toEqual({ openai_key: 1 });
    expect(messages[1]?.content).toBe(`my key is ${KEY}`);
  });

  it('masks text parts and leaves image and other parts alone', () => {
    const image = { type: 'image_url', image_url: { url: `https://example.com/a.png?k=${AWS}` } };
    const audio = { type: 'input_audio', input_audio: { data: AWS, format: 'wav' } };
    const plain = { type: 'text', text: 'fine' };
    const messages = deepFreeze([
      { role: 'user', content: [plain, { type: 'text', text: `id ${AWS}` }, image, audio] },
    ]);
    const result = scanner.scanMessages(messages);
    const content = (result.messages[0] as { content: unknown[] }).content;
    expect(content[0]).toBe(plain);
    expect(content[1]).toEqual({ type: 'text', text: 'id [REDACTED:aws_access_key]' });
    expect(content[2]).toBe(image);
    expect(content[3]).toBe(audio);
  });

  it('scans string values inside tool-call arguments and re-serialises only then', () => {
    const untouched = { id: 'c0', type: 'function', function: { name: 'noop', arguments: '{ "x" : 1 }' } };
    const args = JSON.stringify({ to: 'ops@example.com', nested: { list: ['plain', `key=${KEY}`] }, n: 3, ok: true });
    const messages = deepFreeze([
      {
        role: 'assistant',
        content: null,
        tool_calls: [untouched, { id: 'c1', type: 'function', function: { name: 'send', arguments: args } }],
      },
    ]);
    const result = scanner.scanMessages(messages);
    const calls = (result.messages[0] as { tool_calls: { function: { arguments: string } }[] }).tool_calls;
    expect(calls[0]).toBe(untouched);
    expect(JSON.parse(calls[1]?.function.arguments ?? '')).toEqual({
      to: '[REDACTED:email]',
      nested: { list: ['plain', 'key=[REDACTED:openai_key]'] },
      n: 3,
      ok: true,
    });
    expect(result.counts).toEqual({ email: 1, openai_key: 1 });
  });

  it('does not scan JSON keys or structure, only string values', () => {
    const args = JSON.stringify({ [`${AWS}`]: 'value' });
    const messages = [{ role: 'assistant', tool_calls: [{ function: { name: 'f', arguments: args } }] }];
    expect(scanner.scanMessages(messages).messages).toBe(messages);
  });

  it('scans invalid JSON arguments as text', () => {
    const messages = [{ role: 'assistant', tool_calls: [{ function: { name: 'f', arguments: `{"partial": "${KEY}` } }] }];
    const result = scanner.scanMessages(messages);
    const calls = (result.messages[0] as { tool_calls: { function: { arguments: string } }[] }).tool_calls;
    expect(calls[0]?.function.arguments).toBe('{"partial": "[REDACTED:openai_key]');
  });

  it('scans legacy function_call arguments', () => {
    const messages = [{ role: 'assistant', function_call: { name: 'f', arguments: JSON.stringify({ k: KEY }) } }];
    const result = scanner.scanMessages(messages);
    expect((result.messages[0] as { function_call: { arguments: string } }).function_call.arguments).toBe(
      '{"k":"[REDACTED:openai_key]"}',
    );
  });

  it('scans tool results (string and parts)', () => {
    const messages = [
      { role: 'tool', tool_call_id: 'c1', content: `env: AWS_ACCESS_KEY_ID=${AWS}` },
      { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: `contact admin@example.org` }] },
    ];
    const result = scanner.scanMessages(messages);
    expect(result.messages).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: 'env: AWS_ACCESS_KEY_ID=[REDACTED:aws_access_key]' },
      { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'contact [REDACTED:email]' }] },
    ]);
  });

  it('aggregates counts and blocked kinds across messages', () => {
    const pemBlock = POSITIVES.private_key[0] as string;
    const messages = [
      { role: 'user', content: `a ${KEY}` },
      { role: 'user', content: [{ type: 'text', text: `b ${KEY}` }, { type: 'text', text: pemBlock }] },
      { role: 'assistant', tool_calls: [{ function: { name: 'f', arguments: JSON.stringify({ pem: pemBlock }) } }] },
    ];
    const result = scanner.scanMessages(messages);
    expect(result.counts).toEqual({ openai_key: 2, private_key: 2 });
    expect(result.blocked).toEqual(['private_key']);
    expect(JSON.stringify(result.messages)).not.toContain('PRIVATE KEY');
  });

  it('tolerates odd shapes without throwing', () => {
    const messages = [null, 3, 'text', [], { role: 'user' }, { content: 42 }, { tool_calls: 'x' }, { tool_calls: [null, { function: null }] }];
    const result = scanner.scanMessages(messages as unknown[]);
    expect(result.messages).toBe(messages);
  });

  it('keeps a __proto__ key as data when re-serialising arguments', () => {
    const args = `{"__proto__": {"polluted": true}, "k": "${KEY}"}`;
    const messages = [{ role: 'assistant', tool_calls: [{ function: { name: 'f', arguments: args } }] }];
    const result = scanner.scanMessages(messages);
    const out = (result.messages[0] as { tool_calls: { function: { arguments: string } }[] }).tool_calls[0]?.function.arguments;
    expect(JSON.parse(out ?? '')).toEqual(JSON.parse(`{"__proto__": {"polluted": true}, "k": "[REDACTED:openai_key]"}`));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('falls back to text scanning for absurdly deep argument JSON', () => {
    const deep = '['.repeat(500) + `"${KEY}"` + ']'.repeat(500);
    const messages = [{ role: 'assistant', tool_calls: [{ function: { name: 'f', arguments: deep } }] }];
    const out = (scanner.scanMessages(messages).messages[0] as { tool_calls: { function: { arguments: string } }[] })
      .tool_calls[0]?.function.arguments;
    expect(out).toBe('['.repeat(500) + '"[REDACTED:openai_key]"' + ']'.repeat(500));
  });
});

describe('scanCompletion', () => {
  it('masks message content and tool-call arguments in choices', () => {
    const body = deepFreeze({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: `Use ${KEY}` }, finish_reason: 'stop' },
        {
          index: 1,
          message: { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: JSON.stringify({ key: AWS }) } }] },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
    const result = scanner.scanCompletion(body);
    expect(result.changed).toBe(true);
    const out = result.body as typeof body;
    expect(out.choices[0]?.message.content).toBe('Use [REDACTED:openai_key]');
    expect(out.choices[1]?.message.tool_calls?.[0]?.function.arguments).toBe('{"key":"[REDACTED:aws_access_key]"}');
    expect(out.usage).toBe(body.usage);
    expect(result.counts).toEqual({ openai_key: 1, aws_access_key: 1 });
  });

  it('returns the same body when nothing matched or the shape is unknown', () => {
    const body = { choices: [{ message: { role: 'assistant', content: 'fine' } }] };
    expect(scanner.scanCompletion(body)).toEqual({ body, changed: false, counts: {}, blocked: [] });
    expect(scanner.scanCompletion(body).body).toBe(body);
    expect(scanner.scanCompletion('nope').body).toBe('nope');
    expect(scanner.scanCompletion({ error: { message: 'x' } }).changed).toBe(false);
  });

  it('masks legacy completion text', () => {
    const result = scanner.scanCompletion({ choices: [{ text: `k ${KEY}` }] });
    expect(result.body).toEqual({ choices: [{ text: 'k [REDACTED:openai_key]' }] });
  });
});
