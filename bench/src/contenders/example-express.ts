// The example server as `pnpm start` runs it (tsx --conditions=source, from source), wrapped so the bench measures the server process itself.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { contenderEnv } from './contender-env.js';
import { note, skip } from './serve.js';

const env = contenderEnv();
// The bench runs with bench/ as its working directory; the root's `pnpm start` runs from the repository root.
const root = path.resolve(process.cwd(), '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
// `pnpm start` is `tsx --conditions=source examples/express-server/src/server.ts`; pnpm itself only waits for it.
const child = spawn(tsx, ['--conditions=source', 'examples/express-server/src/server.ts'], {
  cwd: root,
  env: {
    ...process.env,
    PORT: '0',
    AGENTWALL_API_KEYS: env.agentKey,
    AGENTWALL_UPSTREAM_URL: env.upstreamUrl,
    AGENTWALL_UPSTREAM_API_KEY: env.upstreamKey,
    AGENTWALL_ANTHROPIC_URL: new URL(env.upstreamUrl).origin,
    ANTHROPIC_API_KEY: env.upstreamKey,
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
child.once('error', (err) => skip(`could not start tsx: ${err.message}`));

/**
 * tsx runs the server in a node process of its own and relays signals to it; that child is what a user's
 * `pnpm start` serves from, so its pid is the one whose CPU and RSS the bench reads.
 */
function serverPid(): number | undefined {
  try {
    const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.length === 1 ? Number(children[0]) : undefined;
  } catch {
    return undefined;
  }
}

let ready = false;
readline.createInterface({ input: child.stdout! }).on('line', (line) => {
  // The server's own per-request output (if any) is read and dropped, as a terminal would show it.
  if (ready) return;
  const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
  if (!m) return;
  ready = true;
  note('the example server as `pnpm start` runs it: tsx --conditions=source, from source, configured from the environment (defaults otherwise)');
  const pid = serverPid();
  if (pid !== undefined) process.stdout.write(`pid ${pid}\n`);
  else note('CPU and RSS are tsx\'s own process: its server child was not found');
  process.stdout.write(`ready ${m[1]}\n`);
});
child.once('exit', (code, signal) => {
  if (!ready) skip(`the example server exited (${signal ?? code}) before it listened`);
  process.exit(0);
});
// The server answers no heap question; SIGUSR2 must not reach it (Node's default for it is to exit).
process.on('SIGUSR2', () => {});
process.once('SIGTERM', () => child.kill('SIGTERM'));
