// A throwaway redis-server on a free loopback port, for the Redis-store contender when BENCH_REDIS_URL is not set.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { track } from './processes.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Starts redis-server without persistence; resolves its URL and a stop function, or rejects when it will not start. */
export async function startRedis(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  track(proc);
  const failed = new Promise<never>((_, reject) => proc.once('error', reject));
  for (let i = 0; i < 50; i += 1) {
    if (await Promise.race([pong(port), failed])) return { url: `redis://127.0.0.1:${port}`, stop: () => proc.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('redis-server did not answer PING within 5 s');
}
