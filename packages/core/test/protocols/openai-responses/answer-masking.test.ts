// dlp.responses on the Responses API: JSON answers and streams masked as they pass, every copy of a text alike.
import { inMemory, type UpstreamCall } from '../../support/in-memory.js';
import { POSITIVES } from '../../dlp/fixtures.js';
import { event, functionCall, message, response, type Json } from './fixtures.js';

const KEY = 'aw-responses-dlp-0001';
const auth = { authorization: `Bearer ${KEY}` };
const SECRET = POSITIVES.openai_key[0] as string;
const R = '[REDACTED:openai_key]';

/** A stream whose text splits the secret across deltas, as a model writes it. */
function secretStream(res: Json & { id: string }, pieces: string[]): string {
  const item = (res['output'] as Json[])[0]!;
  const text = pieces.join('');
  const at = { item_id: item['id'], output_index: 0, content_index: 0 };
  const events: Array<[string, Json]> = [
    ['response.created', { response: { ...res, status: 'in_progress', output: [] } }],
    ['response.output_item.added', { output_index: 0, item: { ...item, content: [] } }],
    ['response.content_part.added', { ...at, part: { type: 'output_text', text: '' } }],
    ...pieces.map((delta): [string, Json] => ['response.output_text.delta', { ...at, delta }]),
    ['response.output_text.done', { ...at, text }],
    ['response.content_part.done', { ...at, part: { type: 'output_text', text } }],
    ['response.output_item.done', { output_index: 0, item }],
    ['response.completed', { response: res }],
  ];
  return events.map(([type, payload], i) => event(type, payload, i)).join('');
}

describe('dlp.responses on the Responses API', () => {
  const pieces = ['Your key is ', SECRET.slice(0, 7), SECRET.slice(7, 20), SECRET.slice(20), ' so keep it safe.'];
  const answer = response([message(pieces.join(''))]);
  const h = inMemory({ keys: [{ key: KEY, name: 'dlp' }], dlp: { responses: true } });
  h.upstream('/v1/responses', (call: UpstreamCall) =>
    (call.body as { stream?: boolean }).stream ? { text: secretStream(answer, pieces) } : { json: response([message(`here: ${SECRET}`), functionCall('f', JSON.stringify({ k: SECRET }))]) },
  );
  afterAll(() => h.close());

  it('masks a JSON answer: output text and call arguments, counted in dlp_response', async () => {
    const res = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'hi' }, auth);
    expect(res!.text).not.toContain(SECRET);
    expect(res!.json['output']).toMatchObject([{ content: [{ text: `here: ${R}` }] }, { arguments: JSON.stringify({ k: R }) }]);
    expect(res!.json['agentwall']).toMatchObject({ dlp_response: { openai_key: 2 } });
  });

  it('masks a stream: the deltas add up to the masked text, every whole copy is masked, no event is added or lost', async () => {
    const res = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'hi', stream: true }, auth);
    expect(res!.text).not.toContain(SECRET);
    const masked = pieces.join('').replace(SECRET, R);
    const blocks = res!.text.split('\n\n').filter(Boolean);
    const comment = blocks.find((b) => b.startsWith(': agentwall '))!;
    expect(blocks.at(-1)).toMatch(/^event: response\.completed\n/);
    expect(blocks.at(-2)).toBe(comment);
    const payloads = blocks.filter((b) => !b.startsWith(':')).map((b) => JSON.parse(b.slice(b.indexOf('data: ') + 6)) as Json);
    expect(payloads.map((p) => p['sequence_number'])).toEqual(payloads.map((_, i) => i));
    const deltas = payloads.filter((p) => p['type'] === 'response.output_text.delta').map((p) => p['delta']);
    expect(deltas).toHaveLength(pieces.length);
    expect(deltas.join('')).toBe(masked);
    expect(payloads.find((p) => p['type'] === 'response.output_text.done')!['text']).toBe(masked);
    expect(payloads.find((p) => p['type'] === 'response.content_part.done')!['part']).toEqual({ type: 'output_text', text: masked });
    expect(payloads.find((p) => p['type'] === 'response.output_item.done')!['item']['content'][0]['text']).toBe(masked);
    expect(payloads.at(-1)!['response']['output'][0]['content'][0]['text']).toBe(masked);
    expect(JSON.parse(comment.slice(': agentwall '.length))).toMatchObject({ dlp_response: { openai_key: 1 } });
  });

  it('relays a stream without secrets with every event unchanged while masking is on', async () => {
    const clean = response([message('nothing to hide here')]);
    const text = secretStream(clean, ['nothing ', 'to hide ', 'here']);
    const own = inMemory({ keys: [{ key: KEY, name: 'dlp' }], dlp: { responses: true } });
    own.upstream('/v1/responses', { text });
    const payloads = (t: string) => t.split('\n\n').filter((e) => e.startsWith('event:')).map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)) as unknown);
    try {
      const res = await own.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'hi', stream: true }, auth);
      const comment = /: agentwall [^\n]*\n\n/.exec(res!.text)![0];
      // The masker may hold a delta's last word back (it could start a prefix-less key, such as Azure's) and
      // release it a moment later, so an event can be re-encoded; what every event says is unchanged.
      expect(payloads(res!.text.replace(comment, ''))).toEqual(payloads(text));
    } finally {
      await own.close();
    }
  });
});
