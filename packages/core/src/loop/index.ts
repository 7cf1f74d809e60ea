// Public surface of the loop detector: fingerprint a protocol-neutral view in TypeScript, decide in the store (in-process or Lua).
export { detectLoop } from './detect.js';
export { fingerprintView } from './fingerprint.js';
export { commandBlocks } from './command-blocks.js';
export { hammingHex64 } from './hamming.js';
export { normalizeText } from './normalize.js';
export { canonicalArguments } from './canonical-json.js';
export { wordSketch } from './word-sketch.js';
export { DEFAULT_LOOP_PARAMS, similarityToDistance, type LoopParams } from './params.js';
export type { LoopDecision, LoopFinding, LoopType, StepFingerprint, StepKind, WindowEntry } from './types.js';
export type { LoopCall, LoopContent, LoopMessage, LoopView } from './view.js';
