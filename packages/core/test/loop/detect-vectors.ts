// detectLoop's reference vectors: hand-made windows, each with what detectLoop must decide. Core's
// detect.test.ts checks the decisions; the Redis package's parity test runs its Lua port on the same inputs.
import { DEFAULT_LOOP_PARAMS, type LoopFinding, type LoopParams, type StepFingerprint, type WindowEntry } from '../../src/loop/index.js';

export interface DetectVector {
  name: string;
  history: WindowEntry[];
  current: StepFingerprint;
  step: number;
  params: LoopParams;
  /** The finding (undefined: none) and, where the case is about them, the new entry's chain counters or the whole entry. */
  expected: { finding: LoopFinding | undefined; nearRun?: number; toolRun?: number; entry?: WindowEntry };
}

const P = DEFAULT_LOOP_PARAMS;
export const fp = (over: Partial<StepFingerprint>): StepFingerprint => ({ exact: 'e0', normalized: 'n0', simhash: '', tool: '', toolRepeatsInRequest: 0, ...over });
export const at = (step: number, over: Partial<WindowEntry>): WindowEntry => ({ ...fp({}), step, nearRun: 0, toolRun: 0, ...over });

const sketch = '0000000000000000';
const toolOnce = at(1, { exact: 'x', tool: 't', toolRun: 1 });
const toolTwice = { ...fp({ exact: 'x', tool: 't', toolRepeatsInRequest: 1 }), step: 2, nearRun: 0, toolRun: 2 };
const cycleHistory = [at(1, { exact: 'a' }), at(2, { exact: 'x', normalized: 'na' }), at(3, { exact: 'b', normalized: 'nb' })];
const nearHistory = [
  at(1, { exact: 'a', normalized: 'na', simhash: '0000000000000000', nearRun: 1 }),
  at(2, { exact: 'b', normalized: 'nb', simhash: '000000000000000f', nearRun: 2 }),
];
const twelve = Array.from({ length: 12 }, (_, i) => at(i + 1, { exact: `s${i + 1}`, normalized: `m${i + 1}` }));

export const DETECT_VECTORS: DetectVector[] = [
  {
    name: 'first step with a sketch: admitted, its near run starts',
    history: [],
    current: fp({ simhash: '00000000000000ff' }),
    step: 1,
    params: P,
    expected: { finding: undefined, entry: { ...fp({ simhash: '00000000000000ff' }), step: 1, nearRun: 1, toolRun: 0 } },
  },
  { name: 'first step without a sketch: no near run', history: [], current: fp({}), step: 1, params: P, expected: { finding: undefined, nearRun: 0 } },
  {
    name: 'exact repeat of the previous entry',
    history: [at(4, { exact: 'e1', normalized: 'n1' })],
    current: fp({ exact: 'e1', normalized: 'n1' }),
    step: 5,
    params: P,
    expected: { finding: { loopType: 'exact_repeat', confidence: 1, matchedStep: 4, repeats: 2 } },
  },
  {
    name: 'normalized repeat of the previous entry (exact is checked first)',
    history: [at(4, { exact: 'e1', normalized: 'n1' })],
    current: fp({ exact: 'e2', normalized: 'n1' }),
    step: 5,
    params: P,
    expected: { finding: { loopType: 'normalized_repeat', confidence: 0.95, matchedStep: 4, repeats: 2 } },
  },
  {
    name: 'cycle in older entries, the most recent match first',
    history: cycleHistory,
    current: fp({ exact: 'a', normalized: 'na' }),
    step: 4,
    params: P,
    expected: { finding: { loopType: 'cycle', confidence: 0.9, matchedStep: 2, repeats: 3 } },
  },
  { name: 'cycle outside a narrow window', history: cycleHistory, current: fp({ exact: 'a' }), step: 4, params: { ...P, window: 2 }, expected: { finding: undefined } },
  {
    name: 'repeats counted over the window (entries appended in warn mode)',
    history: [at(1, { exact: 'a' }), at(2, { exact: 'a' }), at(3, { exact: 'a' })],
    current: fp({ exact: 'a' }),
    step: 4,
    params: P,
    expected: { finding: { loopType: 'exact_repeat', confidence: 1, matchedStep: 3, repeats: 4 } },
  },
  {
    name: 'near chain within nearMaxDistance: the nearRepeats-th is flagged',
    history: nearHistory,
    current: fp({ exact: 'c', normalized: 'nc', simhash: '00000000000000ff' }),
    step: 3,
    params: P,
    expected: { finding: { loopType: 'near_repeat', confidence: 1 - 4 / 64, matchedStep: 2, repeats: 3 }, nearRun: 3 },
  },
  {
    name: 'near chain broken by distance',
    history: nearHistory,
    current: fp({ exact: 'c', normalized: 'nc', simhash: '0000000000007fff' }),
    step: 3,
    params: P,
    expected: { finding: undefined, nearRun: 1 },
  },
  {
    name: 'near chain not through a tool step',
    history: [at(1, { simhash: sketch, nearRun: 2, exact: 'a', normalized: 'na' }), at(2, { tool: 't', exact: 'b', normalized: 'nb', toolRun: 1 })],
    current: fp({ exact: 'c', normalized: 'nc', simhash: sketch }),
    step: 3,
    params: P,
    expected: { finding: undefined, nearRun: 1 },
  },
  {
    name: 'near chain not through a step without a sketch',
    history: [at(1, { simhash: sketch, nearRun: 2, exact: 'a', normalized: 'na' }), at(2, { simhash: '', exact: 'b', normalized: 'nb' })],
    current: fp({ exact: 'c', normalized: 'nc', simhash: sketch }),
    step: 3,
    params: P,
    expected: { finding: undefined, nearRun: 1 },
  },
  // Tool steps are judged by the tool rule only: the same tail twice is fine (polling)…
  { name: 'a tool step twice is fine', history: [toolOnce], current: fp({ exact: 'x', tool: 't', toolRepeatsInRequest: 1 }), step: 2, params: P, expected: { finding: undefined, entry: toolTwice } },
  // …the third time it is a loop.
  {
    name: 'a tool step thrice is a loop',
    history: [toolOnce, toolTwice],
    current: fp({ exact: 'x', tool: 't', toolRepeatsInRequest: 1 }),
    step: 3,
    params: P,
    expected: { finding: { loopType: 'tool_call_repeat', confidence: 0.9, matchedStep: 2, repeats: 3 } },
  },
  // A different exchange restarts the chain, and an older matching tool step is no cycle.
  { name: 'another tool exchange restarts the chain', history: [toolOnce, toolTwice], current: fp({ exact: 'y', tool: 'u', toolRepeatsInRequest: 1 }), step: 3, params: P, expected: { finding: undefined, toolRun: 1 } },
  {
    name: "the request's own repeats, when they exceed the chain",
    history: [],
    current: fp({ tool: 't', toolRepeatsInRequest: 4 }),
    step: 1,
    params: P,
    expected: { finding: { loopType: 'tool_call_repeat', confidence: 0.95, matchedStep: 1, repeats: 4 }, toolRun: 4 },
  },
  { name: 'beyond the window: no finding', history: twelve, current: fp({ exact: 's2' }), step: 13, params: P, expected: { finding: undefined } },
  {
    name: 'beyond the window: a cycle inside it',
    history: twelve,
    current: fp({ exact: 's3' }),
    step: 13,
    params: P,
    expected: { finding: { loopType: 'cycle', confidence: 0.9, matchedStep: 3, repeats: 2 } },
  },
];
