// A throwaway redis-server on a free loopback port, for the Redis-store contender when BENCH_REDIS_URL is not set.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';
import { cpuUsOf, track } from './processes.js';

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

/** A redis-server the bench started: its URL, what it has spent, and how to stop it. */
export interface BenchRedis {
  url: string;
  /** The server's CPU time so far (user + system, µs), from /proc; undefined where there is none. */
  cpuUs(): number | undefined;
  /** Commands the server has run so far, those inside scripts included; the bench's own INFO calls are not counted. */
  commands(): Promise<number>;
  stop(): void;
}

/** Sums `calls=` over `INFO commandstats`, leaving out the commands the bench itself sends (info, ping). */
export function commandsOf(stats: string): number {
  let n = 0;
  for (const m of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (m[1] !== 'info' && m[1] !== 'ping') n += Number(m[2]);
  return n;
}

/** Starts redis-server without persistence; resolves it, or rejects when it will not start. */
export async function startRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  track(proc);
  const failed = new Promise<never>((_, reject) => proc.once('error', reject));
  for (let i = 0; i < 50; i += 1) {
    if (await Promise.race([pong(port), failed])) {
      const url = `redis://127.0.0.1:${port}`;
      // The bench's own connection, for INFO; its ready check is an INFO too, which commandsOf leaves out.
      const admin = new Redis(url, { lazyConnect: true });
      return {
        url,
        cpuUs: () => cpuUsOf(proc.pid!),
        commands: async () => commandsOf(await admin.info('commandstats')),
        stop: () => {
          admin.disconnect();
          proc.kill('SIGTERM');
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('redis-server did not answer PING within 5 s');
}
