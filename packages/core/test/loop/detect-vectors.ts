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
  expected: { finding: LoopFinding | undefined; nearRun?: number; actionRun?: number; entry?: WindowEntry };
}

const P = DEFAULT_LOOP_PARAMS;
/** A prompt step whose hashes are `e`, `n` (and `exchange` = `n`, as fingerprintView makes them). */
export const fp = (over: Partial<StepFingerprint>): StepFingerprint => {
  const base: StepFingerprint = { kind: 'prompt', exact: 'e0', normalized: 'n0', exchange: 'n0', simhash: '', observed: '', repeatsInRequest: 0, ...over };
  if (over.exchange === undefined && base.kind !== 'action') base.exchange = base.normalized;
  return base;
};
/** An action step (tool calls or command blocks) with exchange `x`. */
export const act = (x: string, repeatsInRequest = 1): StepFingerprint => ({ kind: 'action', exact: '', normalized: '', exchange: x, simhash: '', observed: '', repeatsInRequest });
export const at = (step: number, f: StepFingerprint, over: Partial<WindowEntry> = {}): WindowEntry => ({ ...f, step, nearRun: 0, actionRun: f.kind === 'action' ? 1 : 0, ...over });
/** A window of steps 1.. from fingerprints. */
const steps = (...fs: StepFingerprint[]): WindowEntry[] => fs.map((f, i) => at(i + 1, f));
/** A prompt step named by one letter: exact `e<x>`, normalized and exchange `n<x>`. */
const prompt = (x: string): StepFingerprint => fp({ exact: `e${x}`, normalized: `n${x}` });
/** A text step (an assistant's prose and the answer) with the given sketches. */
const text = (x: string, simhash: string, observed: string): StepFingerprint => fp({ kind: 'text', exact: `e${x}`, normalized: `n${x}`, simhash, observed });

const Z = '0000000000000000';
const twelve = Array.from({ length: 12 }, (_, i) => prompt(`s${i + 1}`));
/** The Lua reads what an older version wrote too: entries without kind, exchange, observed or actionRun. */
const legacy = (step: number, over: Record<string, unknown>): WindowEntry =>
  ({ exact: `old${step}`, normalized: `oldn${step}`, simhash: '', tool: '', toolRepeatsInRequest: 0, step, nearRun: 0, toolRun: 0, ...over }) as unknown as WindowEntry;

