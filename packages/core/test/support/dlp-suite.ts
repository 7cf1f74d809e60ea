// DLP through real HTTP (SPEC section 6): the upstream sees masked text, blocks are refused, answers can be masked.
import request from 'supertest';
import { startMockLlm, type MockLlm } from '@agentwall/mock-llm';
import type { AgentWallOptions } from '@agentwall/core';
import { KEY_A, PROVIDER_KEY, baseOptions, parseSse, startMock, type AppFactory, type RunningApp } from './harness.js';

// Fake secrets built in code so nothing here looks like a real credential to a scanner.
const OPENAI_KEY = `sk-proj-${'A1b2C3d4'.repeat(6)}`;
const AWS_KEY = `AKIA${'Q7XK2M9PL4TN8RW3'}`;
const GITHUB_TOKEN = `ghp_${'a1B2c3D4e5F6'.repeat(3)}`;
const CARD = '4111 1111 1111 1111';
// A pasted credentials file, .env and shell history: values that are secrets only because of the name before them.
const AWS_SECRET = 'Zq8' + 'Lm2Xw9Vb4Nc7Tr1Ys6Ud3Kp5Hg0' + 'Ab1Cd2Ef3G';
const DB_PASSWORD = 'hunter2' + 'Qx7Wv3Zr';
const BASIC = Buffer.from('deploy:' + 'Sx9Lw2Kq8Vn4').toString('base64');

