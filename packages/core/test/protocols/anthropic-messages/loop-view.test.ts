// The loop detector's view of a Messages request, and that it fingerprints as the same conversation on chat completions does
// (that both are then blocked at the same repetition is tested through the pipeline, in pipeline.test.ts).
import { fingerprintView } from '../../../src/loop/fingerprint.js';
import { messagesLoopView } from '../../../src/protocols/anthropic-messages/loop-view.js';
import { chatLoopView } from '../../../src/protocols/openai-chat/loop-view.js';

const MODEL = 'claude-sonnet-4-5';

describe('messagesLoopView', () => {
  it('puts system first, folds tool_use into calls and splits tool_result blocks into tool messages by id, with what follows each', () => {
    const view = messagesLoopView({
      model: MODEL,
      system: [{ type: 'text', text: 'You are Claude Code.' }],
      messages: [
        { role: 'user', content: 'list files' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I should run ls', signature: 's' },
            { type: 'text', text: 'Running ls.' },
            { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { description: 'list', command: 'ls' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'a.txt' }] },
            { type: 'text', text: '<system-reminder>be careful</system-reminder>' },
          ],
        },
      ],
    });
    expect(view).toEqual({
      model: MODEL,
      messages: [
        { role: 'system', content: [{ text: 'You are Claude Code.' }] },
        { role: 'user', content: [{ text: 'list files' }] },
        { role: 'assistant', content: [{ text: 'Running ls.' }], calls: [{ id: 'toolu_1', name: 'Bash', arguments: '{"command":"ls","description":"list"}' }] },
        { role: 'tool', callId: 'toolu_1', content: [{ text: 'a.txt' }, { text: '<system-reminder>be careful</system-reminder>' }] },
      ],
    });
  });

  it('keeps a turn of two results as two tool messages, and a turn without results as a user message', () => {
    const view = messagesLoopView({
      model: MODEL,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'Read', input: {} }, { type: 'tool_use', id: 'b', name: 'Read', input: { x: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: 'one' }, { type: 'tool_result', tool_use_id: 'b', content: 'two' }, { type: 'text', text: 'note' }] },
        { role: 'user', content: [{ type: 'text', text: 'next task' }] },
      ],
    });
    expect(view.messages.slice(1)).toEqual([
      { role: 'tool', callId: 'a', content: [{ text: 'one' }] },
      { role: 'tool', callId: 'b', content: [{ text: 'two' }, { text: 'note' }] },
      { role: 'user', content: [{ text: 'next task' }] },
    ]);
  });

  it('keeps a role: system message where it stands, as a system message (Claude Code 2.1 sends its environment so)', () => {
    const view = messagesLoopView({
      model: MODEL,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Plan the migration' }] },
        { role: 'system', content: [{ type: 'text', text: '# Environment' }] },
        { role: 'system', content: undefined },
      ],
    });
    expect(view.messages).toEqual([
      { role: 'user', content: [{ text: 'Plan the migration' }] },
      { role: 'system', content: [{ text: '# Environment' }] },
      { role: 'system', content: [] },
    ]);
    // As on chat completions, a system text is not the task: it stays out of the prompt's sketch.
    const withoutIt = messagesLoopView({ model: MODEL, messages: [{ role: 'user', content: 'Plan the migration' }] });
    expect(fingerprintView(view).simhash).toBe(fingerprintView(withoutIt).simhash);
    expect(fingerprintView(view).exact).not.toBe(fingerprintView(withoutIt).exact);
  });

  it('stands images in by their source, so a new screenshot is a new step', () => {
    const shot = (data: string) => messagesLoopView({ model: MODEL, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data } }] }] });
    const a = shot('A'.repeat(5000));
    const b = shot('A'.repeat(4999) + 'B');
    expect(a.messages[0]!.content[0]).toEqual({ media: expect.stringMatching(/^image\|/) });
    expect(fingerprintView(a).exact).not.toBe(fingerprintView(b).exact);
  });

  it('fingerprints a tool exchange exactly as the same exchange on chat completions', () => {
    const anthropic = messagesLoopView({
      model: MODEL,
      system: 'sys',
      messages: [
        { role: 'user', content: 'check the build' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'Bash', input: { command: 'make', timeout: 60 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'error: missing ;' }] },
      ],
    });
    const chat = chatLoopView({
      model: MODEL,
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'check the build' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Bash', arguments: '{"timeout":60,"command":"make"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'error: missing ;' },
      ],
    });
    const fa = fingerprintView(anthropic);
    const fc = fingerprintView(chat);
    expect(fa.kind).toBe('action');
    expect(fa).toEqual(fc);
  });
});
