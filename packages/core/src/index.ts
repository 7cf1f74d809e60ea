// Public API of @agentwall/core: what an app needs. Adapter authors: `@agentwall/core/node`; store authors:
// `@agentwall/core/store` and `@agentwall/core/testing`. Everything else is internal and may change.
export { createAgentWall, type AgentWall } from './agentwall.js';
export { AgentWallError, ERROR_STATUS, isAgentWallError, type AgentWallErrorCode, type ErrorFormat, type ValidationIssue } from './errors.js';
export type { AgentWallOptions, KeySettings, Logger, LoopOptions, UpstreamKind, UpstreamOptions } from './options.js';
export type { RequestOutcome } from './http/types.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export type { Store } from './store/store.js';
export type { AgentWallMetadata } from './pipeline/metadata.js';
export { CHANNELS, type RefusalEvent, type StepEvent } from './events/events.js';
export { createDlpScanner, DEFAULT_DLP_ACTIONS, type DlpAction, type DlpCustomPattern, type DlpKind, type DlpScanner } from './dlp/index.js';
