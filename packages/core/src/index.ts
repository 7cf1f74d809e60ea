// Public API of @agentwall/core.
export { createAgentWall, isAgentWallPath, type AgentWall } from './agentwall.js';
export type { AgentWallConfig } from './config.js';
export { AgentWallError, ERROR_STATUS, isAgentWallError, type AgentWallErrorCode, type ValidationIssue } from './errors.js';
export type { AgentWallOptions, KeySettings, Logger, LoopOptions, UpstreamOptions } from './options.js';
export type { KeyIdentity } from './auth/key-ring.js';
export type { BodySource, ClientGoneSignal, CoreRequest, CoreResponse, RequestOutcome } from './http/types.js';
export { bodySourceOf, toCoreRequest, writeCoreResponse } from './http/node-http.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export { RUN_LIMITS } from './store/store.js';
export type {
  AdmitRequest,
  AdmitVerdict,
  BlockedAttempt,
  BudgetReservation,
  BudgetScope,
  KeyUsage,
  LoopCheck,
  PeriodUsage,
  RunKey,
  RunState,
  SettleRequest,
  SettleResult,
  StepRecord,
  Store,
} from './store/store.js';
export type { AgentWallMetadata } from './pipeline/metadata.js';
export {
  DEFAULT_LOOP_PARAMS,
  detectLoop,
  fingerprintView,
  hammingHex64,
  similarityToDistance,
  type LoopDecision,
  type LoopFinding,
  type LoopParams,
  type LoopType,
  type LoopCall,
  type LoopContent,
  type LoopMessage,
  type LoopView,
  type StepFingerprint,
  type StepKind,
  type WindowEntry,
} from './loop/index.js';
export { chatLoopView } from './protocols/openai-chat/loop-view.js';
export { createDlpScanner, DEFAULT_DLP_ACTIONS, type DlpAction, type DlpConfig, type DlpCustomPattern, type DlpKind, type DlpScanner } from './dlp/index.js';
export { createPriceBook, type ModelPrice, type PriceBook, type ResolvedPrice } from './cost/index.js';
export { utcDay, utcMonth } from './store/periods.js';
