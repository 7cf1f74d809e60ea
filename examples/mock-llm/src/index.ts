// Public entry of @agentwall/mock-llm: a deterministic mock LLM speaking OpenAI's and Anthropic's APIs.
export { startMockLlm } from './server.js';
export { createMockLlmHandler } from './handler.js';
export { MOCK_POEM, CALL_TOOL_MARKER, LOOP_TOOL_MARKER, NO_TOOL_MARKER, deriveAnswer, toolResultAnswer } from './text/answer.js';
export { MOCK_REASONING_TOKENS, openAiCachedTokens, isReasoningModel } from './text/tokens.js';
export { schemaValue, toolArguments } from './tools/schema-arguments.js';
export type { MockFailure, MockLlm, MockLlmHandler, MockLlmOptions, RecordedRequest, StartMockLlmOptions } from './types.js';
