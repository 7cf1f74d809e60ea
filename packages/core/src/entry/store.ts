// @agentwall/core/store: what a Store implementation needs: the contract's types, its bounds, and the loop decision
// it must take inside its atomic admit.
export type {
  AdmitRequest,
  AdmitVerdict,
  BlockedAttempt,
  BudgetReservation,
  BudgetScope,
  KeyUsage,
  LeaseRef,
  LoopCheck,
  PeriodUsage,
  ResponseCall,
  ResponseRecord,
  RunKey,
  RunState,
  SettleRequest,
  SettleResult,
  StepRecord,
  Store,
} from '../store/store.js';
export { DEFAULT_LEASE_MS, RESPONSE_LIMITS, RUN_LIMITS, SWEEP_LIMIT } from '../store/store.js';
export { newAdmitId } from '../store/admit-id.js';
export { MemoryStore, type MemoryStoreOptions } from '../store/memory-store.js';
export { utcDay, utcMonth } from '../store/periods.js';
export {
  DEFAULT_LOOP_PARAMS,
  detectLoop,
  hammingHex64,
  similarityToDistance,
  type LoopDecision,
  type LoopFinding,
  type LoopParams,
  type LoopType,
  type StepFingerprint,
  type WindowEntry,
} from '../loop/index.js';
export { fingerprintView } from '../loop/fingerprint.js';
export type { LoopCall, LoopContent, LoopMessage, LoopView } from '../loop/view.js';
export type { Logger } from '../options.js';
