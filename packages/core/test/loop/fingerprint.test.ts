// Fingerprints of chat bodies: the step's kind, what counts as its action and observation, normalization, repeats and the word sketch.
import { canonicalArguments, DEFAULT_LOOP_PARAMS, hammingHex64, normalizeText, wordSketch } from '../../src/loop/index.js';
import { agent, asst, calls, fingerprintChat, obs, req, reqFor, result, sys, user } from './helpers.js';

const NEAR = DEFAULT_LOOP_PARAMS.nearMaxDistance;
/** What the previous version (fingerprintRequest) gave `Analyze this data: [1,2,3,4,5]` on gpt-4o-mini. */
const PINNED = { exact: '25568b643f01b06cdb9191e91ca6008a', normalized: '05adfc94d6dbbcc9059e568d2994408c', simhash: 'a796712edba462eb' };
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

describe('fingerprintView', () => {
  const task = req(sys('You are a data analyst.'), user('Analyze this data: [1,2,3,4,5]'));

  it('is stable: the same body always gives the same fingerprint', () => {
    const a = fingerprintChat(task);
    const b = fingerprintChat(JSON.parse(JSON.stringify(task)));
    expect(b).toEqual(a);
    expect(a).toMatchObject({ kind: 'prompt', observed: '', repeatsInRequest: 0 });
    expect(a.exact).toMatch(/^[0-9a-f]{32}$/);
    expect(a.normalized).toMatch(/^[0-9a-f]{32}$/);
    expect(a.exchange).toBe(a.normalized);
    expect(a.simhash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('puts the model in every hash', () => {
    const other = fingerprintChat(reqFor('gpt-4o', ...task.messages));
    const mine = fingerprintChat(task);
    expect(other.exact).not.toBe(mine.exact);
    expect(other.normalized).not.toBe(mine.normalized);
    const exchange = [user('weather?'), calls({ name: 'weather', args: '{"city":"Paris"}' }), result('18C')];
    expect(fingerprintChat(reqFor('gpt-4o', ...exchange)).exchange).not.toBe(fingerprintChat(req(...exchange)).exchange);
    const command = [user('go'), agent('Look.', 'ls'), obs('a b')];
    expect(fingerprintChat(reqFor('gpt-4o', ...command)).exchange).not.toBe(fingerprintChat(req(...command)).exchange);
  });

  it('normalizes case, whitespace and trailing punctuation only in the normalized hash', () => {
    const a = fingerprintChat(req(user('Analyze this data: [1,2,3,4,5]')));
    const b = fingerprintChat(req(user('  analyze THIS   data:\n[1,2,3,4,5]?  ')));
    expect(b.exact).not.toBe(a.exact);
    expect(b.normalized).toBe(a.normalized);
    const c = fingerprintChat(req(user('Analyze this data: [1,2,3,4,6]')));
    expect(c.normalized).not.toBe(a.normalized);
  });

  it('with no assistant message hashes every message, system prompt included', () => {
    const other = fingerprintChat(req(sys('You are a poet.'), user('Analyze this data: [1,2,3,4,5]')));
    expect(other.exact).not.toBe(fingerprintChat(task).exact);
  });

  it('reads developer messages as system prompts and keeps them out of the sketch', () => {
    const asDeveloper = fingerprintChat(req({ role: 'developer', content: 'You are a data analyst.' }, user('Analyze this data: [1,2,3,4,5]')));
    expect(asDeveloper).toEqual(fingerprintChat(task));
  });

  it('does not let a shared system prompt make different tasks look alike', () => {
    const system = sys(
      'You are a meticulous senior analyst at a large logistics company. Always answer in English, cite the data you used, ' +
        'keep a neutral tone, prefer tables over prose, and never invent numbers that are not in the input you were given.',
    );
    const a = fingerprintChat(req(system, user('Summarize last week’s delivery delays for the northern warehouses.')));
    const b = fingerprintChat(req(system, user('Draft an email inviting the drivers to the safety training on Friday.')));
    expect(a.exact).not.toBe(b.exact);
    expect(a.normalized).not.toBe(b.normalized);
    expect(hammingHex64(a.simhash, b.simhash)).toBeGreaterThan(NEAR);
  });

  describe('text steps (an assistant message that is all text, and what came back)', () => {
    it('cover only the newest exchange: the last assistant message and what follows', () => {
      const step1 = fingerprintChat(req(user('Analyze this data: [1,2,3,4,5]')));
      const step2 = fingerprintChat(
        req(user('Analyze this data: [1,2,3,4,5]'), asst('The mean is 3 and the values rise by one.'), user('Now generate a solution')),
      );
      expect(step2.kind).toBe('text');
      expect(step2.exact).not.toBe(step1.exact);
      // The agent's own words are compared as sent: one hash is exact, normalized and exchange.
      expect(step2.normalized).toBe(step2.exact);
      expect(step2.exchange).toBe(step2.exact);
      // Whatever came before the last assistant message does not matter…
      const sameTail = fingerprintChat(
        req(user('Something else entirely, earlier on'), asst('The mean is 3 and the values rise by one.'), user('Now generate a solution')),
      );
      expect(sameTail).toEqual(step2);
      // …but the assistant's reply does: "continue" after a different reply is a different step.
      const continued = (reply: string) => fingerprintChat(req(user('Write a story'), asst(reply), user('continue')));
      expect(continued('Once upon a time there was a fox.').exact).not.toBe(continued('The fox ran into the woods.').exact);
    });

    it("sketch the assistant's words in simhash, and hash the answer in observed", () => {
      const reply = 'I tried to run the migration but the users table is locked by another session, so I will retry now.';
      const answered = (answer: string) => fingerprintChat(req(user('Migrate the users table.'), asst(reply), user(answer)));
      const fp = answered('That failed again, please try again with the new schema file.');
      expect(fp.simhash).toBe(wordSketch([normalizeText(reply)]));
      expect(fp.observed).toMatch(/^h[0-9a-f]{16}$/);
      expect(hammingHex64(fp.observed, fp.observed)).toBe(64); // never read as a sketch
      // The same answer up to case, whitespace and trailing punctuation is the same; any other is not.
      expect(answered('  that failed AGAIN, please try again with the new schema file').observed).toBe(fp.observed);
      expect(answered('That failed again, please try again with the old schema file.').observed).not.toBe(fp.observed);
      expect(answered('yes').observed).not.toBe(answered('no').observed);
    });

    it('observe nothing when nothing came back, or when the assistant said too little for a near chain', () => {
      expect(fingerprintChat(req(user('Book it.'), asst('Booked flight HAT170 for both of you on May 20.'))).observed).toBe('');
      expect(fingerprintChat(req(user('Book it.'), asst('Done.'), user('thanks'))).observed).toBe('');
    });

    it('include tool calls only as actions, never their ids', () => {
      const withIds = (id: string) =>
        fingerprintChat(req(user('go'), calls({ name: 'search', args: '{"q":"x"}', id }), result('found', id), user('thanks, and now?')));
      expect(withIds('call_a')).toEqual(withIds('call_b'));
      expect(withIds('call_a').kind).toBe('action'); // the user message is part of what came back
    });
  });

  describe('tool steps', () => {
    const exchange = (args: string, out: string, id = 'call_0') => [calls({ name: 'get_weather', args, id }), result(out, id)];

    it('hash the calls and what came back, and nothing else', () => {
      const fp = fingerprintChat(req(user('Weather in Paris?'), ...exchange('{"city":"Paris"}', '18C, cloudy')));
      expect(fp).toMatchObject({ kind: 'action', exact: '', normalized: '', simhash: '', observed: '', repeatsInRequest: 1 });
      expect(fp.exchange).toMatch(/^[0-9a-f]{32}$/);
    });

    it('ignore key order in the arguments and the call ids', () => {
      const a = fingerprintChat(req(user('q'), ...exchange('{"city":"Paris","unit":"C"}', '18C', 'call_1')));
      const b = fingerprintChat(req(user('q'), ...exchange('{ "unit": "C", "city": "Paris" }', '18C', 'call_2')));
      expect(b).toEqual(a);
    });

    it('distinguish other arguments, other tools and other results', () => {
      const base = fingerprintChat(req(user('q'), ...exchange('{"city":"Paris"}', '18C'))).exchange;
      expect(fingerprintChat(req(user('q'), ...exchange('{"city":"Rome"}', '18C'))).exchange).not.toBe(base);
      expect(fingerprintChat(req(user('q'), ...exchange('{"city":"Paris"}', '19C'))).exchange).not.toBe(base);
      expect(fingerprintChat(req(user('q'), calls({ name: 'get_forecast', args: '{"city":"Paris"}' }), result('18C'))).exchange).not.toBe(base);
    });

    it('ignore what the assistant says alongside the calls', () => {
      const said = (text: string) =>
        fingerprintChat(
          req(user('q'), { role: 'assistant', content: text, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, result('r', 'c')),
        );
      expect(said('Let me check.')).toEqual(said('Checking again, one moment.'));
    });

    it('count how many times the final exchange repeats at the end of the history', () => {
      const same = exchange('{"city":"Paris"}', '18C');
      expect(fingerprintChat(req(user('q'), ...same, ...same)).repeatsInRequest).toBe(2);
      expect(fingerprintChat(req(user('q'), ...same, ...same, ...same)).repeatsInRequest).toBe(3);
      expect(fingerprintChat(req(user('q'), ...same, ...exchange('{"city":"Paris"}', '17C'), ...same)).repeatsInRequest).toBe(1);
      expect(fingerprintChat(req(user('q'), ...same, ...exchange('{"city":"Rome"}', '18C'), ...same)).repeatsInRequest).toBe(1);
      expect(fingerprintChat(req(user('q'), ...same, user('again'), ...same)).repeatsInRequest).toBe(1);
      expect(fingerprintChat(req(...same, ...same)).repeatsInRequest).toBe(2);
      // Fresh ids and reordered keys on every call: still the same exchange.
      const fresh = (i: number) => exchange(i % 2 ? '{"city":"Paris"}' : '{ "city": "Paris" }', '18C', `id_${i}`);
      expect(fingerprintChat(req(user('q'), ...fresh(1), ...fresh(2), ...fresh(3))).repeatsInRequest).toBe(3);
    });

    it('handle parallel calls and the legacy function_call shape', () => {
      const parallel = [calls({ name: 'a', args: '{}', id: 'x' }, { name: 'b', args: '{"n":1}', id: 'y' }), result('ra', 'x'), result('rb', 'y')];
      const fp = fingerprintChat(req(user('q'), ...parallel, ...parallel));
      expect(fp.kind).toBe('action');
      expect(fp.repeatsInRequest).toBe(2);
      const swapped = [calls({ name: 'b', args: '{"n":1}', id: 'y' }, { name: 'a', args: '{}', id: 'x' }), result('rb', 'y'), result('ra', 'x')];
      expect(fingerprintChat(req(user('q'), ...swapped)).exchange).not.toBe(fp.exchange);
      const legacy = (args: string) =>
        fingerprintChat(req(user('q'), { role: 'assistant', content: null, function_call: { name: 'f', arguments: args } }, { role: 'function', name: 'f', content: 'r' }));
      expect(legacy('{"b":1,"a":2}')).toMatchObject({ kind: 'action', repeatsInRequest: 1 });
      expect(legacy('{"a":2,"b":1}')).toEqual(legacy('{"b":1,"a":2}'));
    });
  });

  describe('command steps (a text agent: the fenced command blocks of its message, and the output)', () => {
    it('leave the thought out: the same command and output under a new thought is the same exchange', () => {
      const a = fingerprintChat(req(user('Fix it.'), agent('I will look at the parser first.', 'grep -n "def parse" src/parser.py'), obs('12:def parse(s):')));
      const b = fingerprintChat(req(user('Fix it.'), agent('I am making the same mistake again; look once more.', 'grep -n "def parse" src/parser.py'), obs('12:def parse(s):')));
      expect(a).toMatchObject({ kind: 'action', exact: '', simhash: '', repeatsInRequest: 1 });
      expect(b).toEqual(a);
    });

    it('tell apart another command, another output, and the same command as a tool call', () => {
      const base = fingerprintChat(req(user('Fix it.'), agent('Look.', 'cat a.py'), obs('x = 1'))).exchange;
      expect(fingerprintChat(req(user('Fix it.'), agent('Look.', 'cat b.py'), obs('x = 1'))).exchange).not.toBe(base);
      expect(fingerprintChat(req(user('Fix it.'), agent('Look.', 'cat a.py'), obs('x = 2'))).exchange).not.toBe(base);
      expect(fingerprintChat(req(user('Fix it.'), calls({ name: 'bash', args: '"cat a.py"' }), result('x = 1'))).exchange).not.toBe(base);
    });

    it('take the shell blocks when the thought quotes code in other blocks', () => {
      const quoting = (quoted: string) =>
        fingerprintChat(
          req(user('Fix it.'), asst(`THOUGHT: the check is\n\n\`\`\`python\n${quoted}\n\`\`\`\n\nso I will edit it.\n\n\`\`\`bash\nsed -i 's/!=/==/' a.py\n\`\`\``), obs('')),
        );
      expect(quoting('if a != b:')).toEqual(quoting('if colnames[:n] != required:'));
    });

    it('count repeats of the same command and output at the end of the history, whatever the thoughts', () => {
      const turn = (thought: string) => [agent(thought, "sed -i 's/foo/bar/' src/a.py"), obs('')];
      const body = req(user('Fix it.'), ...turn('First try.'), ...turn('Again, it did nothing.'), ...turn('I keep making the same mistake.'));
      expect(fingerprintChat(body).repeatsInRequest).toBe(3);
      const other = req(user('Fix it.'), ...turn('First try.'), agent('Check.', 'cat src/a.py'), obs('foo'), ...turn('Again.'));
      expect(fingerprintChat(other).repeatsInRequest).toBe(1);
    });
  });

  describe('content parts', () => {
    const withImage = (url: string) =>
      fingerprintChat(req(user('Describe the screen.'), { role: 'user', content: [{ type: 'text', text: 'What should I click?' }, { type: 'image_url', image_url: { url } }] }));
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
      const sketch = (url: string) => fingerprintChat(req({ role: 'user', content: [{ type: 'text', text }, { type: 'image_url', image_url: { url } }] })).simhash;
      expect(hammingHex64(sketch(dataUrl(3)), sketch(dataUrl(4)))).toBeGreaterThan(2 * NEAR);
      expect(sketch(dataUrl(3))).toBe(sketch(dataUrl(3)));
    });

    it('reads text parts like string content', () => {
      const parts = fingerprintChat(req({ role: 'user', content: [{ type: 'text', text: 'Analyze this data: [1,2,3,4,5]' }] }));
      const plain = fingerprintChat(req(user('Analyze this data: [1,2,3,4,5]')));
      expect(parts.simhash).toBe(plain.simhash);
    });

    it('tells a tool result with an image from the same result with another image', () => {
      const shot = (url: string) => fingerprintChat(req(user('q'), calls({ name: 'screenshot', args: '{}' }), { role: 'tool', tool_call_id: 'call_0', content: [{ type: 'image_url', image_url: { url } }] }));
      expect(shot('https://x/1.png').exchange).not.toBe(shot('https://x/2.png').exchange);
      expect(shot('https://x/1.png')).toEqual(shot('https://x/1.png'));
    });
  });

  // Windows live in the store, which instances of different versions share during a rolling deploy: the
  // prompt hashes are those the previous version wrote, so an exact repeat across the deploy is still one.
  it("keeps the previous version's hashes of a prompt", () => {
    expect(fingerprintChat(req(user('Analyze this data: [1,2,3,4,5]')))).toMatchObject({
      exact: PINNED.exact,
      normalized: PINNED.normalized,
      simhash: PINNED.simhash,
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
