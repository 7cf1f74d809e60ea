// The AgentWall options every AgentWall contender shares: one key, the mock upstream, and no limits in the way of load.
import type { AgentWallOptions, Logger } from '@agentwall/express';
import { contenderEnv } from './contender-env.js';

// Warnings and errors still reach the orchestrator's terminal; per-request info would only measure the logger.
const logger: Logger = {
  info: () => {},
  warn: (msg, fields) => console.warn(msg, fields ?? ''),
  error: (msg, fields) => console.error(msg, fields ?? ''),
};

/**
 * The shared options, then the entry's own (`options` in the contender list), then `extra` (a store).
 * Everything else is AgentWall's default. Every request is a run of one step: no run id is sent,
 * step and cost limits are off, so neither they nor loop detection refuse anything under load.
 */
export function agentwallOptions(extra: Record<string, unknown> = {}): AgentWallOptions {
  const env = contenderEnv();
  return agentwallOptionsFor({ ...env, ...env.options, ...extra });
}

/** The shared options for an upstream and a key given directly (the in-process core-cost loop), `rest` over them. */
export function agentwallOptionsFor({ agentKey, upstreamUrl, upstreamKey, redisUrl: _redis, options: _options, ...rest }: { agentKey: string; upstreamUrl: string; upstreamKey: string; [option: string]: unknown }): AgentWallOptions {
  return {
    keys: [{ key: agentKey, name: 'bench' }],
    // The same mock answers both kinds; Anthropic's base URL is the origin, without /v1.
    upstreams: [
      { url: upstreamUrl, apiKey: upstreamKey },
      { kind: 'anthropic', url: new URL(upstreamUrl).origin, apiKey: upstreamKey },
    ],
    maxSteps: 0,
    maxRunCostUsd: null,
    logger,
    env: {},
    ...rest,
  } as AgentWallOptions;
}

/** What the AgentWall under test has on, read from the options it was given (absent: the default, on), for the row's notes. */
export function describeAgentWall(options: AgentWallOptions): string {
  const o = options as { dlp?: false | { kinds?: Record<string, string> }; loop?: false | object };
  const dlp = o.dlp === false ? 'DLP off' : Object.keys(o.dlp?.kinds ?? {}).length > 0 ? 'DLP custom policy' : 'DLP default policy';
  const loop = o.loop === false ? 'loop detection off' : 'loop detection on';
  return `${dlp}, ${loop}`;
}
