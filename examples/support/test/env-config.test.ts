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
      expect(config.options.upstream).toEqual({ url: config.mock!.url });
      expect(config.notices.join('\n')).toMatch(/MOCK LLM .*no AGENTWALL_UPSTREAM_URL and no OPENAI_API_KEY/);
      expect(config.options.keys).toEqual([{ key: GUIDE_DEV_KEY }]);
    } finally {
      await config.mock?.close();
    }
  });

  it('honours a URL alone as a keyless upstream (a local model server), accepting the dev key', async () => {
    const config = await exampleConfigFromEnv({ AGENTWALL_UPSTREAM_URL: 'http://127.0.0.1:11434/v1' });
    expect(config.mock).toBeUndefined();
    expect(config.options.upstream).toEqual({ url: 'http://127.0.0.1:11434/v1' });
    expect(config.notices.join('\n')).toMatch(/Upstream: http:\/\/127\.0\.0\.1:11434\/v1 \(AGENTWALL_UPSTREAM_URL without a key: no Authorization is sent upstream\)/);
    expect(config.options.keys).toEqual([{ key: GUIDE_DEV_KEY }]);
  });

  it('needs AGENTWALL_API_KEYS with a provider key, and uses the URL with it', async () => {
    await expect(exampleConfigFromEnv({ OPENAI_API_KEY: 'sk-real-looking-key' })).rejects.toThrow(/AGENTWALL_API_KEYS is not set/);
    const config = await exampleConfigFromEnv({ OPENAI_API_KEY: 'sk-x', AGENTWALL_UPSTREAM_URL: 'https://llm.internal/v1', AGENTWALL_API_KEYS: 'aw-a-key-1234, aw-b-key-5678' });
    expect(config.options.upstream).toEqual({ url: 'https://llm.internal/v1', apiKey: 'sk-x' });
    expect(config.options.keys).toEqual([{ key: 'aw-a-key-1234' }, { key: 'aw-b-key-5678' }]);
    expect(config.notices.join('\n')).toContain('key from OPENAI_API_KEY');
    expect(config.notices.join('\n')).not.toContain('sk-x');
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
      await local.close();
    }
  });
});
