// Options: defaults, and construction errors that name the bad option.
import { createAgentWall, type AgentWallOptions } from '../src/index.js';
import { configOf } from '../src/agentwall.js';

const quiet = { info() {}, warn() {}, error() {} };
const ok = { keys: [{ key: 'aw-key-123456', name: 'a' }], env: {}, logger: quiet };

describe('options', () => {
  it('refuses to start without keys unless auth "none" is said out loud', () => {
    expect(() => createAgentWall({ env: {} })).toThrow(/no API keys configured.*auth: "none"/s);
    const aw = createAgentWall({ auth: 'none', env: {} });
    expect(configOf(aw).options.auth).toBe('none');
    void aw.close();
  });

  it('reads keys and the admin key from the environment', async () => {
    const aw = createAgentWall({ env: { AGENTWALL_API_KEYS: ' aw-one-1234567 , aw-two-1234567 ', AGENTWALL_ADMIN_KEY: 'aw-admin-1234567' } });
    await expect(configOf(aw).auth.authenticate({ authorization: 'Bearer aw-two-1234567' })).resolves.toMatchObject({ isAdmin: false });
    await expect(configOf(aw).auth.authenticate({ authorization: 'Bearer aw-admin-1234567' })).resolves.toMatchObject({ isAdmin: true });
    await aw.close();
  });

  it('applies defaults', async () => {
    const aw = createAgentWall(ok);
    expect(configOf(aw).maxBodyBytes).toBe(10 * 1024 * 1024);
    expect(configOf(aw).maxSteps).toBe(50);
    expect(configOf(aw).runTtlMs).toBe(24 * 3600 * 1000);
    expect(configOf(aw).options.timeouts).toEqual({ connectMs: 10_000, firstByteMs: 120_000, idleMs: 120_000 });
    expect(configOf(aw).upstreams.route('gpt-4o').origin).toBe('https://api.openai.com');
    expect(configOf(aw).shutdownTimeoutMs).toBe(10_000);
    await aw.close();
    const unbounded = createAgentWall({ ...ok, shutdownTimeoutMs: Infinity });
    expect(configOf(unbounded).shutdownTimeoutMs).toBe(Infinity);
    await unbounded.close();
  });

  it('takes an undefined field as its default, as a value read from the environment often is', async () => {
    // Typed as a user's `process.env` reads are: this file is type-checked with exactOptionalPropertyTypes,
    // so the public option types must say `| undefined` for this to compile.
    const env: Record<string, string | undefined> = {};
    const num = (name: string): number | undefined => (env[name] ? Number(env[name]) : undefined);
    const options: AgentWallOptions = {
      auth: undefined,
      keys: [{ key: 'aw-key-123456', keyHash: undefined, name: env['AW_NAME'], maxSteps: num('AW_STEPS'), models: undefined, budgets: { runUsd: num('AW_RUN_USD'), dailyUsd: undefined, monthlyUsd: undefined }, loop: { mode: undefined, window: undefined, similarity: undefined, nearRepeats: undefined, toolRepeats: undefined } }],
      verifyKey: undefined,
      adminKey: env['AGENTWALL_ADMIN_KEY'],
      upstream: { url: env['UPSTREAM_URL'] ?? 'https://api.openai.com/v1', apiKey: env['OPENAI_API_KEY'], models: undefined, headers: undefined },
      upstreams: undefined,
      timeouts: { connectMs: num('CONNECT_MS'), firstByteMs: undefined, idleMs: undefined },
      maxBodyBytes: num('MAX_BODY'),
      maxSteps: num('MAX_STEPS'),
      maxRunCostUsd: num('RUN_USD'),
      dailyBudgetUsd: num('DAY_USD'),
      monthlyBudgetUsd: undefined,
      maxRunDurationMs: undefined,
      unknownModel: undefined,
      prices: { 'my-model': { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: undefined, cacheWritePerMTok: undefined } },
      priceProvider: env['PRICE_PROVIDER'],
      outputTokenCap: undefined,
      failOpen: { auth: undefined, budgets: undefined, loop: undefined },
      loop: undefined,
      dlp: { kinds: undefined, custom: [{ name: 'ticket', pattern: /TICKET-\d+/, action: undefined, validate: undefined, maxLength: undefined }], responses: undefined },
      runTtlMs: undefined,
      maxRunsInMemory: num('MAX_RUNS'),
      shutdownTimeoutMs: undefined,
      store: undefined,
      logger: quiet,
      env: {},
      now: undefined,
    };
    const aw = createAgentWall(options);
    const defaults = createAgentWall(ok);
    expect(configOf(aw).maxBodyBytes).toBe(configOf(defaults).maxBodyBytes);
    expect(configOf(aw).maxSteps).toBe(50);
    expect(configOf(aw).options.maxRunCostUsd).toBe(configOf(defaults).options.maxRunCostUsd);
    expect(configOf(aw).options.timeouts).toEqual(configOf(defaults).options.timeouts);
    expect(configOf(aw).options.failOpen).toEqual(configOf(defaults).options.failOpen);
    expect(configOf(aw).loop).toEqual(configOf(defaults).loop);
    expect(configOf(aw).runTtlMs).toBe(configOf(defaults).runTtlMs);
    expect(configOf(aw).shutdownTimeoutMs).toBe(configOf(defaults).shutdownTimeoutMs);
    expect(configOf(aw).upstreams.route('gpt-4o').origin).toBe('https://api.openai.com');
    expect(configOf(aw).dlp?.scanText('see TICKET-42').text).toBe('see [REDACTED:ticket]');
    expect(configOf(aw).dlp?.actions).toEqual(configOf(defaults).dlp?.actions);
    await expect(configOf(aw).auth.authenticate({ authorization: 'Bearer aw-key-123456' })).resolves.toMatchObject({ isAdmin: false });
    await Promise.all([aw.close(), defaults.close()]);
  });

  it.each([
    [{ maxBodyBytes: -1 }, /`maxBodyBytes`/],
    [{ timeouts: { connectMs: 'soon' } }, /`timeouts.connectMs`/],
    [{ upstream: { url: 'ftp://x' } }, /`upstream.url`/],
    [{ keys: [{ key: 'short' }] }, /`keys.0.key`/],
    [{ keys: [{ key: 'aw-key-123456', keyHash: 'a'.repeat(64) }] }, /`keys.0`.*exactly one/],
    [{ maxStpes: 3 }, /maxStpes/],
    [{ logger: { log() {} } }, /`logger`/],
    [{ shutdownTimeoutMs: -1 }, /`shutdownTimeoutMs`/],
    [{ shutdownTimeoutMs: 1.5 }, /`shutdownTimeoutMs`/],
  ])('throws a TypeError naming the bad option: %j', (bad, message) => {
    expect(() => createAgentWall({ ...ok, ...(bad as object) })).toThrow(TypeError);
    expect(() => createAgentWall({ ...ok, ...(bad as object) })).toThrow(message);
  });

  it('routes models to upstreams by pattern, with a fallback', async () => {
    const aw = createAgentWall({
      ...ok,
      upstreams: [
        { url: 'http://127.0.0.1:1/v1', models: ['claude-*'] },
        { url: 'http://127.0.0.2:2/openai/v1' },
      ],
    });
    expect(configOf(aw).upstreams.route('claude-3-5-sonnet').origin).toBe('http://127.0.0.1:1');
    const fallback = configOf(aw).upstreams.route('gpt-4o');
    expect(fallback.origin).toBe('http://127.0.0.2:2');
    expect(fallback.basePath).toBe('/openai/v1');
    await aw.close();
  });

  it('refuses the same key listed twice', () => {
    expect(() => createAgentWall({ ...ok, keys: [{ key: 'aw-key-123456' }, { key: 'aw-key-123456' }] })).toThrow(/listed twice/);
  });
});
