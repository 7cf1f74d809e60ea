// Every recipe in the README's "Use it from your agent" runs here against the Express example server on the mock LLM,
// and the README shows each one exactly as it is in examples/recipes/recipes/.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, startServer, type ServerProcess } from '../../clients/test/server-process.js';

const KEY = 'aw-recipe-test-key';
const RECIPES_PACKAGE = path.join(repoRoot, 'examples', 'recipes');
const RECIPES_DIR = path.join(RECIPES_PACKAGE, 'recipes');
const RECIPES = ['openai-node.ts', 'openai-python.py', 'openai-agents.ts', 'langchain-js.ts', 'vercel-ai-sdk.ts', 'anthropic-sdk.ts', 'claude-code.sh', 'codex-cli.sh'];
/** The Claude Code binary packages this package lists (optionalDependencies): pnpm installs the one for this machine. */
const CLAUDE_PACKAGES = ['linux-x64', 'linux-x64-musl', 'linux-arm64', 'linux-arm64-musl', 'darwin-arm64', 'darwin-x64'].map((p) => `@anthropic-ai/claude-code-${p}`);
const CODEX = path.join(RECIPES_PACKAGE, 'node_modules', '.bin', 'codex');

/** Why `probe` fails, or undefined when it runs: `what` names the program in the message. */
function probe(what: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', env, timeout: 30_000 });
  if (result.error) return `${what} could not be run (${result.error.message})`;
  if (result.status !== 0) return `${what} exited with ${result.status}: ${(result.stderr || result.stdout).trim().split('\n')[0]}`;
  return undefined;
}

/** The Claude Code binary installed for this machine, or why there is none. */
function claudeBinary(): { path: string } | { missing: string } {
  const require = createRequire(path.join(RECIPES_PACKAGE, 'package.json'));
  for (const name of CLAUDE_PACKAGES) {
    try {
      return { path: path.join(path.dirname(require.resolve(`${name}/package.json`)), 'claude') };
    } catch {
      // Not this machine's platform: pnpm skipped it.
    }
  }
  return { missing: `no Claude Code binary is installed for ${process.platform}-${process.arch} (one of ${CLAUDE_PACKAGES.join(', ')})` };
}

/** The shell recipes' programs, and why one cannot run here (probed with a home of their own, then removed). */
function shellUnavailable(file: string): string | undefined {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'agentwall-probe-'));
  try {
    const env = { ...process.env, HOME: home };
    const shell = probe('bash with curl', 'bash', ['-c', 'command -v curl'], env);
    if (shell) return shell;
    if (file === 'codex-cli.sh') return probe('codex (@openai/codex)', CODEX, ['--version'], env);
    const claude = claudeBinary();
    return 'missing' in claude ? claude.missing : probe(`claude (${claude.path})`, claude.path, ['--version'], env);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Why a recipe's client cannot run here, or undefined when it can. */
function unavailable(file: string): string | undefined {
  if (file.endsWith('.sh')) return shellUnavailable(file);
  if (!file.endsWith('.py')) return undefined;
  const python = spawnSync('python3', ['-c', 'import openai'], { encoding: 'utf8' });
  if (python.error) return `python3 could not be run (${python.error.message})`;
  if (python.status !== 0) return 'python3 cannot import openai (install it with `python3 -m pip install openai`)';
  return undefined;
}

/**
 * The environment of a shell recipe: the CLIs on PATH (`claude` linked into `bin`, `codex` from node_modules), a
 * home and a temp dir of their own (nothing written in the real home), and none of this machine's provider,
 * Claude Code or Codex settings (the recipe sets what it needs).
 */
function shellEnv(base: NodeJS.ProcessEnv, home: string, bin: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) if (!/^(ANTHROPIC_|CLAUDE|OPENAI_|CODEX_|DISABLE_)/.test(name)) env[name] = value;
  return { ...env, HOME: home, TMPDIR: home, PATH: [bin, path.dirname(CODEX), env['PATH'] ?? ''].join(path.delimiter) };
}

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

