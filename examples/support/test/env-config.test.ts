// The example servers' environment: which upstream they use and why, keyless local model servers, and the keys they need.
import express from 'express';
import request from 'supertest';
import { agentwall } from '@agentwall/express';
import { startMockLlm } from '@agentwall/mock-llm';
import { exampleConfigFromEnv, GUIDE_DEV_KEY } from '../src/index.js';

describe('exampleConfigFromEnv', () => {
  it('runs on the mock LLM when no upstream is set, and says why', async () => {
    const config = await exampleConfigFromEnv({ PORT: '0' });
    try {
      expect(config.mock).toBeDefined();
      expect(config.options.upstreams).toEqual([{ url: config.mock!.url }, { kind: 'anthropic', url: config.mock!.origin, apiKey: '' }]);
      expect(config.notices.join('\n')).toMatch(/MOCK LLM .*no AGENTWALL_UPSTREAM_URL and no OPENAI_API_KEY/);
      expect(config.notices.join('\n')).toMatch(/Messages API \(\/v1\/messages\): the bundled MOCK LLM at http:\/\/127\.0\.0\.1:\d+ \(no ANTHROPIC_API_KEY and no AGENTWALL_ANTHROPIC_URL set\)/);
      expect(config.options.keys).toEqual([{ key: GUIDE_DEV_KEY }]);
    } finally {
      await config.mock?.close();
    }
  });

  it('honours a URL alone as a keyless upstream (a local model server), accepting the dev key', async () => {
    const config = await exampleConfigFromEnv({ AGENTWALL_UPSTREAM_URL: 'http://127.0.0.1:11434/v1' });
    try {
      // The mock still serves the Messages API, which has no upstream of its own here.
      expect(config.options.upstreams![0]).toEqual({ url: 'http://127.0.0.1:11434/v1' });
      expect(config.options.upstreams![1]).toEqual({ kind: 'anthropic', url: config.mock!.origin, apiKey: '' });
      expect(config.notices.join('\n')).toMatch(/Upstream: http:\/\/127\.0\.0\.1:11434\/v1 \(AGENTWALL_UPSTREAM_URL without a key: no Authorization is sent upstream\)/);
      expect(config.options.keys).toEqual([{ key: GUIDE_DEV_KEY }]);
    } finally {
      await config.mock?.close();
    }
  });

  it('needs AGENTWALL_API_KEYS with a provider key, and uses the URL with it', async () => {
    await expect(exampleConfigFromEnv({ OPENAI_API_KEY: 'sk-real-looking-key' })).rejects.toThrow(/AGENTWALL_API_KEYS is not set/);
    const config = await exampleConfigFromEnv({ OPENAI_API_KEY: 'sk-x', AGENTWALL_UPSTREAM_URL: 'https://llm.internal/v1', AGENTWALL_API_KEYS: 'aw-a-key-1234, aw-b-key-5678' });
    try {
      expect(config.options.upstreams![0]).toEqual({ url: 'https://llm.internal/v1', apiKey: 'sk-x' });
      expect(config.options.keys).toEqual([{ key: 'aw-a-key-1234' }, { key: 'aw-b-key-5678' }]);
      expect(config.notices.join('\n')).toContain('key from OPENAI_API_KEY');
      expect(config.notices.join('\n')).not.toContain('sk-x');
    } finally {
      await config.mock?.close();
    }
  });

  it('serves the Messages API from ANTHROPIC_API_KEY and AGENTWALL_ANTHROPIC_URL, saying which and why', async () => {
    await expect(exampleConfigFromEnv({ ANTHROPIC_API_KEY: 'sk-ant-real-looking' })).rejects.toThrow(/AGENTWALL_API_KEYS is not set/);
    const keyOnly = await exampleConfigFromEnv({ ANTHROPIC_API_KEY: 'sk-ant-x', AGENTWALL_API_KEYS: 'aw-a-key-1234' });
    try {
      expect(keyOnly.options.upstreams![1]).toEqual({ kind: 'anthropic', url: 'https://api.anthropic.com', apiKey: 'sk-ant-x' });
      expect(keyOnly.notices.join('\n')).toContain('Messages API (/v1/messages): https://api.anthropic.com (key from ANTHROPIC_API_KEY).');
      expect(keyOnly.notices.join('\n')).not.toContain('sk-ant-x');
      // OpenAI has no upstream here, so the mock serves it; the Messages API does not run on the mock.
      expect(keyOnly.options.upstreams![0]).toEqual({ url: keyOnly.mock!.url });
    } finally {
      await keyOnly.mock?.close();
    }
    const both = await exampleConfigFromEnv({ ANTHROPIC_API_KEY: 'sk-ant-x', AGENTWALL_ANTHROPIC_URL: 'https://gateway.internal/anthropic', OPENAI_API_KEY: 'sk-o', AGENTWALL_API_KEYS: 'aw-a-key-1234' });
    expect(both.mock).toBeUndefined();
    expect(both.options.upstreams).toEqual([
      { url: 'https://api.openai.com/v1', apiKey: 'sk-o' },
      { kind: 'anthropic', url: 'https://gateway.internal/anthropic', apiKey: 'sk-ant-x' },
    ]);
    expect(both.notices.join('\n')).toContain('(AGENTWALL_ANTHROPIC_URL, key from ANTHROPIC_API_KEY)');
    const mocked = await exampleConfigFromEnv({ AGENTWALL_MOCK_UPSTREAM: '1', ANTHROPIC_API_KEY: 'sk-ant-x', AGENTWALL_API_KEYS: 'aw-a-key-1234' });
    try {
      expect(mocked.options.upstreams![1]).toEqual({ kind: 'anthropic', url: mocked.mock!.origin, apiKey: '' });
      expect(mocked.notices.join('\n')).toMatch(/Messages API .*MOCK LLM .*AGENTWALL_MOCK_UPSTREAM=1/);
    } finally {
      await mocked.mock?.close();
    }
  });

  it('forwards Messages to a keyless AGENTWALL_ANTHROPIC_URL without x-api-key or Authorization', async () => {
    const local = await startMockLlm({ port: 0 });
    const config = await exampleConfigFromEnv({ AGENTWALL_ANTHROPIC_URL: local.origin, PORT: '0' });
    const firewall = agentwall({ ...config.options, logger: { info() {}, warn() {}, error() {} } });
    const app = express().use(firewall);
    try {
      expect(config.notices.join('\n')).toContain(`Messages API (/v1/messages): ${local.origin} (AGENTWALL_ANTHROPIC_URL without ANTHROPIC_API_KEY: no x-api-key is sent upstream).`);
      const res = await request(app)
        .post('/v1/messages')
        .set('x-api-key', GUIDE_DEV_KEY)
        .set('anthropic-version', '2023-06-01')
        .send({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
      expect(res.status).toBe(200);
      expect(res.body.content[0].text).toBe('Mock answer to: hi');
      expect(local.requests).toHaveLength(1);
      expect(local.requests[0]!.headers['x-api-key']).toBeUndefined();
      expect(local.requests[0]!.headers['authorization']).toBeUndefined();
      expect(JSON.stringify(local.requests[0]!.headers)).not.toContain(GUIDE_DEV_KEY);
    } finally {
      await firewall.close();
      await config.mock?.close();
      await local.close();
    }
  });

  it('forwards to a keyless upstream without an Authorization header', async () => {
    const local = await startMockLlm({ port: 0 });
    const config = await exampleConfigFromEnv({ AGENTWALL_UPSTREAM_URL: local.url, PORT: '0' });
    const firewall = agentwall({ ...config.options, logger: { info() {}, warn() {}, error() {} } });
    const app = express().use(firewall);
    try {
      const res = await request(app)
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${GUIDE_DEV_KEY}`)
        .send({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] });
      expect(res.status).toBe(200);
      expect(local.requests).toHaveLength(1);
      expect(local.requests[0]!.headers['authorization']).toBeUndefined();
      expect(JSON.stringify(local.requests[0]!.headers)).not.toContain(GUIDE_DEV_KEY);
    } finally {
      await firewall.close();
      await config.mock?.close();
      await local.close();
    }
  });
});