export const DETECT_VECTORS: DetectVector[] = [
  {
    name: 'first step with a sketch: admitted, its near run starts',
    history: [],
    current: fp({ simhash: '00000000000000ff' }),
    step: 1,
    params: P,
    expected: { finding: undefined, entry: { ...fp({ simhash: '00000000000000ff' }), step: 1, nearRun: 1, actionRun: 0 } },
  },
  { name: 'first step without a sketch: no near run', history: [], current: fp({}), step: 1, params: P, expected: { finding: undefined, nearRun: 0 } },
  {
    name: 'exact repeat of the previous prompt',
    history: [at(4, prompt('1'))],
    current: prompt('1'),
    step: 5,
    params: P,
    expected: { finding: { loopType: 'exact_repeat', confidence: 1, matchedStep: 4, repeats: 2 } },
  },
  {
    name: 'exact repeat of the previous text step',
    history: [at(4, text('1', '', 'h1'))],
    current: text('1', '', 'h1'),
    step: 5,
    params: P,
    expected: { finding: { loopType: 'exact_repeat', confidence: 1, matchedStep: 4, repeats: 2 } },
  },
  {
    name: 'normalized repeat of the previous entry (exact is checked first)',
    history: [at(4, prompt('1'))],
    current: fp({ exact: 'e2', normalized: 'n1' }),
    step: 5,
    params: P,
    expected: { finding: { loopType: 'normalized_repeat', confidence: 0.95, matchedStep: 4, repeats: 2 } },
  },
  {
    name: 'repeats counted over the window (entries appended in warn mode)',
    history: steps(prompt('a'), prompt('a'), prompt('a')),
    current: prompt('a'),
    step: 4,
    params: P,
    expected: { finding: { loopType: 'exact_repeat', confidence: 1, matchedStep: 3, repeats: 4 } },
  },
  // Actions are never exact repeats at the 2nd: the same call and result twice is polling…
  { name: 'an action twice is fine', history: [at(1, act('x'))], current: act('x'), step: 2, params: P, expected: { finding: undefined, entry: { ...act('x'), step: 2, nearRun: 0, actionRun: 2 } } },
  // …the third time in a row it is a loop.
  {
    name: 'an action thrice in a row is a loop',
    history: [at(1, act('x')), at(2, act('x'), { actionRun: 2 })],
    current: act('x'),
    step: 3,
    params: P,
    expected: { finding: { loopType: 'tool_call_repeat', confidence: 0.9, matchedStep: 2, repeats: 3 } },
  },
  {
    name: 'toolRepeats is the threshold: 4 allowed with 5',
    history: [at(1, act('x')), at(2, act('x'), { actionRun: 2 }), at(3, act('x'), { actionRun: 3 })],
    current: act('x'),
    step: 4,
    params: { ...P, toolRepeats: 5 },
    expected: { finding: undefined, actionRun: 4 },
  },
  { name: 'another action restarts the chain', history: [at(1, act('x')), at(2, act('x'), { actionRun: 2 })], current: act('y'), step: 3, params: P, expected: { finding: undefined, actionRun: 1 } },
  {
    name: 'a prompt between two actions breaks the chain',
    history: [at(1, act('x')), at(2, act('x'), { actionRun: 2 }), at(3, prompt('p'))],
    current: act('x'),
    step: 4,
    params: P,
    expected: { finding: undefined, actionRun: 1 },
  },
  {
    name: "the request's own repeats, when they exceed the chain",
    history: [],
    current: act('x', 4),
    step: 1,
    params: P,
    expected: { finding: { loopType: 'tool_call_repeat', confidence: 0.95, matchedStep: 1, repeats: 4 }, actionRun: 4 },
  },
  // Cycles: a block of two or more steps repeating whole, twice in a row.
  { name: 'a single recurrence A, B, A is no cycle', history: steps(prompt('a'), prompt('b')), current: prompt('a'), step: 3, params: P, expected: { finding: undefined } },
  {
    name: 'A, B, A, B is a cycle at the 4th, matching the 2nd',
    history: steps(prompt('a'), prompt('b'), prompt('a')),
    current: prompt('b'),
    step: 4,
    params: P,
    expected: { finding: { loopType: 'cycle', confidence: 0.9, matchedStep: 2, repeats: 2 } },
  },
  {
    name: 'A, B, C, A, B, C is a cycle at the 6th',
    history: steps(prompt('a'), prompt('b'), prompt('c'), prompt('a'), prompt('b')),
    current: prompt('c'),
    step: 6,
    params: P,
    expected: { finding: { loopType: 'cycle', confidence: 0.9, matchedStep: 3, repeats: 2 } },
  },
  { name: 'A, B, C, A, B is not yet', history: steps(prompt('a'), prompt('b'), prompt('c'), prompt('a')), current: prompt('b'), step: 5, params: P, expected: { finding: undefined } },
  {
    name: 'a cycle of actions (book, think, book, think)',
    history: steps(prompt('task'), act('book'), act('think'), act('book')),
    current: act('think'),
    step: 5,
    params: P,
    expected: { finding: { loopType: 'cycle', confidence: 0.9, matchedStep: 3, repeats: 2 } },
  },
  {
    name: 'a cycle mixing an action and a text step',
    history: steps(act('run'), text('t', '', 'h1'), act('run')),
    current: text('t2', '', 'h2'),
    step: 4,
    params: P,
    expected: { finding: undefined },
  },
  {
    name: 'a cycle of an action and a text step with the same exchanges',
    history: steps(act('run'), fp({ kind: 'text', exact: 'et', normalized: 'nt', exchange: 'nt' }), act('run')),
    current: fp({ kind: 'text', exact: 'et2', normalized: 'nt', exchange: 'nt' }),
    step: 4,
    params: P,
    expected: { finding: { loopType: 'cycle', confidence: 0.9, matchedStep: 2, repeats: 2 } },
  },
  {
    name: 'A, B, A, B, A, B counts three blocks (warn mode kept appending)',
    history: steps(prompt('a'), prompt('b'), prompt('a'), prompt('b'), prompt('a')),
    current: prompt('b'),
    step: 6,
    params: P,
    expected: { finding: { loopType: 'cycle', confidence: 0.9, matchedStep: 4, repeats: 3 } },
  },
  {
    name: 'the same action four times is a repeat, not a cycle of two (toolRepeats 5)',
    history: [at(1, act('x')), at(2, act('x'), { actionRun: 2 }), at(3, act('x'), { actionRun: 3 })],
    current: act('x'),
    step: 4,
    params: { ...P, toolRepeats: 5 },
    expected: { finding: undefined },
  },
  {
    name: 'a block of two where both are the same is not a cycle (A, A, A, A with toolRepeats 9)',
    history: steps(act('y'), act('x'), act('x'), act('x'), act('x')),
    current: act('x'),
    step: 6,
    params: { ...P, toolRepeats: 9 },
    expected: { finding: undefined },
  },
  {
    name: 'a block of five within the window of 10',
    history: steps(...['a', 'b', 'c', 'd', 'e', 'a', 'b', 'c', 'd'].map(prompt)),
    current: prompt('e'),
    step: 10,
    params: P,
    expected: { finding: { loopType: 'cycle', confidence: 0.9, matchedStep: 5, repeats: 2 } },
  },
  {
    name: 'a block of six does not fit the window of 10',
    history: steps(...['a', 'b', 'c', 'd', 'e', 'f', 'a', 'b', 'c', 'd', 'e'].map(prompt)),
    current: prompt('f'),
    step: 12,
    params: P,
    expected: { finding: undefined },
  },
  {
    name: 'a cycle outside a narrow window',
    history: steps(prompt('a'), prompt('b'), prompt('a')),
    current: prompt('b'),
    step: 4,
    params: { ...P, window: 2 },
    expected: { finding: undefined },
  },
  { name: 'beyond the window: no finding', history: steps(...twelve), current: prompt('s2'), step: 13, params: P, expected: { finding: undefined } },
  // Near repeats of prompts: three in a row within nearMaxDistance.
  {
    name: 'near prompts within nearMaxDistance: the nearRepeats-th is flagged',
    history: [at(1, fp({ exact: 'a', normalized: 'na', simhash: Z }), { nearRun: 1 }), at(2, fp({ exact: 'b', normalized: 'nb', simhash: '000000000000000f' }), { nearRun: 2 })],
    current: fp({ exact: 'c', normalized: 'nc', simhash: '00000000000000ff' }),
    step: 3,
    params: P,
    expected: { finding: { loopType: 'near_repeat', confidence: 1 - 4 / 64, matchedStep: 2, repeats: 3 }, nearRun: 3 },
  },
  {
    name: 'near chain broken by distance',
    history: [at(1, fp({ exact: 'a', normalized: 'na', simhash: Z }), { nearRun: 1 }), at(2, fp({ exact: 'b', normalized: 'nb', simhash: '000000000000000f' }), { nearRun: 2 })],
    current: fp({ exact: 'c', normalized: 'nc', simhash: '0000000000007fff' }),
    step: 3,
    params: P,
    expected: { finding: undefined, nearRun: 1 },
  },
  {
    name: 'near chain not through an action',
    history: [at(1, fp({ simhash: Z, exact: 'a', normalized: 'na' }), { nearRun: 2 }), at(2, act('t'))],
    current: fp({ exact: 'c', normalized: 'nc', simhash: Z }),
    step: 3,
    params: P,
    expected: { finding: undefined, nearRun: 1 },
  },
  {
    name: 'near chain not through a step without a sketch',
    history: [at(1, fp({ simhash: Z, exact: 'a', normalized: 'na' }), { nearRun: 2 }), at(2, fp({ simhash: '', exact: 'b', normalized: 'nb' }))],
    current: fp({ exact: 'c', normalized: 'nc', simhash: Z }),
    step: 3,
    params: P,
    expected: { finding: undefined, nearRun: 1 },
  },
  {
    name: 'near chain not from a prompt into a text step',
    history: [at(1, fp({ simhash: Z, exact: 'a', normalized: 'na' }), { nearRun: 2 })],
    current: text('b', Z, 'h1'),
    step: 2,
    params: { ...P, nearRepeats: 2 },
    expected: { finding: undefined, nearRun: 1 },
  },
  // Agent text steps need more evidence: the same answer must have come back.
  {
    name: 'near text steps with the same answer: flagged at the 3rd',
    history: [at(1, text('a', Z, 'h1'), { nearRun: 1 }), at(2, text('b', '0000000000000001', 'h1'), { nearRun: 2 })],
    current: text('c', '0000000000000003', 'h1'),
    step: 3,
    params: P,
    expected: { finding: { loopType: 'near_repeat', confidence: 1 - 1 / 64, matchedStep: 2, repeats: 3 }, nearRun: 3 },
  },
  {
    name: 'near text steps whose answers differ: not a loop',
    history: [at(1, text('a', Z, 'h1'), { nearRun: 1 }), at(2, text('b', Z, 'h2'), { nearRun: 2 })],
    current: text('c', Z, 'h3'),
    step: 3,
    params: P,
    expected: { finding: undefined, nearRun: 1 },
  },
  {
    name: 'near text steps, the answer the same twice then different: the chain restarts',
    history: [at(1, text('a', Z, 'h1'), { nearRun: 1 }), at(2, text('b', Z, 'h1'), { nearRun: 2 })],
    current: text('c', Z, 'h2'),
    step: 3,
    params: P,
    expected: { finding: undefined, nearRun: 1 },
  },
  // Windows written by an older version: missing fields match nothing, and nothing fails.
  {
    name: 'older entries: an old tool entry never chains or cycles with a new action',
    history: [legacy(1, { tool: 't', toolRun: 2 }), legacy(2, { tool: 't', toolRun: 3 }), at(3, act('x')), legacy(4, { tool: 't', toolRun: 1 })],
    current: act('x'),
    step: 5,
    params: P,
    expected: { finding: undefined, actionRun: 1 },
  },
  {
    name: 'older entries: two old entries are not an equal pair of a cycle',
    history: [legacy(1, {}), at(2, prompt('a')), legacy(3, {}), legacy(4, {}), at(5, prompt('a')), legacy(6, {})],
    current: prompt('a'),
    step: 7,
    params: P,
    expected: { finding: undefined },
  },
  {
    name: 'older entries: an old prompt entry still counts for an exact repeat',
    history: [legacy(1, { exact: 'ea', normalized: 'na', simhash: Z, nearRun: 1 })],
    current: prompt('a'),
    step: 2,
    params: P,
    expected: { finding: { loopType: 'exact_repeat', confidence: 1, matchedStep: 1, repeats: 2 } },
  },
  {
    name: 'older entries: no near chain from an old entry',
    history: [legacy(1, { simhash: Z, nearRun: 2 })],
    current: fp({ simhash: Z }),
    step: 2,
    params: P,
    expected: { finding: undefined, nearRun: 1 },
  },
];
