// Public API of @agentwall/core.
export { createAgentWall, isAgentWallPath, type AgentWall } from './agentwall.js';
export type { AgentWallConfig } from './config.js';
export { AgentWallError, ERROR_STATUS, isAgentWallError, type AgentWallErrorCode, type ValidationIssue } from './errors.js';
export type { AgentWallOptions, KeySettings, Logger, UpstreamOptions } from './options.js';
export type { KeyIdentity } from './auth/key-ring.js';
export type { BodySource, CoreRequest, CoreResponse, RequestOutcome } from './http/types.js';
export { bodySourceOf, clientGoneSignal, toCoreRequest, writeCoreResponse } from './http/node-http.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export { RUN_LIMITS } from './store/store.js';
export type {
  AdmitRequest,
  AdmitVerdict,
  BlockedAttempt,
  RunKey,
  RunState,
  SettleRequest,
  SettleResult,
  StepRecord,
  Store,
} from './store/store.js';
export type { AgentWallMetadata } from './pipeline/metadata.js';
