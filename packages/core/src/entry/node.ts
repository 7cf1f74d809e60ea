// @agentwall/core/node: what a framework adapter needs to translate Node's request and response for the core.
export { createAgentWall, isAgentWallPath, type AgentWall } from '../agentwall.js';
export { bodySourceOf, clientWentAway, toCoreRequest, writeCoreResponse } from '../http/node-http.js';
export type { BodySource, ClientGoneSignal, CoreRequest, CoreResponse, RequestOutcome } from '../http/types.js';
export type { AgentWallOptions } from '../options.js';
