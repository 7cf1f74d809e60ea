// detectLoop on hand-made window entries: the reference vectors for the Lua port of the algorithm.
import { DEFAULT_LOOP_PARAMS, detectLoop, type LoopParams, type StepFingerprint, type WindowEntry } from '../../src/loop/index.js';

const P = DEFAULT_LOOP_PARAMS;
const fp = (over: Partial<StepFingerprint>): StepFingerprint => ({
  exact: 'e0',
  normalized: 'n0',
  simhash: '',
  tool: '',
  toolRepeatsInRequest: 0,
  ...over,
});
const at = (step: number, over: Partial<WindowEntry>): WindowEntry => ({ ...fp({}), step, nearRun: 0, toolRun: 0, ...over });

describe('detectLoop', () => {
  it('admits the first step of a run and starts its near run', () => {
    expect(detectLoop([], fp({ simhash: '00000000000000ff' }), 1, P)).toEqual({
      entry: { ...fp({ simhash: '00000000000000ff' }), step: 1, nearRun: 1, toolRun: 0 },
    });
    expect(detectLoop([], fp({}), 1, P).entry.nearRun).toBe(0);
  });

  it('checks exact before normalized, against the previous entry only', () => {
    const prev = at(4, { exact: 'e1', normalized: 'n1' });
    expect(detectLoop([prev], fp({ exact: 'e1', normalized: 'n1' }), 5, P).finding).toEqual({
      loopType: 'exact_repeat',
      confidence: 1,
      matchedStep: 4,
      repeats: 2,
    });
    expect(detectLoop([prev], fp({ exact: 'e2', normalized: 'n1' }), 5, P).finding).toEqual({
      loopType: 'normalized_repeat',
      confidence: 0.95,
      matchedStep: 4,
      repeats: 2,
    });
  });

  it('finds cycles in older entries, the most recent match first, within the window', () => {
    const history = [at(1, { exact: 'a' }), at(2, { exact: 'x', normalized: 'na' }), at(3, { exact: 'b', normalized: 'nb' })];
    expect(detectLoop(history, fp({ exact: 'a', normalized: 'na' }), 4, P).finding).toEqual({
      loopType: 'cycle',
      confidence: 0.9,
      matchedStep: 2,
      repeats: 3,
    });
    const narrow: LoopParams = { ...P, window: 2 };
    expect(detectLoop(history, fp({ exact: 'a' }), 4, narrow).finding).toBeUndefined();
  });

  it('counts repeats over the window (entries appended in warn mode)', () => {
    const history = [at(1, { exact: 'a' }), at(2, { exact: 'a' }), at(3, { exact: 'a' })];
    expect(detectLoop(history, fp({ exact: 'a' }), 4, P).finding).toMatchObject({ loopType: 'exact_repeat', repeats: 4, matchedStep: 3 });
  });

  it('chains near steps within nearMaxDistance and flags the nearRepeats-th', () => {
    const history = [
      at(1, { exact: 'a', normalized: 'na', simhash: '0000000000000000', nearRun: 1 }),
      at(2, { exact: 'b', normalized: 'nb', simhash: '000000000000000f', nearRun: 2 }),
    ];
    const near = detectLoop(history, fp({ exact: 'c', normalized: 'nc', simhash: '00000000000000ff' }), 3, P);
    expect(near.entry.nearRun).toBe(3);
    expect(near.finding).toEqual({ loopType: 'near_repeat', confidence: 1 - 4 / 64, matchedStep: 2, repeats: 3 });
    const far = detectLoop(history, fp({ exact: 'c', normalized: 'nc', simhash: '0000000000007fff' }), 3, P);
    expect(far.entry.nearRun).toBe(1);
    expect(far.finding).toBeUndefined();
  });

  it('does not chain near runs through a step without a sketch or a tool step', () => {
    const sketch = '0000000000000000';
    const viaTool = [at(1, { simhash: sketch, nearRun: 2, exact: 'a' }), at(2, { tool: 't', exact: 'b', toolRun: 1 })];
    expect(detectLoop(viaTool, fp({ exact: 'c', simhash: sketch }), 3, P).entry.nearRun).toBe(1);
    const viaShort = [at(1, { simhash: sketch, nearRun: 2, exact: 'a' }), at(2, { simhash: '', exact: 'b' })];
    expect(detectLoop(viaShort, fp({ exact: 'c', simhash: sketch }), 3, P).entry.nearRun).toBe(1);
  });

  it('judges tool steps by the tool rule only', () => {
    const one = at(1, { exact: 'x', tool: 't', toolRun: 1 });
    // Exactly the same tail twice is fine for a tool step (polling)…
    const second = detectLoop([one], fp({ exact: 'x', tool: 't', toolRepeatsInRequest: 1 }), 2, P);
    expect(second).toEqual({ entry: { ...fp({ exact: 'x', tool: 't', toolRepeatsInRequest: 1 }), step: 2, nearRun: 0, toolRun: 2 } });
    // …the third time it is a loop.
    const third = detectLoop([one, second.entry], fp({ exact: 'x', tool: 't', toolRepeatsInRequest: 1 }), 3, P);
    expect(third.finding).toEqual({ loopType: 'tool_call_repeat', confidence: 0.9, matchedStep: 2, repeats: 3 });
    // A different exchange restarts the run, and an older matching tool step is not a cycle.
    const other = detectLoop([one, second.entry], fp({ exact: 'y', tool: 'u', toolRepeatsInRequest: 1 }), 3, P);
    expect(other.finding).toBeUndefined();
    expect(other.entry.toolRun).toBe(1);
  });

  it("takes the request's own repeats when they exceed the chain", () => {
    const d = detectLoop([], fp({ tool: 't', toolRepeatsInRequest: 4 }), 1, P);
    expect(d.finding).toEqual({ loopType: 'tool_call_repeat', confidence: 0.95, matchedStep: 1, repeats: 4 });
    expect(d.entry.toolRun).toBe(4);
  });

  it('ignores entries beyond the window', () => {
    const history = Array.from({ length: 12 }, (_, i) => at(i + 1, { exact: `s${i + 1}`, normalized: `m${i + 1}` }));
    expect(detectLoop(history, fp({ exact: 's2' }), 13, P).finding).toBeUndefined();
    expect(detectLoop(history, fp({ exact: 's3' }), 13, P).finding).toMatchObject({ loopType: 'cycle', matchedStep: 3, repeats: 2 });
  });
});
