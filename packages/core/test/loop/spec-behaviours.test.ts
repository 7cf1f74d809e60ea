// SPEC section 5, behaviours 1–7: request sequences through chatLoopView + fingerprintView + detectLoop, window kept like the store.
import { DEFAULT_LOOP_PARAMS, detectLoop, type WindowEntry } from '../../src/loop/index.js';
import { agent, asst, calls, fingerprintChat, growing, obs, req, result, runTrace, sys, user } from './helpers.js';

describe('SPEC 5: loop detection', () => {
  it('1. the same request sent again is an exact repeat at the 2nd request', () => {
    const body = req(sys('You are a helpful assistant.'), user('Analyze this data: [1,2,3,4,5]'));
    const out = runTrace([body, structuredClone(body)]);
    expect(out.caughtAt).toBe(2);
    expect(out.finding).toEqual({ loopType: 'exact_repeat', confidence: 1, matchedStep: 1, repeats: 2 });
  });

  it('2. the same prompt differing only in case, whitespace or trailing punctuation is a normalized repeat', () => {
    const out = runTrace([req(user('Analyze this data: [1,2,3,4,5]')), req(user('  analyze THIS data:\n\n[1,2,3,4,5]!? '))]);
    expect(out.caughtAt).toBe(2);
    expect(out.finding).toMatchObject({ loopType: 'normalized_repeat', confidence: 0.95, matchedStep: 1 });
  });

  it('3. a cycle A, B, A, B is caught at the 4th request; A, B, A is not a cycle', () => {
    const a = req(user('List the open pull requests of the payments repository.'));
    const b = req(user('Which of them touch the refund code?'));
    expect(runTrace([a, b, a]).caughtAt).toBeNull();
    const out = runTrace([a, b, a, b]);
    expect(out.caughtAt).toBe(4);
    expect(out.finding).toEqual({ loopType: 'cycle', confidence: 0.9, matchedStep: 2, repeats: 2 });
  });

  it('3. A, B, C, A, B, C is caught at the 6th', () => {
    const [a, b, c] = ['Search flights to Oslo.', 'Search hotels in Oslo.', 'Search car rentals in Oslo.'].map((t) => req(user(t)));
    expect(runTrace([a!, b!, c!, a!, b!]).caughtAt).toBeNull();
    expect(runTrace([a!, b!, c!, a!, b!, c!])).toMatchObject({ caughtAt: 6, finding: { loopType: 'cycle', matchedStep: 3, repeats: 2 } });
  });

  it('3. …for tool steps alike: book, think, book, think', () => {
    const book = [calls({ name: 'book_reservation', args: '{"flight":"HAT170","payment":"gift_card_7"}' }), result('Error: payment amount does not add up')];
    const think = [calls({ name: 'think', args: '{"thought":"The total must match the fare; I will book again."}' }), result('')];
    const bodies = growing([sys('You are an airline agent.'), user('Book HAT170 for me.'), ...book], think, book, think, book);
    expect(runTrace(bodies)).toMatchObject({ caughtAt: 4, finding: { loopType: 'cycle', matchedStep: 2 } });
  });

  it('3. a single recurrence after other steps is never a loop: run the tests, edit, run them again', () => {
    // Word for word the same turn each time: the output tells the agent that its change did nothing.
    const test = () => [agent('Run the reproduction script.', 'python reproduce.py'), obs('AssertionError: expected 3, got 2', 1)];
    const bodies = growing(
      [sys('You are a coding agent.'), user('Fix the off-by-one in counter.py.'), ...test()],
      [agent('Add a debug print.', "sed -i '12a print(n)' counter.py"), obs('')],
      test(),
      [agent('Try another fix.', "sed -i 's/n - 1/n/' counter.py"), obs('')],
      [agent('Restore the file.', 'git checkout counter.py'), obs('')],
      test(),
    );
    expect(runTrace(bodies).caughtAt).toBeNull();
  });

  it('3. …within the last 10 steps only: a block of 5 is caught, a block of 6 is not', () => {
    const prompts = Array.from({ length: 6 }, (_, i) => req(user(`Summarize pull request number ${i + 100} in two sentences.`)));
    const five = prompts.slice(0, 5);
    expect(runTrace([...five, ...five])).toMatchObject({ caughtAt: 10, finding: { loopType: 'cycle', matchedStep: 5 } });
    expect(runTrace([...prompts, ...prompts]).caughtAt).toBeNull();
  });

  it("4. the guide's Step 1 → Step 2 (a growing conversation) is never a loop", () => {
    const step1 = [user('Analyze this data: [1,2,3,4,5]')];
    const answer = asst('The data is the sequence 1 to 5: mean 3, median 3, standard deviation about 1.41, and it rises linearly.');
    const bodies = growing(step1, [answer, user('Now generate a solution')]);
    expect(runTrace(bodies).caughtAt).toBeNull();
  });

  it('5. the same tool call with the same arguments and result is caught at the 3rd repetition', () => {
    const exchange = [calls({ name: 'get_order_status', args: '{"order_id":"A-1001"}' }), result('{"status":"processing"}')];
    const first = [sys('You track orders.'), user('Is order A-1001 shipped yet?')];
    // A stateful client: each request carries every earlier exchange.
    const stateful = growing([...first, ...exchange], exchange, exchange, exchange);
    const out = runTrace(stateful);
    expect(out.caughtAt).toBe(3);
    expect(out.finding).toMatchObject({ loopType: 'tool_call_repeat', repeats: 3, matchedStep: 2 });
    expect(out.finding!.confidence).toBeGreaterThanOrEqual(0.9);
    // A client that sends only the latest exchange each time.
    const stateless = [req(...first, ...exchange), req(...first, ...exchange), req(...first, ...exchange)];
    expect(runTrace(stateless)).toMatchObject({ caughtAt: 3, finding: { loopType: 'tool_call_repeat' } });
  });

  it('5. the same fenced command with the same output is caught at the 3rd in a row, whatever the thought says', () => {
    const thoughts = ['I will fix the import.', 'The output is empty; let me apply it again.', 'I am making the same mistake again; once more.'];
    const turns = thoughts.map((t) => [agent(t, "sed -i 's/import foo/import bar/' src/app.py"), obs('')]);
    const bodies = growing([sys('You are a coding agent.'), user('Fix the import in src/app.py.'), ...turns[0]!], turns[1]!, turns[2]!);
    const out = runTrace(bodies);
    expect(out).toMatchObject({ caughtAt: 3, finding: { loopType: 'tool_call_repeat', matchedStep: 2, repeats: 3, confidence: 0.9 } });
    // The same thought each time changes nothing: still the 3rd, still a repeated action.
    const same = [agent(thoughts[0]!, 'python -m pytest tests/test_app.py'), obs('1 failed', 1)];
    expect(runTrace(growing([user('Make the tests pass.'), ...same], same, same))).toMatchObject({ caughtAt: 3, finding: { loopType: 'tool_call_repeat' } });
  });

  it('5. the count is an option', () => {
    const exchange = [calls({ name: 'get_order_status', args: '{"order_id":"A-1001"}' }), result('{"status":"processing"}')];
    const bodies = growing([user('Is order A-1001 shipped yet?'), ...exchange], exchange, exchange, exchange, exchange);
    expect(runTrace(bodies, { ...DEFAULT_LOOP_PARAMS, toolRepeats: 5 })).toMatchObject({ caughtAt: 5, finding: { loopType: 'tool_call_repeat', repeats: 5 } });
    expect(runTrace(bodies, { ...DEFAULT_LOOP_PARAMS, toolRepeats: 2 })).toMatchObject({ caughtAt: 2 });
  });

  it('5. …but not when the result differs each time', () => {
    const poll = (status: string) => [calls({ name: 'get_order_status', args: '{"order_id":"A-1001"}' }), result(status)];
    const bodies = growing([user('Tell me when order A-1001 ships.'), ...poll('queued')], poll('picking'), poll('packing'), poll('label printed'), poll('shipped'));
    expect(runTrace(bodies).caughtAt).toBeNull();
  });

  it('6. "continue" turns after different replies are not a loop', () => {
    const bodies = growing(
      [user('Write a long adventure story about a lighthouse keeper.')],
      [asst('Mara had kept the light on Gull Rock for eleven winters, and she knew every sound the sea could make.'), user('continue')],
      [asst('That night the fog came in thick as wool, and a bell she had never heard began to ring beneath the waves.'), user('continue')],
      [asst('She rowed out at dawn, following the sound, until the hull of a sunken ferry rose under her oars.'), user('continue')],
      [asst('Inside the wheelhouse, a brass logbook lay dry in a sealed tin, its last entry dated forty years ago.'), user('continue')],
    );
    expect(runTrace(bodies).caughtAt).toBeNull();
  });

  it('7. near repeats are caught when they repeat 3 times in a row; a single paraphrase is not', () => {
    const ask = (n: number, verb: string) =>
      req(user(`Please ${verb} whether the nightly build of the payments service has finished and report its final status (attempt ${n})`));
    expect(runTrace([ask(1, 'check'), ask(2, 'verify')]).caughtAt).toBeNull();
    const out = runTrace([ask(1, 'check'), ask(2, 'verify'), ask(3, 'confirm')]);
    expect(out.caughtAt).toBe(3);
    expect(out.finding).toMatchObject({ loopType: 'near_repeat', matchedStep: 2, repeats: 3 });
    expect(out.finding!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(out.finding!.confidence).toBeLessThan(1);
  });

  it('7. agent steps need more evidence: near-identical replies are a loop only when the same answer comes back', () => {
    const reply = (n: number) =>
      asst(`I checked the nightly build of the payments service again and it has not finished yet, so I will wait and check again (check ${n})`);
    // The same answer each time: the agent is stuck, caught at the 3rd near step in a row.
    const stuck = growing([user('Tell me when the nightly build finishes.')], [reply(1), user('ok')], [reply(2), user('ok')], [reply(3), user('ok')]);
    expect(runTrace(stuck)).toMatchObject({ caughtAt: 4, finding: { loopType: 'near_repeat', repeats: 3 } });
    // A new question each time: the conversation moves on.
    const asks = ['Which tests ran last night?', 'Who owns the payments pipeline?', 'Can you page them for me, please?'];
    const moving = growing([user('Tell me when the nightly build finishes.')], ...asks.map((q, i) => [reply(i + 1), user(q)]));
    expect(runTrace(moving).caughtAt).toBeNull();
  });

  it('7. walking a hierarchy or applying one edit to sibling files is work, not a loop', () => {
    const classes = ['BaseWriter', 'FixedWidthWriter', 'RSTWriter', 'SimpleRSTWriter', 'HTMLWriter'];
    const walk = classes.map((c, i) => [agent(`Now find where class ${c} is defined.`, `grep -rn "class ${c}" astropy/io/ascii/`), obs(`astropy/io/ascii/mod${i}.py:${10 * i}:class ${c}(object):`)]);
    expect(runTrace(growing([user('Support header_rows in RST output.'), ...walk[0]!], ...walk.slice(1))).caughtAt).toBeNull();
    const siblings = ['rst.py', 'fixedwidth.py', 'basic.py', 'html.py', 'latex.py'];
    const edit = siblings.map((f) => [agent(`Apply the same change to ${f}.`, `sed -i 's/header_rows=None/header_rows=header_rows/' astropy/io/ascii/${f}`), obs('')]);
    expect(runTrace(growing([user('Support header_rows in RST output.'), ...edit[0]!], ...edit.slice(1))).caughtAt).toBeNull();
  });

  it('computes the window entry whether or not the step is a loop', () => {
    const history: WindowEntry[] = [];
    const fp = fingerprintChat(req(user('Analyze this data: [1,2,3,4,5]')));
    const first = detectLoop(history, fp, 1, DEFAULT_LOOP_PARAMS);
    expect(first).toEqual({ entry: { ...fp, step: 1, nearRun: 1, actionRun: 0 } });
    const again = detectLoop([first.entry], fp, 2, DEFAULT_LOOP_PARAMS);
    expect(again.finding?.loopType).toBe('exact_repeat');
    expect(again.entry).toEqual({ ...fp, step: 2, nearRun: 2, actionRun: 0 });
  });
});
