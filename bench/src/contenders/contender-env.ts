// What a contender process is told by the orchestrator, through its environment.

/** Settings every contender process reads. */
export interface ContenderEnv {
  /** The mock LLM's base URL, with /v1. */
  upstreamUrl: string;
  upstreamKey: string;
  /** The key load-generating clients present to AgentWall. */
  agentKey: string;
  redisUrl: string | undefined;
  /** AgentWall options of this contender's entry, over the shared ones. */
  options: Record<string, unknown>;
}

/** Reads the contender environment; throws when the orchestrator left something out. */
export function contenderEnv(env: NodeJS.ProcessEnv = process.env): ContenderEnv {
  const upstreamUrl = env['BENCH_UPSTREAM_URL'];
  if (!upstreamUrl) throw new Error('BENCH_UPSTREAM_URL is required');
  return {
    upstreamUrl,
    upstreamKey: env['BENCH_UPSTREAM_KEY'] ?? 'sk-bench-upstream',
    agentKey: env['BENCH_AGENT_KEY'] ?? 'aw-bench-agent-key',
    redisUrl: env['BENCH_REDIS_URL'] || undefined,
    options: JSON.parse(env['BENCH_AGENTWALL_OPTIONS'] || '{}') as Record<string, unknown>,
  };
}
