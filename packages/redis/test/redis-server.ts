// Runs a private redis-server on a port of its own, for tests that stop and restart Redis.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** True when a `redis-server` binary can be started. */
export const hasRedisServer = spawnSync('redis-server', ['--version'], { timeout: 5000 }).status === 0;

/**
 * `describe` when `redis-server` exists; otherwise a failing test under `CI=true`, else a skip with a note.
 *
 * @example
 * describeWithRedisServer('outage', () => { ... });
 */
export function describeWithRedisServer(name: string, fn: () => void): void {
  if (hasRedisServer) return describe(name, fn);
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('needs the redis-server binary', () => {
        throw new Error('redis-server is not installed, and CI=true: install it (apt-get install redis-server) so the outage test runs');
      });
    });
    return;
  }
  console.warn(`[@agentwall/redis] redis-server binary not found: skipping "${name}" (CI=true makes this a failure)`);
  describe.skip(name, fn);
}

/** A port nothing listens on right now (the kernel's pick, released at once). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A private Redis that can be killed, frozen, wiped and started again on the same port, with its data kept (append-only file) unless wiped. */
export interface PrivateRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Stops the process (SIGSTOP): connections stay open, nothing answers, as a frozen or swapped-out server. */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT); what it was sent meanwhile runs now. */
  thaw(): void;
  /** Removes the data files of a server that is not running, so the next start is empty. */
  wipe(): void;
  /** True between start() and kill(). */
  readonly running: boolean;
  /** Kills it and removes its data directory. */
  dispose(): Promise<void>;
}

/**
 * A redis-server on a free port, started. Every write is fsynced to an append-only file before Redis
 * answers, so what a client saw acknowledged survives a kill, and a restart shows exactly that state.
 *
 * @example
 * const redis = await startPrivateRedis(['--cluster-enabled', 'yes']);
 * await redis.kill();
 * await redis.start();
 */
export async function startPrivateRedis(extraArgs: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentwall-redis-'));
  let child: ChildProcess | undefined;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir, ...extraArgs];

  const handle: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
        proc.stdout!.setEncoding('utf8');
        proc.stdout!.on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('Ready to accept connections')) {
            clearTimeout(timer);
            resolve();
          }
        });
        proc.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`redis-server exited (${code}):\n${out}`));
        });
      });
      proc.stdout!.resume();
      proc.removeAllListeners('exit');
    },
    async kill() {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGKILL');
      await exited;
    },
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
    wipe() {
      if (child) throw new Error('wipe() needs the server stopped (kill() first)');
      for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    },
    get running() {
      return child !== undefined;
    },
    async dispose() {
      await handle.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
