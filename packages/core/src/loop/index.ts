// Public surface of the loop detector: fingerprint in TypeScript, decide in the store (in-process or Lua).
export { detectLoop } from './detect.js';
export { fingerprintRequest } from './fingerprint.js';
export { hammingHex64 } from './hamming.js';
export { normalizeText } from './normalize.js';
export { canonicalArguments } from './canonical-json.js';
export { wordSketch } from './word-sketch.js';
export { DEFAULT_LOOP_PARAMS, similarityToDistance, type LoopParams } from './params.js';
export type { LoopDecision, LoopFinding, LoopType, StepFingerprint, WindowEntry } from './types.js';