function run(file: string, baseURL: string, sandbox: string): Promise<Ran> {
  const recipe = path.join(RECIPES_DIR, file);
  const command = file.endsWith('.py') ? ['python3', [recipe]] : file.endsWith('.sh') ? ['bash', [recipe]] : [process.execPath, ['--import', 'tsx', recipe]];
  const env = { ...process.env, AGENTWALL_BASE_URL: baseURL, AGENTWALL_ORIGIN: baseURL.replace(/\/v1$/, ''), AGENTWALL_API_KEY: KEY, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' };
  return new Promise((resolve) => {
    const child = spawn(command[0] as string, command[1] as string[], {
      // The CLIs' tools run in the working directory: an empty one of their own.
      cwd: file.endsWith('.sh') ? path.join(sandbox, 'work') : RECIPES_PACKAGE,
      env: file.endsWith('.sh') ? shellEnv(env, path.join(sandbox, 'home'), path.join(sandbox, 'bin')) : env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** The run as AgentWall recorded it (`GET /agentwall/runs/:runId`, as its owner). */
async function runRecord(server: ServerProcess, runId: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.origin}/agentwall/runs/${encodeURIComponent(runId)}`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** What each recipe prints, and what AgentWall recorded. The SDK recipes print the answer, then the block. */
const CHECKS: Record<string, (ran: Ran, server: ServerProcess) => Promise<void>> = {
  // Two `claude -p` sessions in one run. The mock calls the Read tool it is offered (a relative path: "File does
  // not exist."), then answers from the result; the second session repeats that exchange and is stopped, and
  // Claude Code prints AgentWall's message (it does not retry: x-should-retry is false).
  'claude-code.sh': async ({ code, out, err }, server) => {
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const lines = out.trim().split('\n');
    expect(lines).toEqual([
      'Mock answer from the tool result: File does not exist. Note: your current working directory is',
      expect.stringMatching(/^API Error: Request rejected \(429\) · Loop detected in run (ticket-\d+-\d+): step 4 repeats step 2 \(cycle\)\.$/),
      'blocked: exit 1',
    ]);
    const runId = /in run (\S+):/.exec(lines[1]!)![1]!;
    const record = await runRecord(server, runId);
    // Two requests a session, nothing else: no title, quota or count_tokens side requests in -p mode.
    expect(record).toMatchObject({ steps: 3, blocked_attempts: 1, blocked: [{ type: 'loop_detected', loop_type: 'cycle' }] });
    expect((record['step_details'] as Array<{ model: string; status: string }>).map((s) => [s.model, s.status])).toEqual([
      ['claude-opus-5-5', 'ok'],
      ['claude-opus-5-5', 'ok'],
      ['claude-opus-5-5', 'ok'],
    ]);
  },
  // Two `codex exec` sessions in one run. The mock calls exec_command ({"cmd":"mock"}: "command not found" in the
  // read-only sandbox), then answers from its result; the second session repeats that exchange and is stopped.
  // Codex discards a 429's body, so the recipe asks the run why.
  'codex-cli.sh': async ({ code, out, err }) => {
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toEqual([
      expect.stringMatching(/^Mock answer from the tool result: Chunk ID: [0-9a-f]+ Wall time: [0-9.]+ seconds Process exited wi$/),
      'blocked: exit 1',
      expect.stringMatching(/^"blocked":\[\{"at":"[^"]+","type":"loop_detected","loop_type":"cycle"\}\]$/),
    ]);
    expect(err).toContain('/bin/bash -lc mock');
    expect(err).toContain('ERROR: exceeded retry limit, last status: 429 Too Many Requests');
  },
};

async function checkSdkRecipe({ code, out, err }: Ran): Promise<void> {
  expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' });
  expect(out.trim().split('\n')).toEqual(['Mock answer to: Plan the migration', 'blocked: loop_detected (429)']);
}

describe('the README recipes', () => {
  it('shows every recipe verbatim in "Use it from your agent"', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('## Use it from your agent');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
    const blocks = [...section.matchAll(/```(?:ts|python|bash)\n([\s\S]*?)```/g)].map((m) => m[1]);
    for (const file of RECIPES) expect(blocks).toContain(fs.readFileSync(path.join(RECIPES_DIR, file), 'utf8'));
  });

  describe('run against the example server', () => {
    let server: ServerProcess;
    /** The shell recipes' home, working directory and `claude` link. */
    let sandbox: string;

    beforeAll(async () => {
      sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'agentwall-recipes-'));
      for (const dir of ['home', 'work', 'bin']) fs.mkdirSync(path.join(sandbox, dir));
      const claude = claudeBinary();
      if ('path' in claude) fs.symlinkSync(claude.path, path.join(sandbox, 'bin', 'claude'));
      server = await startServer('express', { apiKeys: [KEY] });
    }, 40_000);
    afterAll(async () => {
      await server?.stop();
      if (sandbox) fs.rmSync(sandbox, { recursive: true, force: true });
    });

    for (const file of RECIPES) {
      const missing = unavailable(file);
      if (missing) {
        if (process.env['CI'] === 'true') {
          it(`${file} runs in CI`, () => {
            throw new Error(`The ${file} recipe must run in CI, but ${missing}.`);
          });
        } else {
          it.skip(`${file}: SKIPPED because ${missing} (required when CI=true)`, () => undefined);
        }
        continue;
      }
      it(`${file}: answers, then its repeated request is blocked and surfaces as loop_detected without a retry`, async () => {
        const ran = await run(file, server.baseURL, sandbox);
        await (CHECKS[file] ?? checkSdkRecipe)(ran, server);
      }, 60_000);
    }
  });
});
