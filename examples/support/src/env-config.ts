// Reads the example servers' environment (SPEC section 10) into AgentWall options, starting the mock LLM when needed.
import type { AgentWallOptions } from '@agentwall/core';
import { startMockLlm, type MockLlm } from '@agentwall/mock-llm';
import { RedisStore } from '@agentwall/redis';

/** The key the users' guide uses; accepted only when running on the mock LLM with no keys configured. */
export const GUIDE_DEV_KEY = 'aw-your-api-key';

/** What an example server needs to start. */
export interface ExampleConfig {
  port: number;
  options: AgentWallOptions;
  /** The in-process mock LLM, when the server runs on it. */
  mock?: MockLlm;
  /** The Redis store, when `REDIS_URL` is set (AgentWall does not close a store it was given). */
  store?: RedisStore;
  /** Lines to print at start-up. */
  notices: string[];
}

function number(env: Record<string, string | undefined>, name: string, integer: boolean): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new TypeError(`${name} must be a ${integer ? 'non-negative integer' : 'non-negative number'}, got "${raw}"`);
  }
  return n;
}

/**
 * Builds options from the environment: `PORT`, `AGENTWALL_API_KEYS`, `AGENTWALL_ADMIN_KEY`,
 * `AGENTWALL_UPSTREAM_URL`, `AGENTWALL_UPSTREAM_API_KEY` (default `OPENAI_API_KEY`),
 * `AGENTWALL_MOCK_UPSTREAM=1`, `AGENTWALL_MAX_STEPS`, `AGENTWALL_MAX_RUN_COST_USD`,
 * `AGENTWALL_DAILY_BUDGET_USD`, `AGENTWALL_MONTHLY_BUDGET_USD`, `AGENTWALL_LOOP_MODE`, and `REDIS_URL`
 * (the Redis store when set, memory otherwise). With no upstream key the bundled mock LLM is
 * started in-process and the server says so loudly.
 */
export async function exampleConfigFromEnv(env: Record<string, string | undefined> = process.env): Promise<ExampleConfig> {
  const notices: string[] = [];
  const port = number(env, 'PORT', true) ?? 8000;
  const upstreamKey = env['AGENTWALL_UPSTREAM_API_KEY'] || env['OPENAI_API_KEY'] || undefined;
  const useMock = env['AGENTWALL_MOCK_UPSTREAM'] === '1' || !upstreamKey;

  const keys = (env['AGENTWALL_API_KEYS'] ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length === 0) {
    if (!useMock) {
      throw new TypeError('AGENTWALL_API_KEYS is not set. With a real provider key AgentWall will not start without keys of its own.');
    }
    keys.push(GUIDE_DEV_KEY);
    notices.push(`No AGENTWALL_API_KEYS set: accepting the guide's development key "${GUIDE_DEV_KEY}" (mock LLM only).`);
  }

  const options: AgentWallOptions = {
    keys: keys.map((key) => ({ key })),
    env,
  };
  const adminKey = env['AGENTWALL_ADMIN_KEY'];
  if (adminKey) options.adminKey = adminKey;
  const maxSteps = number(env, 'AGENTWALL_MAX_STEPS', true);
  if (maxSteps !== undefined) options.maxSteps = maxSteps;
  const runCost = number(env, 'AGENTWALL_MAX_RUN_COST_USD', false);
  if (runCost !== undefined) options.maxRunCostUsd = runCost;
  const daily = number(env, 'AGENTWALL_DAILY_BUDGET_USD', false);
  if (daily !== undefined) options.dailyBudgetUsd = daily;
  const monthly = number(env, 'AGENTWALL_MONTHLY_BUDGET_USD', false);
  if (monthly !== undefined) options.monthlyBudgetUsd = monthly;
  const loopMode = env['AGENTWALL_LOOP_MODE'];
  if (loopMode) {
    if (loopMode !== 'block' && loopMode !== 'warn' && loopMode !== 'kill') throw new TypeError(`AGENTWALL_LOOP_MODE must be block, warn or kill, got "${loopMode}"`);
    options.loop = { mode: loopMode };
  }

  let store: RedisStore | undefined;
  const redisUrl = env['REDIS_URL'];
  if (redisUrl) {
    store = new RedisStore({ url: redisUrl, ...(env['AGENTWALL_REDIS_PREFIX'] ? { prefix: env['AGENTWALL_REDIS_PREFIX'] } : {}) });
    options.store = store;
    notices.push(`State in Redis at ${redisUrl.replace(/\/\/[^@]*@/, '//***@')}: every instance on it shares runs, budgets, kills and revocations.`);
  }

  let mock: MockLlm | undefined;
  if (useMock) {
    mock = await startMockLlm({ port: 0 });
    options.upstream = { url: mock.url };
    notices.push(
      `*** No upstream key (AGENTWALL_UPSTREAM_API_KEY / OPENAI_API_KEY) set${env['AGENTWALL_MOCK_UPSTREAM'] === '1' ? ' or AGENTWALL_MOCK_UPSTREAM=1' : ''}: ` +
        `answering from the bundled MOCK LLM at ${mock.url}. Answers are canned, not a real model. ***`,
    );
  } else {
    options.upstream = { url: env['AGENTWALL_UPSTREAM_URL'] || 'https://api.openai.com/v1', apiKey: upstreamKey! };
    notices.push(`Forwarding to ${options.upstream.url}.`);
  }
  return { port, options, ...(mock ? { mock } : {}), ...(store ? { store } : {}), notices };
}
