// Uploads that AgentWall refuses or that the client abandons: every client style reads its 413, nothing goes upstream.
import http from 'node:http';
import net from 'node:net';
import { fetch } from 'undici';
import { KEY_A, appPool, startMock, type AppFactory, type RunningApp } from './harness.js';
import type { MockLlm } from '@agentwall/mock-llm';

const LIMIT = 1024;
const BIG = 12 * 1024 * 1024;
const TRIES = 5;
const body = (bytes: number) => Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(bytes) }] }));

/** fetch (undici, the openai package's transport) with a known length. */
async function viaFetch(url: string): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' }, body: body(BIG) });
  await res.arrayBuffer();
  return res.status;
}

/** A chunked upload that keeps sending until the answer arrives. */
function viaChunks(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' } });
    let done = false;
    req.on('response', (res) => {
      done = true;
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err) => (done ? undefined : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (!done && sent < BIG) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!done) req.end();
    };
    req.write('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"');
    pump();
  });
}

/** A client that writes its whole request first and only then reads. */
function sendThenRead(url: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const payload = body(BIG);
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (m) resolve(Number(m[1]));
      else reject(new Error(`no answer read (${answer.length} bytes)`));
    });
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer ${KEY_A}\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\nconnection: close\r\n\r\n`,
    );
    socket.end(payload);
  });
}

export function uploadSuite(factory: AppFactory): void {
  describe(`${factory.name}: refused and abandoned uploads`, () => {
    let mock: MockLlm;
    let app: RunningApp;
    const { make, closeAll } = appPool(factory, () => mock);

    beforeAll(async () => {
      mock = await startMock();
      app = await make({ maxBodyBytes: LIMIT });
    });
    afterAll(async () => {
      await closeAll();
      await mock.close();
    });

    it.each([
      ['fetch (undici) with a content length', viaFetch],
      ['a chunked upload', viaChunks],
      ['a client that sends everything, then reads', sendThenRead],
    ])('%s reads its 413 every time, and the upstream sees nothing', async (_label, send) => {
      const statuses: number[] = [];
      for (let i = 0; i < TRIES; i++) statuses.push(await send(app.url));
      expect(statuses).toEqual(Array(TRIES).fill(413));
      expect(mock.requests).toHaveLength(0);
    });
  });
}