export function dlpSuite(factory: AppFactory): void {
  describe(`${factory.name}: DLP`, () => {
    let mock: MockLlm;
    const closers: Array<() => Promise<void>> = [];
    async function make(extra: Partial<AgentWallOptions> = {}, upstream: MockLlm = mock): Promise<RunningApp> {
      const a = await factory.make(baseOptions(upstream, extra), {});
      closers.push(() => a.close());
      return a;
    }

    beforeAll(async () => {
      mock = await startMock();
    });
    afterEach(() => mock.reset());
    afterAll(async () => {
      for (const c of closers) await c();
      await mock.close();
    });

    it('masks secrets in string content, text parts, tool arguments and tool results before the upstream sees them', async () => {
      const app = await make();
      const res = await request(app.server)
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${KEY_A}`)
        .send({
          model: 'gpt-4o-mini',
          agentwall_run_id: 'dlp-run',
          messages: [
            { role: 'user', content: `my key is ${OPENAI_KEY} ok` },
            { role: 'user', content: [{ type: 'text', text: `card ${CARD}` }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] },
            { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'push', arguments: JSON.stringify({ token: GITHUB_TOKEN, branch: 'main' }) } }] },
            { role: 'tool', tool_call_id: 'c1', content: `config: aws=${AWS_KEY}` },
          ],
        });
      expect(res.status).toBe(200);
      const sent = JSON.stringify(mock.requests.at(-1)!.body);
      for (const secret of [OPENAI_KEY, AWS_KEY, GITHUB_TOKEN, CARD]) expect(sent).not.toContain(secret);
      const messages = (mock.requests.at(-1)!.body as { messages: Array<Record<string, unknown>> }).messages;
      expect(messages[0]!['content']).toBe('my key is [REDACTED:openai_key] ok');
      expect(messages[1]!['content']).toEqual([{ type: 'text', text: 'card [REDACTED:credit_card]' }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }]);
      const args = JSON.parse((messages[2]!['tool_calls'] as Array<{ function: { arguments: string } }>)[0]!.function.arguments);
      expect(args).toEqual({ token: '[REDACTED:github_token]', branch: 'main' });
      expect(messages[3]!['content']).toBe('config: aws=[REDACTED:aws_access_key]');
      // The client still gets a normal answer, with counts (never values) in the metadata and on the run.
      expect(res.body.choices[0].message.content).toEqual(expect.any(String));
      expect(res.body.agentwall.dlp).toEqual({ openai_key: 1, credit_card: 1, github_token: 1, aws_access_key: 1 });
      const run = await request(app.server).get('/agentwall/runs/dlp-run').set('Authorization', `Bearer ${KEY_A}`);
      expect(run.body.dlp).toEqual({ openai_key: 1, credit_card: 1, github_token: 1, aws_access_key: 1 });
      expect(JSON.stringify(run.body)).not.toContain(OPENAI_KEY);
    });

    it('masks secrets given by name (credentials file, .env, URL, curl) in a pasted tool result', async () => {
      const app = await make();
      const pasted = [
        '[default]',
        `aws_access_key_id = ${AWS_KEY}`,
        `aws_secret_access_key = ${AWS_SECRET}`,
        `DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal:5432/app`,
        `DB_PASSWORD="${DB_PASSWORD}"`,
        `$ curl -H "Authorization: Basic ${BASIC}" https://api.example.com`,
      ].join('\n');
      const res = await request(app.server)
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${KEY_A}`)
        .send({
          model: 'gpt-4o-mini',
          messages: [
            { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":".env"}' } }] },
            { role: 'tool', tool_call_id: 'c1', content: pasted },
          ],
        });
      expect(res.status).toBe(200);
      const sent = JSON.stringify(mock.requests.at(-1)!.body);
      for (const secret of [AWS_KEY, AWS_SECRET, DB_PASSWORD, BASIC]) expect(sent).not.toContain(secret);
      const messages = (mock.requests.at(-1)!.body as { messages: Array<Record<string, unknown>> }).messages;
      expect(messages[1]!['content']).toBe(
        [
          '[default]',
          'aws_access_key_id = [REDACTED:aws_access_key]',
          'aws_secret_access_key = [REDACTED:aws_secret_key]',
          'DATABASE_URL=postgres://app:[REDACTED:url_credentials]@db.internal:5432/app',
          'DB_PASSWORD="[REDACTED:generic_secret]"',
          '$ curl -H "Authorization: Basic [REDACTED:basic_auth]" https://api.example.com',
        ].join('\n'),
      );
      expect(res.body.agentwall.dlp).toEqual({ aws_access_key: 1, aws_secret_key: 1, url_credentials: 1, generic_secret: 1, basic_auth: 1 });
    });

    it('refuses a request in block mode with 400 dlp_blocked naming the kinds, never the values, and forwards nothing', async () => {
      const app = await make({ dlp: { kinds: { email: 'block', openai_key: 'block' } } });
      const before = mock.requests.length;
      const res = await request(app.server)
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${KEY_A}`)
        .send({ model: 'gpt-4o-mini', agentwall_run_id: 'dlp-block', messages: [{ role: 'user', content: `mail jane.doe@example.com the key ${OPENAI_KEY}` }] });
      expect(res.status).toBe(400);
      expect(res.headers['x-should-retry']).toBe('false');
      expect(res.body.error).toMatchObject({ type: 'dlp_blocked', code: 'dlp_blocked', param: null });
      expect([...res.body.error.kinds].sort()).toEqual(['email', 'openai_key']);
      expect(res.body.detail).toEqual({ error: res.body.error });
      expect(JSON.stringify(res.body)).not.toContain('jane.doe@example.com');
      expect(JSON.stringify(res.body)).not.toContain(OPENAI_KEY);
      expect(mock.requests.length).toBe(before);
      const run = await request(app.server).get('/agentwall/runs/dlp-block').set('Authorization', `Bearer ${KEY_A}`);
      expect(run.body).toMatchObject({ steps: 0, blocked_attempts: 1 });
      expect(run.body.blocked[0].type).toBe('dlp_blocked');
    });

    it('leaves off kinds alone and can be turned off', async () => {
      const app = await make({ dlp: false });
      await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `key ${OPENAI_KEY}` }] });
      expect(JSON.stringify(mock.requests.at(-1)!.body)).toContain(OPENAI_KEY);
      const def = await make();
      await request(def.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'write to jane.doe@example.com' }] });
      expect(JSON.stringify(mock.requests.at(-1)!.body)).toContain('jane.doe@example.com');
    });

    it('masks a non-streamed answer when response masking is on', async () => {
      const leaky = await startMockLlm({ apiKey: PROVIDER_KEY, answer: `Sure, the key is ${OPENAI_KEY}.` });
      closers.push(() => leaky.close());
      const app = await make({ dlp: { responses: true } }, leaky);
      const res = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'key?' }] });
      expect(res.body.choices[0].message.content).toBe('Sure, the key is [REDACTED:openai_key].');
      expect(res.body.agentwall.dlp_response).toEqual({ openai_key: 1 });
      const plain = await make({}, leaky);
      const raw = await request(plain.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'key?' }] });
      expect(raw.body.choices[0].message.content).toContain(OPENAI_KEY);
    });

    it('masks a secret split across SSE chunks in a streamed answer', async () => {
      const answer = `Sure, the key is ${OPENAI_KEY} and nothing else.`;
      // Nine even pieces: the key is cut across several chunks.
      const leaky = await startMockLlm({ apiKey: PROVIDER_KEY, answer, streamChunks: 9 });
      closers.push(() => leaky.close());
      const app = await make({ dlp: { responses: true } }, leaky);
      const res = await request(app.server)
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${KEY_A}`)
        .send({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'key?' }] })
        .buffer(true)
        .parse((r, cb) => {
          let t = '';
          r.on('data', (b: Buffer) => (t += b.toString()));
          r.on('end', () => cb(null, t));
        });
      const { data, comments } = parseSse(res.body as string);
      const chunks = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d));
      const pieces = chunks.map((c) => c.choices[0]?.delta?.content ?? '');
      expect(pieces.filter((p: string) => p.length > 0).length).toBeGreaterThan(2);
      expect(pieces.join('')).toBe('Sure, the key is [REDACTED:openai_key] and nothing else.');
      expect(res.body as string).not.toContain(OPENAI_KEY.slice(8, 24));
      expect(JSON.parse(comments[0]!.replace(/^: agentwall /, '')).dlp_response).toEqual({ openai_key: 1 });
      expect(data.at(-1)).toBe('[DONE]');
    });
  });
}
