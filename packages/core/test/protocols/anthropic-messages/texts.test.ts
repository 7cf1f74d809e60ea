// DLP's walk of Messages requests and answers: system, text blocks, tool_result content, tool_use inputs; thinking untouched.
import { createDlpScanner } from '../../../src/dlp/index.js';
import { scanMessageAnswer, scanMessagesRequest } from '../../../src/protocols/anthropic-messages/texts.js';
import { POSITIVES } from '../../dlp/fixtures.js';

const KEY = POSITIVES.openai_key[0] as string;
const dlp = createDlpScanner({ kinds: { email: 'mask', private_key: 'block' } });
const scan = (body: { system?: unknown; messages: unknown[] }) => scanMessagesRequest(body, dlp.scanText);

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
};

describe('scanMessagesRequest', () => {
  it('returns the very same system and messages when nothing matched', () => {
    const body = deepFreeze({
      system: [{ type: 'text', text: 'You are a coding agent.' }],
      messages: [
        { role: 'user', content: 'fix it' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'ls' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.txt' }] },
      ],
    });
    const result = scan(body);
    expect(result).toMatchObject({ changed: false, counts: {}, blocked: [] });
    expect(result.system).toBe(body.system);
    expect(result.messages).toBe(body.messages);
  });

  it('masks a string system and text blocks, sharing what did not change', () => {
    const body = deepFreeze({
      system: `deploy with ${KEY}`,
      messages: [
        { role: 'user', content: 'hello' },
        { role: 'user', content: [{ type: 'text', text: 'plain' }, { type: 'text', text: `mail me at jo@example.com` }] },
      ],
    });
    const result = scan(body);
    expect(result.changed).toBe(true);
    expect(result.system).toBe('deploy with [REDACTED:openai_key]');
    expect(result.messages[0]).toBe(body.messages[0]);
    const blocks = (result.messages[1] as { content: unknown[] }).content;
    expect(blocks[0]).toBe(body.messages[1]!.content[0]);
    expect(blocks[1]).toEqual({ type: 'text', text: 'mail me at [REDACTED:email]' });
    expect(result.counts).toEqual({ openai_key: 1, email: 1 });
  });

  it('masks system blocks, keeping their cache_control', () => {
    const result = scan({ system: [{ type: 'text', text: `key ${KEY}`, cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'hi' }] });
    expect(result.system).toEqual([{ type: 'text', text: 'key [REDACTED:openai_key]', cache_control: { type: 'ephemeral' } }]);
  });

  it('masks tool_result content (a string or blocks) and the strings inside tool_use inputs', () => {
    const body = deepFreeze({
      messages: [
        { role: 'assistant', content: [{ type: 'text', text: 'running' }, { type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: `export K=${KEY}`, timeout: 30, env: ['A', `B=${KEY}`] } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: `K=${KEY}` },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: `again ${KEY}` }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: KEY } }], is_error: false },
          ],
        },
      ],
    });
    const result = scan(body);
    const [assistant, user] = result.messages as Array<{ content: Array<Record<string, unknown>> }>;
    expect(assistant!.content[0]).toBe(body.messages[0]!.content[0]);
    expect(assistant!.content[1]).toEqual({ type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'export K=[REDACTED:openai_key]', timeout: 30, env: ['A', 'B=[REDACTED:openai_key]'] } });
    expect(user!.content[0]).toEqual({ type: 'tool_result', tool_use_id: 'toolu_1', content: 'K=[REDACTED:openai_key]' });
    expect(user!.content[1]).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_2',
      content: [{ type: 'text', text: 'again [REDACTED:openai_key]' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: KEY } }],
      is_error: false,
    });
    expect(result.counts).toEqual({ openai_key: 4 });
  });

  it('never touches thinking blocks, which are signed', () => {
    const thinking = { type: 'thinking', thinking: `the key is ${KEY}`, signature: 'sig' };
    const redacted = { type: 'redacted_thinking', data: KEY };
    const result = scan({ messages: [{ role: 'assistant', content: [thinking, redacted] }] });
    expect(result.changed).toBe(false);
  });

  it('masks plain-text and content documents and search results', () => {
    const result = scan({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: `notes: ${KEY}` } },
            { type: 'document', source: { type: 'content', content: [{ type: 'text', text: `more ${KEY}` }] } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: KEY } },
            { type: 'search_result', source: 'https://x', title: 't', content: [{ type: 'text', text: `found ${KEY}` }] },
          ],
        },
      ],
    });
    const blocks = (result.messages[0] as { content: Array<Record<string, unknown>> }).content;
    expect(blocks[0]).toMatchObject({ source: { data: 'notes: [REDACTED:openai_key]' } });
    expect(blocks[1]).toMatchObject({ source: { content: [{ text: 'more [REDACTED:openai_key]' }] } });
    expect(blocks[2]).toMatchObject({ source: { data: KEY } });
    expect(blocks[3]).toMatchObject({ content: [{ text: 'found [REDACTED:openai_key]' }] });
  });

  it('reports kinds in block mode', () => {
    const pem = POSITIVES.private_key[0] as string;
    expect(scan({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: pem }] }] }).blocked).toEqual(['private_key']);
  });
});

describe('scanMessageAnswer', () => {
  it('masks text blocks and tool_use inputs of an answer, and returns the same answer when clean', () => {
    const clean = deepFreeze({ type: 'message', content: [{ type: 'text', text: 'fine' }] });
    expect(scanMessageAnswer(clean, dlp.scanText)).toEqual({ answer: clean, changed: false, counts: {} });
    const dirty = scanMessageAnswer({ type: 'message', content: [{ type: 'text', text: `use ${KEY}` }, { type: 'tool_use', id: 't', name: 'f', input: { k: KEY } }], usage: { input_tokens: 1 } }, dlp.scanText);
    expect(dirty.changed).toBe(true);
    expect(dirty.answer).toEqual({ type: 'message', content: [{ type: 'text', text: 'use [REDACTED:openai_key]' }, { type: 'tool_use', id: 't', name: 'f', input: { k: '[REDACTED:openai_key]' } }], usage: { input_tokens: 1 } });
    expect(dirty.counts).toEqual({ openai_key: 2 });
  });
});
