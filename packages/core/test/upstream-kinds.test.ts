// Upstream kinds: which upstream a protocol's requests go to, how each kind sends its key, and the defaults.
import { configOf } from '../src/agentwall.js';
import { createAgentWall, type AgentWallOptions } from '../src/index.js';
import { Upstreams } from '../src/forward/upstreams.js';
import { isAgentWallError } from '../src/errors.js';

const quiet = { info() {}, warn() {}, error() {} };
const timeouts = { connectMs: 1, firstByteMs: 1, idleMs: 1 };
const make = (options: Partial<AgentWallOptions>) => createAgentWall({ keys: [{ key: 'aw-key-123456' }], logger: quiet, env: {}, ...options });

describe('upstream kinds', () => {
  it('routes among the upstreams of the kind the protocol speaks, by model pattern, with a fallback per kind', async () => {
    const u = new Upstreams(
      [
        { url: 'http://openai.test/v1' },
        { kind: 'anthropic', url: 'http://deepseek.test/anthropic', models: ['deepseek-*'] },
        { url: 'http://router.test/v1', models: ['claude-*'] },
        { kind: 'anthropic', url: 'http://claude.test' },
      ],
      timeouts,
    );
    expect(u.route('claude-sonnet-4-5', 'anthropic').origin).toBe('http://claude.test');
    expect(u.route('deepseek-chat', 'anthropic').origin).toBe('http://deepseek.test');
    expect(u.route('deepseek-chat', 'anthropic').basePath).toBe('/anthropic');
    // Chat completions for claude-* go to the OpenAI-kind upstream that claims them, never to an Anthropic one.
    expect(u.route('claude-sonnet-4-5').origin).toBe('http://router.test');
    expect(u.route('gpt-4o', 'openai').origin).toBe('http://openai.test');
    await u.close();
  });

  it('sends the key as Bearer for OpenAI and as x-api-key for Anthropic, nothing when keyless', async () => {
    const u = new Upstreams([{ url: 'http://a.test/v1', apiKey: 'sk-o' }, { kind: 'anthropic', url: 'http://b.test/v1', apiKey: 'sk-a' }, { kind: 'anthropic', url: 'http://c.test', models: ['local-*'], apiKey: '' }], timeouts);
    expect(u.route('m').credentials).toEqual({ authorization: 'Bearer sk-o' });
    const anthropic = u.route('claude-x', 'anthropic');
    expect(anthropic.credentials).toEqual({ 'x-api-key': 'sk-a' });
    expect(anthropic.authorization).toBeUndefined();
    // A base URL written with /v1 is the same API root: the Messages paths carry their version.
    expect(anthropic.basePath).toBe('');
    expect(u.route('local-llm', 'anthropic').credentials).toEqual({});
    await u.close();
  });

  it('says which kind is missing when a protocol has no upstream', async () => {
    const u = new Upstreams([{ url: 'http://a.test/v1' }], timeouts);
    expect(u.speaks('openai')).toBe(true);
    expect(u.speaks('anthropic')).toBe(false);
    let caught: unknown;
    try {
      u.route('claude-x', 'anthropic');
    } catch (err) {
      caught = err;
    }
    expect(isAgentWallError(caught) && caught.status).toBe(404);
    await u.close();
  });

  it('defaults to OpenAI and Anthropic with their environment keys when no upstream is given', async () => {
    const aw = make({ env: { OPENAI_API_KEY: 'sk-openai-env', ANTHROPIC_API_KEY: 'sk-ant-env' } });
    const { upstreams } = configOf(aw);
    expect(upstreams.route('gpt-4o')).toMatchObject({ origin: 'https://api.openai.com', basePath: '/v1', credentials: { authorization: 'Bearer sk-openai-env' } });
    expect(upstreams.route('claude-sonnet-4-5', 'anthropic')).toMatchObject({ origin: 'https://api.anthropic.com', basePath: '', credentials: { 'x-api-key': 'sk-ant-env' } });
    await aw.close();
  });

  it('reads ANTHROPIC_API_KEY for every Anthropic upstream without a key, and an explicit key wins', async () => {
    const aw = make({ env: { ANTHROPIC_API_KEY: 'sk-ant-env', OPENAI_API_KEY: 'sk-openai-env' }, upstreams: [{ url: 'http://o.test/v1' }, { kind: 'anthropic' }, { kind: 'anthropic', url: 'http://own.test', apiKey: 'sk-own', models: ['own-*'] }] });
    const { upstreams } = configOf(aw);
    expect(upstreams.route('claude-x', 'anthropic')).toMatchObject({ origin: 'https://api.anthropic.com', credentials: { 'x-api-key': 'sk-ant-env' } });
    expect(upstreams.route('own-model', 'anthropic').credentials).toEqual({ 'x-api-key': 'sk-own' });
    // As before kinds: only the single `upstream` option reads OPENAI_API_KEY.
    expect(upstreams.route('gpt-4o').credentials).toEqual({});
    await aw.close();
  });

  it('takes a single upstream of either kind, and refuses an unknown kind naming the option', async () => {
    const only = make({ upstream: { kind: 'anthropic' }, env: { ANTHROPIC_API_KEY: 'sk-ant-env' } });
    expect(configOf(only).upstreams.speaks('openai')).toBe(false);
    expect(configOf(only).upstreams.route('c', 'anthropic').credentials).toEqual({ 'x-api-key': 'sk-ant-env' });
    await only.close();
    expect(() => make({ upstream: { kind: 'gemini' as 'openai' } })).toThrow(/`upstream.kind`/);
  });
});
