// The protocol-independent turn decision: when the mock calls a tool, which one, and which words it answers with.
import { decideTurn, type TurnInput } from '../src/tools/turn.js';

const tools = [
  { name: 'search', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } },
  { name: 'get_time', parameters: { type: 'object' } },
];
const base: TurnInput = { tools, toolChoice: { mode: 'auto' }, userText: 'hello', toolResult: undefined };

describe('decideTurn', () => {
  it('calls the first tool by default, or the one named in the user text', () => {
    expect(decideTurn(base, undefined)).toEqual({ kind: 'tool', name: 'search', arguments: '{"q":"mock"}' });
    expect(decideTurn({ ...base, userText: 'what does GET_TIME say' }, undefined)).toEqual({ kind: 'tool', name: 'get_time', arguments: '{}' });
  });

  it('answers in words after a tool result, without tools, with tool choice none or [no tool]', () => {
    expect(decideTurn({ ...base, toolResult: '42' }, undefined)).toEqual({ kind: 'text', text: 'Mock answer from the tool result: 42' });
    expect(decideTurn({ ...base, tools: [] }, undefined)).toEqual({ kind: 'text', text: 'Mock answer to: hello' });
    expect(decideTurn({ ...base, toolChoice: { mode: 'none' } }, undefined)).toEqual({ kind: 'text', text: 'Mock answer to: hello' });
    expect(decideTurn({ ...base, userText: 'hi [no tool]' }, undefined)).toMatchObject({ kind: 'text' });
  });

  it('keeps calling after a result under [loop tool], required or a named choice', () => {
    const after = { ...base, toolResult: 'nothing' };
    expect(decideTurn({ ...after, userText: 'find it [loop tool]' }, undefined)).toMatchObject({ kind: 'tool', name: 'search' });
    expect(decideTurn({ ...after, toolChoice: { mode: 'required' } }, undefined)).toMatchObject({ kind: 'tool', name: 'search' });
    expect(decideTurn({ ...after, toolChoice: { mode: 'named', name: 'get_time' } }, undefined)).toMatchObject({ kind: 'tool', name: 'get_time' });
    // A forced choice outranks [no tool], as a real model is bound by it.
    expect(decideTurn({ ...base, userText: '[no tool]', toolChoice: { mode: 'required' } }, undefined)).toMatchObject({ kind: 'tool' });
  });

  it('puts a requested output schema before the fixed answer, and the fixed answer before derived words', () => {
    const words = { ...base, tools: [] };
    expect(decideTurn({ ...words, outputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } }, 'fixed')).toEqual({ kind: 'text', text: '{"n":1}' });
    expect(decideTurn({ ...words, toolResult: 'r' }, 'fixed')).toEqual({ kind: 'text', text: 'fixed' });
    expect(decideTurn({ ...words, userText: 'a poem please' }, undefined)).toMatchObject({ kind: 'text', text: expect.stringContaining('Silent circuits') });
  });
});
