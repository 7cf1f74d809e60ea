// A programmable fake upstream for the fault suite: each request gets the next scripted fault (or a normal answer).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake upstream does with one request. */
export type UpstreamFault =
  | { kind: 'ok' }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Streams `events` deltas, then goes silent without ending. */
  | { kind: 'stall'; events: number }
  /** Streams `events` deltas, then resets the connection. */
  | { kind: 'reset'; events: number }
  /** A 200 whose body is not JSON. */
  | { kind: 'not-json' }
  /** A JSON answer padded to `bytes`. */
  | { kind: 'huge-answer'; bytes: number }
  /** A stream with one delta event of `bytes`, then the usage chunk and [DONE]. */
  | { kind: 'huge-event'; bytes: number };

/** One request the fake upstream got. */
export interface FaultRequest {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The connection closed before the answer was complete. */
  aborted: boolean;
}

export const FAULT_USAGE = { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 };

const delta = (content: string) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [], usage: FAULT_USAGE })}\n\n`;

function answer(content: string): string {
  return JSON.stringify({ id: 'c', object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: FAULT_USAGE });
}

/**
 * Starts the fake upstream on port 0. `next(fault)` scripts the next request; unscripted requests get a normal
 * answer (JSON, or a short stream with usage when `stream: true`).
 *
 * @example
 * const up = await startFaultUpstream();
 * up.next({ kind: 'reset', events: 2 });
 */
export async function startFaultUpstream() {
  const queue: UpstreamFault[] = [];
  const requests: FaultRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record: FaultRequest = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>, aborted: false };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.aborted = true;
      });
      const fault = queue.shift() ?? { kind: 'ok' };
      const stream = record.body['stream'] === true;
      const sse = () => res.writeHead(200, { 'content-type': 'text/event-stream' });
      switch (fault.kind) {
        case 'hang':
          return;
        case 'stall':
        case 'reset': {
          sse();
          for (let i = 0; i < fault.events; i++) res.write(delta(`part${i} `));
          if (fault.kind === 'reset') setTimeout(() => req.socket.destroy(), 20);
          return;
        }
        case 'not-json':
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end('<html>gateway says hi</html>');
        case 'huge-answer':
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end(answer('z'.repeat(fault.bytes)));
        case 'huge-event':
          sse();
          res.write(delta('y'.repeat(fault.bytes)));
          return void res.end(usageChunk + 'data: [DONE]\n\n');
        case 'ok':
          if (stream) {
            sse();
            return void res.end(delta('Hello ') + delta('there') + usageChunk + 'data: [DONE]\n\n');
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end(answer('Hello there'));
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return {
    url,
    requests,
    next(fault: UpstreamFault): void {
      queue.push(fault);
    },
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FaultUpstream = Awaited<ReturnType<typeof startFaultUpstream>>;
