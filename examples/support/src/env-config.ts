// Reads the example servers' environment (SPEC section 10) into AgentWall options, starting the mock LLM when needed.
import type { AgentWallOptions, UpstreamOptions } from '@agentwall/core';
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

/** Where the example server forwards, and why (said at start-up). */
type UpstreamChoice =
  | { kind: 'mock'; why: string }
  | { kind: 'provider'; url: string; apiKey: string; why: string }
  | { kind: 'keyless'; url: string; apiKey?: undefined; why: string };

/**
 * The upstream the environment asks for: the mock when `AGENTWALL_MOCK_UPSTREAM=1`; a URL with its key; a URL
 * alone is a keyless upstream (a local model server: Ollama, vLLM, llama.cpp, LM Studio), forwarded to
 * without `Authorization`; a key alone goes to OpenAI; nothing at all runs on the mock LLM.
 */
function chooseUpstream(env: Record<string, string | undefined>): UpstreamChoice {
  const url = env['AGENTWALL_UPSTREAM_URL'] || undefined;
  const keyName = env['AGENTWALL_UPSTREAM_API_KEY'] ? 'AGENTWALL_UPSTREAM_API_KEY' : env['OPENAI_API_KEY'] ? 'OPENAI_API_KEY' : undefined;
  const apiKey = keyName ? env[keyName] : undefined;
  if (env['AGENTWALL_MOCK_UPSTREAM'] === '1') return { kind: 'mock', why: 'AGENTWALL_MOCK_UPSTREAM=1' };
  if (url && apiKey) return { kind: 'provider', url, apiKey, why: `AGENTWALL_UPSTREAM_URL, key from ${keyName}` };
  if (url) return { kind: 'keyless', url, why: 'AGENTWALL_UPSTREAM_URL without a key: no Authorization is sent upstream' };
  if (apiKey) return { kind: 'provider', url: 'https://api.openai.com/v1', apiKey, why: `key from ${keyName}` };
  return { kind: 'mock', why: 'no AGENTWALL_UPSTREAM_URL and no OPENAI_API_KEY / AGENTWALL_UPSTREAM_API_KEY set' };
}

/**
 * The upstream of Anthropic's Messages API (`/v1/messages`): the mock when `AGENTWALL_MOCK_UPSTREAM=1`;
 * `AGENTWALL_ANTHROPIC_URL` with `ANTHROPIC_API_KEY`; that URL alone is keyless (no `x-api-key` sent); the key
 * alone goes to https://api.anthropic.com; with neither, the bundled mock serves it, whatever serves OpenAI.
 */
function chooseAnthropic(env: Record<string, string | undefined>): UpstreamChoice {
  const url = env['AGENTWALL_ANTHROPIC_URL'] || undefined;
  const apiKey = env['ANTHROPIC_API_KEY'] || undefined;
  if (env['AGENTWALL_MOCK_UPSTREAM'] === '1') return { kind: 'mock', why: 'AGENTWALL_MOCK_UPSTREAM=1' };
  if (url && apiKey) return { kind: 'provider', url, apiKey, why: 'AGENTWALL_ANTHROPIC_URL, key from ANTHROPIC_API_KEY' };
  if (url) return { kind: 'keyless', url, why: 'AGENTWALL_ANTHROPIC_URL without ANTHROPIC_API_KEY: no x-api-key is sent upstream' };
  if (apiKey) return { kind: 'provider', url: 'https://api.anthropic.com', apiKey, why: 'key from ANTHROPIC_API_KEY' };
  return { kind: 'mock', why: 'no ANTHROPIC_API_KEY and no AGENTWALL_ANTHROPIC_URL set' };
}

/**
 * Builds options from the environment: `PORT`, `AGENTWALL_API_KEYS`, `AGENTWALL_ADMIN_KEY`,
 * `AGENTWALL_UPSTREAM_URL`, `AGENTWALL_UPSTREAM_API_KEY` (default `OPENAI_API_KEY`), `ANTHROPIC_API_KEY`,
 * `AGENTWALL_ANTHROPIC_URL`, `AGENTWALL_MOCK_UPSTREAM=1`, `AGENTWALL_MAX_STEPS`,
 * `AGENTWALL_MAX_RUN_COST_USD`, `AGENTWALL_DAILY_BUDGET_USD`, `AGENTWALL_MONTHLY_BUDGET_USD`,
 * `AGENTWALL_LOOP_MODE`, and `REDIS_URL` (the Redis store when set, memory otherwise). Two upstreams: one of
 * the OpenAI kind, one of the Anthropic kind for the Messages API; whichever has no upstream configured runs
 * on the bundled mock LLM, started in-process; a URL without a key is a keyless upstream. Start-up says
 * which serves what, and why.
 */
export async function exampleConfigFromEnv(env: Record<string, string | undefined> = process.env): Promise<ExampleConfig> {
  const notices: string[] = [];
  const port = number(env, 'PORT', true) ?? 8000;
  const upstream = chooseUpstream(env);
  const anthropic = chooseAnthropic(env);

  const keys = (env['AGENTWALL_API_KEYS'] ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length === 0) {
    if (upstream.kind === 'provider' || anthropic.kind === 'provider') {
      throw new TypeError('AGENTWALL_API_KEYS is not set. With a provider key AgentWall will not start without keys of its own.');
    }
    keys.push(GUIDE_DEV_KEY);
    notices.push(`No AGENTWALL_API_KEYS set: accepting the guide's development key "${GUIDE_DEV_KEY}" (${upstream.kind === 'mock' ? 'mock LLM' : 'keyless upstream'}, listening on 127.0.0.1 only).`);
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

  const mock = upstream.kind === 'mock' || anthropic.kind === 'mock' ? await startMockLlm({ port: 0 }) : undefined;
  let openai: UpstreamOptions;
  if (upstream.kind === 'mock') {
    openai = { url: mock!.url };
    notices.push(`Upstream: the bundled MOCK LLM at ${mock!.url} (${upstream.why}). Answers are canned, not a real model.`);
  } else {
    openai = upstream.apiKey ? { url: upstream.url, apiKey: upstream.apiKey } : { url: upstream.url };
    notices.push(`Upstream: ${upstream.url} (${upstream.why}).`);
  }
  let messages: UpstreamOptions;
  if (anthropic.kind === 'mock') {
    // Anthropic's base URL has no /v1: the Messages paths carry it.
    messages = { kind: 'anthropic', url: mock!.origin, apiKey: '' };
    notices.push(`Messages API (/v1/messages): the bundled MOCK LLM at ${mock!.origin} (${anthropic.why}). Answers are canned, not a real model.`);
  } else {
    messages = { kind: 'anthropic', url: anthropic.url, apiKey: anthropic.apiKey ?? '' };
    notices.push(`Messages API (/v1/messages): ${anthropic.url} (${anthropic.why}).`);
  }
  options.upstreams = [openai, messages];
  return { port, options, ...(mock ? { mock } : {}), ...(store ? { store } : {}), notices };
}
