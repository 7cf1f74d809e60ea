// Public entry of @agentwall/mock-llm: a deterministic OpenAI-compatible mock LLM server.
export { startMockLlm } from './server.js';
export { createMockLlmHandler } from './handler.js';
export { MOCK_POEM, CALL_TOOL_MARKER, deriveAnswer } from './completion-plan.js';
export type { MockFailure, MockLlm, MockLlmHandler, MockLlmOptions, RecordedRequest, StartMockLlmOptions } from './types.js';
