// Fingerprints: what counts as the step's tail, stability, normalization, tool exchanges and the word sketch.
import {
  canonicalArguments,
  DEFAULT_LOOP_PARAMS,
  fingerprintRequest,
  hammingHex64,
  normalizeText,
  wordSketch,
} from '../../src/loop/index.js';
import { asst, calls, req, reqFor, result, sys, user } from './helpers.js';

const NEAR = DEFAULT_LOOP_PARAMS.nearMaxDistance;
const sketchOf = (text: string): string => wordSketch([normalizeText(text)]);
const distance = (a: string, b: string): number => hammingHex64(sketchOf(a), sketchOf(b));

describe('normalizeText', () => {
  it.each([
    ['Analyze this data: [1,2,3,4,5]', 'analyze this data: [1,2,3,4,5]'],
    ['  Analyze   THIS\n\n\tdata?! ', 'analyze this data'],
    ['Hello, world...', 'hello, world'],
    ['What now？', 'what now'],
    ['a\u00a0b', 'a b'],
    ['?!.', ''],
    ['', ''],
    ['keep (parens)', 'keep (parens)'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('canonicalArguments', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalArguments('{ "b": 2, "a": [1, {"d": 0, "c": "x"}] }')).toBe('{"a":[1,{"c":"x","d":0}],"b":2}');
    expect(canonicalArguments({ z: null, y: true })).toBe('{"y":true,"z":null}');
  });

  it('keeps arguments that are not JSON as they came', () => {
    expect(canonicalArguments('{"a": 1')).toBe('{"a": 1');
    expect(canonicalArguments(undefined)).toBe('');
  });
});

describe('fingerprintRequest', () => {
  const task = req(sys('You are a data analyst.'), user('Analyze this data: [1,2,3,4,5]'));

  it('is stable: the same body always gives the same fingerprint', () => {
    const a = fingerprintRequest(task);
    const b = fingerprintRequest(JSON.parse(JSON.stringify(task)));
    expect(b).toEqual(a);
    expect(a.exact).toMatch(/^[0-9a-f]{32}$/);
    expect(a.normalized).toMatch(/^[0-9a-f]{32}$/);
    expect(a.tool).toBe('');
    expect(a.toolRepeatsInRequest).toBe(0);
  });

  it('puts the model in every hash', () => {
    const other = fingerprintRequest(reqFor('gpt-4o', ...task.messages));
    const mine = fingerprintRequest(task);
    expect(other.exact).not.toBe(mine.exact);
    expect(other.normalized).not.toBe(mine.normalized);
    const exchange = [user('weather?'), calls({ name: 'weather', args: '{"city":"Paris"}' }), result('18C')];
    expect(fingerprintRequest(reqFor('gpt-4o', ...exchange)).tool).not.toBe(fingerprintRequest(req(...exchange)).tool);
  });

  it('normalizes case, whitespace and trailing punctuation only in the normalized hash', () => {
    const a = fingerprintRequest(req(user('Analyze this data: [1,2,3,4,5]')));
    const b = fingerprintRequest(req(user('  analyze THIS   data:\n[1,2,3,4,5]?  ')));
    expect(b.exact).not.toBe(a.exact);
    expect(b.normalized).toBe(a.normalized);
    const c = fingerprintRequest(req(user('Analyze this data: [1,2,3,4,6]')));
    expect(c.normalized).not.toBe(a.normalized);
  });

  it('with no assistant message hashes every message, system prompt included', () => {
    const other = fingerprintRequest(req(sys('You are a poet.'), user('Analyze this data: [1,2,3,4,5]')));
    expect(other.exact).not.toBe(fingerprintRequest(task).exact);
  });

  it('does not let a shared system prompt make different tasks look alike', () => {
    const system = sys(
      'You are a meticulous senior analyst at a large logistics company. Always answer in English, cite the data you used, ' +
        'keep a neutral tone, prefer tables over prose, and never invent numbers that are not in the input you were given.',
    );
    const a = fingerprintRequest(req(system, user('Summarize last week’s delivery delays for the northern warehouses.')));
    const b = fingerprintRequest(req(system, user('Draft an email inviting the drivers to the safety training on Friday.')));
    expect(a.exact).not.toBe(b.exact);
    expect(a.normalized).not.toBe(b.normalized);
    expect(hammingHex64(a.simhash, b.simhash)).toBeGreaterThan(NEAR);
  });

  it('covers only the tail: the last assistant message and what follows', () => {
    const step1 = fingerprintRequest(req(user('Analyze this data: [1,2,3,4,5]')));
    const step2 = fingerprintRequest(
      req(user('Analyze this data: [1,2,3,4,5]'), asst('The mean is 3 and the values rise by one.'), user('Now generate a solution')),
    );
    expect(step2.exact).not.toBe(step1.exact);
    // Whatever came before the last assistant message does not matter…
    const sameTail = fingerprintRequest(
      req(user('Something else entirely, earlier on'), asst('The mean is 3 and the values rise by one.'), user('Now generate a solution')),
    );
    expect(sameTail.exact).toBe(step2.exact);
    // …but the assistant's reply does: "continue" after a different reply is a different step.
    const continued = (reply: string) => fingerprintRequest(req(user('Write a story'), asst(reply), user('continue')));
    expect(continued('Once upon a time there was a fox.').exact).not.toBe(continued('The fox ran into the woods.').exact);
  });

  it('includes tool calls in the tail hashes but not their ids', () => {
    const withIds = (id: string) =>
      fingerprintRequest(req(user('go'), calls({ name: 'search', args: '{"q":"x"}', id }), result('found', id), user('thanks, and now?')));
    expect(withIds('call_a').exact).toBe(withIds('call_b').exact);
    expect(withIds('call_a').tool).toBe(''); // a user message follows the results: not a tool exchange
  });

  describe('tool exchanges', () => {
    const exchange = (args: string, out: string, id = 'call_0') => [calls({ name: 'get_weather', args, id }), result(out, id)];

    it('hashes calls and results when the tail is an assistant call followed by results', () => {
      const fp = fingerprintRequest(req(user('Weather in Paris?'), ...exchange('{"city":"Paris"}', '18C, cloudy')));
      expect(fp.tool).toMatch(/^[0-9a-f]{32}$/);
      expect(fp.simhash).toBe('');
      expect(fp.toolRepeatsInRequest).toBe(1);
    });

    it('ignores key order in the arguments and the call ids', () => {
      const a = fingerprintRequest(req(user('q'), ...exchange('{"city":"Paris","unit":"C"}', '18C', 'call_1')));
      const b = fingerprintRequest(req(user('q'), ...exchange('{ "unit": "C", "city": "Paris" }', '18C', 'call_2')));
      expect(b.tool).toBe(a.tool);
      expect(b.exact).toBe(a.exact);
    });

    it('distinguishes other arguments and other results', () => {
      const base = fingerprintRequest(req(user('q'), ...exchange('{"city":"Paris"}', '18C')));
      expect(fingerprintRequest(req(user('q'), ...exchange('{"city":"Rome"}', '18C'))).tool).not.toBe(base.tool);
      expect(fingerprintRequest(req(user('q'), ...exchange('{"city":"Paris"}', '19C'))).tool).not.toBe(base.tool);
    });

    it('ignores what the assistant says alongside the calls', () => {
      const said = (text: string) =>
        fingerprintRequest(
          req(user('q'), { role: 'assistant', content: text, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, result('r', 'c')),
        ).tool;
      expect(said('Let me check.')).toBe(said('Checking again, one moment.'));
    });

    it('counts how many times the final exchange repeats at the end of the history', () => {
      const same = exchange('{"city":"Paris"}', '18C');
      expect(fingerprintRequest(req(user('q'), ...same, ...same)).toolRepeatsInRequest).toBe(2);
      expect(fingerprintRequest(req(user('q'), ...same, ...same, ...same)).toolRepeatsInRequest).toBe(3);
      expect(fingerprintRequest(req(user('q'), ...same, ...exchange('{"city":"Paris"}', '17C'), ...same)).toolRepeatsInRequest).toBe(1);
      expect(fingerprintRequest(req(user('q'), ...same, user('again'), ...same)).toolRepeatsInRequest).toBe(1);
      expect(fingerprintRequest(req(...same, ...same)).toolRepeatsInRequest).toBe(2);
    });

    it('handles parallel calls and the legacy function_call shape', () => {
      const parallel = [
        calls({ name: 'a', args: '{}', id: 'x' }, { name: 'b', args: '{"n":1}', id: 'y' }),
        result('ra', 'x'),
        result('rb', 'y'),
      ];
      const fp = fingerprintRequest(req(user('q'), ...parallel, ...parallel));
      expect(fp.tool).not.toBe('');
      expect(fp.toolRepeatsInRequest).toBe(2);
      const legacy = fingerprintRequest(
        req(user('q'), { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{"b":1,"a":2}' } }, { role: 'function', name: 'f', content: 'r' }),
      );
      expect(legacy.tool).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  describe('content parts', () => {
    const withImage = (url: string) =>
      fingerprintRequest(req(user('Describe the screen.'), { role: 'user', content: [{ type: 'text', text: 'What should I click?' }, { type: 'image_url', image_url: { url } }] }));
    const dataUrl = (seed: number) => {
      let s = 'data:image/png;base64,';
      let x = seed;
      for (let i = 0; i < 200_000; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[x >>> 26];
      }
      return s;
    };

    it('treats the same image as the same request and a different image as a different one', () => {
      const one = dataUrl(1);
      expect(withImage(one).exact).toBe(withImage(one.slice(0)).exact);
      expect(withImage(dataUrl(2)).exact).not.toBe(withImage(one).exact);
      expect(withImage('https://example.com/a.png').exact).not.toBe(withImage('https://example.com/b.png').exact);
    });

    it('keeps the same instruction over different images far apart in the sketch', () => {
      const text = 'Look at this photo of the warehouse shelf and count the boxes that are damaged or open on the top row';
      const sketch = (url: string) => fingerprintRequest(req({ role: 'user', content: [{ type: 'text', text }, { type: 'image_url', image_url: { url } }] })).simhash;
      expect(hammingHex64(sketch(dataUrl(3)), sketch(dataUrl(4)))).toBeGreaterThan(2 * NEAR);
      expect(sketch(dataUrl(3))).toBe(sketch(dataUrl(3)));
    });

    it('reads text parts like string content', () => {
      const parts = fingerprintRequest(req({ role: 'user', content: [{ type: 'text', text: 'Analyze this data: [1,2,3,4,5]' }] }));
      const plain = fingerprintRequest(req(user('Analyze this data: [1,2,3,4,5]')));
      expect(parts.simhash).toBe(plain.simhash);
    });
  });
});

describe('wordSketch', () => {
  it('gives no sketch for texts with fewer than 4 distinct words, and 16 hex chars otherwise', () => {
    expect(sketchOf('hi there')).toBe('');
    expect(sketchOf('go go go go go go')).toBe('');
    expect(sketchOf('please list the files')).toMatch(/^[0-9a-f]{16}$/);
    expect(wordSketch([])).toBe('');
  });

  const prompt =
    'Please check whether the nightly build of the payments service has finished and report its final status with the failing tests';
  it.each([
    ['one changed word', prompt.replace('nightly', 'weekly')],
    ['two changed words', prompt.replace('nightly', 'weekly').replace('final', 'current')],
    ['a reordering plus a changed word', prompt.replace('Please check whether', 'Check, please, whether').replace('failing', 'broken')],
    ['an added word', prompt.replace('build', 'release build')],
    ['a changed counter', `${prompt} (attempt 2)`],
  ])('puts a 15+ word prompt near its paraphrase with %s', (_what, paraphrase) => {
    expect(distance(prompt, paraphrase)).toBeLessThanOrEqual(NEAR);
  });

  it('puts a paraphrase with two changed words near in a 15-word prompt too', () => {
    const p = 'Summarize the attached quarterly report for the board and highlight the three biggest risks ahead';
    expect(p.split(' ')).toHaveLength(15);
    expect(distance(p, p.replace('board', 'investors').replace('biggest', 'largest'))).toBeLessThanOrEqual(NEAR);
  });

  it.each([
    ['an unrelated prompt', 'Write a limerick about a cat who learns to play the trumpet in a small jazz band in New Orleans'],
    ['a prompt sharing only filler words', 'Please tell me whether the new office of the legal team has opened and list its final address with the phone'],
    ['a rewritten request', 'Has the payments pipeline gone green overnight? If not, give me the names of the tests that broke it.'],
  ])('keeps %s far', (_what, other) => {
    expect(distance(prompt, other)).toBeGreaterThan(2 * NEAR);
  });

  it('treats short texts as near only when they use the same words', () => {
    expect(distance('What is the capital of France?', 'What is the capital of Germany?')).toBeGreaterThan(2 * NEAR);
    expect(distance('What is the capital of France?', 'France: what is the capital of?')).toBe(0);
  });

  it('samples long texts so the distance follows the share of changed words', () => {
    const words: string[] = [];
    for (let i = 0; i < 400; i++) words.push(`w${(i * 7919) % 1000}`);
    const base = words.join(' ');
    const few = words.map((w, i) => (i % 100 === 0 ? `changed${i}` : w)).join(' '); // 1% changed
    const many = words.map((w, i) => (i % 3 === 0 ? `changed${i}` : w)).join(' '); // a third changed
    expect(distance(base, few)).toBeLessThanOrEqual(NEAR);
    expect(distance(base, many)).toBeGreaterThan(2 * NEAR);
  });

  it('stops reading after 4000 words', () => {
    const head = Array.from({ length: 4000 }, (_, i) => `word${i}`).join(' ');
    expect(sketchOf(`${head} tail one`)).toBe(sketchOf(`${head} something else entirely`));
  });

  // Sketches live in the store's loop windows, which instances of different versions share during a
  // rolling deploy: a change that moves them makes old and new steps look unrelated. Pinned values.
  it.each([
    [['please analyze the quarterly sales data for the northern region and list the main trends'], '4020065810c020a0'],
    [['hi there friend of mine'], '12926d4892688f7a'],
    [['東京の天気を教えてください、明日は雨ですか'], '0250140308818002'],
    [['naïve café — résumé, déjà vu… ¿qué? «quoi» ok_then x1 y2'], '376158808cc95587'],
    [['first text with several words here', 'second text: also words!'], 'c31878558842cc00'],
    [[Array.from({ length: 5000 }, (_, i) => `w${i % 700}`).join(' ')], '133141b1f8455dc4'],
  ])('keeps its values: %#', (texts, sketch) => expect(wordSketch(texts)).toBe(sketch));
});
