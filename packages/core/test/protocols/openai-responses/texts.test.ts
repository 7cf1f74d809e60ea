// The Responses protocol's DLP walk of requests and answers: what is scanned, what is left alone, structural sharing.
import { createDlpScanner } from '../../../src/dlp/index.js';
import { scanResponsesAnswer, scanResponsesRequest } from '../../../src/protocols/openai-responses/texts.js';
import { POSITIVES } from '../../dlp/fixtures.js';

const KEY = POSITIVES.openai_key[0] as string;
const dlp = createDlpScanner({ kinds: { email: 'mask', private_key: 'block' } });
const R = '[REDACTED:openai_key]';

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
};

describe('scanResponsesRequest', () => {
  it('returns the very body when nothing matched', () => {
    const body = deepFreeze({ model: 'm', instructions: 'Be brief.', input: [{ role: 'user', content: 'hi' }, { type: 'function_call_output', call_id: 'c', output: 'ok' }] });
    const r = scanResponsesRequest(body, dlp.scanText);
    expect(r).toEqual({ body, changed: false, counts: {}, blocked: [] });
    expect(r.body).toBe(body);
  });

  it('masks instructions and an input string', () => {
    const r = scanResponsesRequest(deepFreeze({ model: 'm', instructions: `key ${KEY}`, input: `also ${KEY}` }), dlp.scanText);
    expect(r.body).toMatchObject({ instructions: `key ${R}`, input: `also ${R}` });
    expect(r.counts).toEqual({ openai_key: 2 });
  });

  it('masks message text (string and text parts), call arguments, custom tool input and tool outputs; shares the rest', () => {
    const image = { type: 'input_image', image_url: `https://x/${KEY}.png` };
    const untouched = { role: 'user', content: 'nothing here' };
    const body = deepFreeze({
      model: 'm',
      input: [
        untouched,
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: `mine: ${KEY}` }, image] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `echo ${KEY}` }] },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: JSON.stringify({ token: KEY, n: 1 }) },
        { type: 'function_call_output', call_id: 'c1', output: `result ${KEY}` },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: KEY }] },
        { type: 'custom_tool_call', call_id: 'c3', name: 'sh', input: `export K=${KEY}` },
        { type: 'custom_tool_call_output', call_id: 'c3', output: KEY },
        { type: 'item_reference', id: KEY },
      ],
    });
    const r = scanResponsesRequest(body, dlp.scanText);
    const input = r.body.input as Array<Record<string, unknown>>;
    expect(input[0]).toBe(untouched);
    expect(input[1]).toEqual({ type: 'message', role: 'user', content: [{ type: 'input_text', text: `mine: ${R}` }, image] });
    expect((input[1]!['content'] as unknown[])[1]).toBe(image);
    expect(input[2]).toMatchObject({ content: [{ type: 'output_text', text: `echo ${R}` }] });
    expect(JSON.parse(input[3]!['arguments'] as string)).toEqual({ token: R, n: 1 });
    expect(input[4]).toMatchObject({ output: `result ${R}` });
    expect(input[5]).toMatchObject({ output: [{ type: 'input_text', text: R }] });
    expect(input[6]).toMatchObject({ input: `export K=${R}` });
    expect(input[7]).toMatchObject({ output: R });
    expect(input[8]).toBe(body.input[8]);
    expect(r.counts).toEqual({ openai_key: 7 });
  });

  it("masks what a built-in tool's call asks and every call output; leaves screenshots alone", () => {
    const screenshot = { type: 'computer_call_output', call_id: 'c3', output: { type: 'computer_screenshot', image_url: `https://x/${KEY}.png` } };
    const body = deepFreeze({
      model: 'm',
      input: [
        { type: 'local_shell_call', call_id: 'c1', action: { type: 'exec', command: ['curl', '-H', `Authorization: Bearer ${KEY}`] } },
        { type: 'local_shell_call_output', call_id: 'c1', output: `echoed ${KEY}` },
        screenshot,
      ],
    });
    const input = scanResponsesRequest(body, dlp.scanText).body.input as Array<Record<string, unknown>>;
    expect(input[0]).toMatchObject({ action: { type: 'exec', command: ['curl', '-H', `Authorization: Bearer ${R}`] } });
    expect(input[1]).toMatchObject({ output: `echoed ${R}` });
    expect(input[2]).toBe(screenshot);
  });

  it('reports kinds in block mode', () => {
    const pem = POSITIVES.private_key[0] as string;
    const r = scanResponsesRequest({ model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: pem }] }, dlp.scanText);
    expect(r.blocked).toEqual(['private_key']);
  });
});

describe('scanResponsesAnswer', () => {
  it('masks output text and call arguments, and leaves an answer without secrets as it is', () => {
    const clean = deepFreeze({ id: 'r', output: [{ type: 'message', content: [{ type: 'output_text', text: 'fine' }] }] });
    expect(scanResponsesAnswer(clean, dlp.scanText).body).toBe(clean);
    const answer = deepFreeze({
      id: 'r',
      output: [
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `here: ${KEY}` }] },
        { type: 'function_call', call_id: 'c', name: 'f', arguments: JSON.stringify({ k: KEY }) },
      ],
    });
    const r = scanResponsesAnswer(answer, dlp.scanText);
    expect(r.changed).toBe(true);
    expect(r.body).toMatchObject({ id: 'r', output: [{ content: [{ text: `here: ${R}` }] }, { arguments: JSON.stringify({ k: R }) }] });
    expect(r.counts).toEqual({ openai_key: 2 });
  });
});
