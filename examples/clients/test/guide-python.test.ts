// Runs the users' guide Python examples unchanged against the Express and Koa example servers and checks what they print.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { answerOf, chatCompletion } from './agentwall-http.js';
import { GUIDE_CROSS, GUIDE_MONEY, GUIDE_WARNING, guideFile, type GuideExample } from './guide-text.js';
import { startServer, type Framework, type ServerProcess } from './server-process.js';

const KEY = 'aw-guide-test-key';
/** A second key: runs are namespaced per key, so its "my-run-123" starts fresh whatever the other tests did. */
const LOOP_KEY = 'aw-guide-loop-key';

interface PythonRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Why python3 with `requests` cannot run here, or undefined when it can. */
function pythonUnavailable(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import requests'], { encoding: 'utf8' });
  if (probe.error) return `python3 could not be run (${probe.error.message})`;
  if (probe.status !== 0) return `python3 cannot import requests (${probe.stderr.trim().split('\n').pop()})`;
  return undefined;
}

function runGuideExample(example: GuideExample, baseUrl: string, apiKey: string): Promise<PythonRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, AGENTWALL_API_KEY: apiKey, AGENTWALL_BASE_URL: baseUrl };
  delete env['OPENAI_API_KEY'];
  delete env['AGENTWALL_UPSTREAM_API_KEY'];
  delete env['ANTHROPIC_API_KEY'];
  delete env['AGENTWALL_ANTHROPIC_URL'];
  // The guide prints its emoji as UTF-8 whatever the locale; a proxy must never intercept 127.0.0.1.
  Object.assign(env, { PYTHONUTF8: '1', PYTHONIOENCODING: 'utf-8', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' });
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [guideFile(example)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A clean run: exit 0, no traceback; the message carries stderr so a failure explains itself. */
function expectClean(run: PythonRun): void {
  expect({ code: run.code, traceback: run.stderr.includes('Traceback') ? run.stderr : '' }).toEqual({ code: 0, traceback: '' });
}

const unavailable = pythonUnavailable();

if (unavailable && process.env['CI'] === 'true') {
  it('python3 with requests is available in CI', () => {
    throw new Error(`The guide's Python examples must run in CI, but ${unavailable}. Install python3 and requests.`);
  });
} else if (unavailable) {
  // Jest hides the titles of a file whose tests are all skipped, so say it on the console too.
  console.warn(`Skipping the guide's Python examples: ${unavailable}. They are required when CI=true.`);
  it.skip(`guide Python examples: SKIPPED because ${unavailable} (required when CI=true)`, () => undefined);
} else {
  describe.each<Framework>(['express', 'koa'])('guide Python examples against the %s example server', (framework) => {
    let server: ServerProcess;

    beforeAll(async () => {
      server = await startServer(framework, { apiKeys: [KEY, LOOP_KEY] });
    }, 40_000);

    afterAll(async () => {
      await server?.stop();
    });

    it('Simple Chat Completion prints the answer', async () => {
      const expected = answerOf(
        await chatCompletion(server, KEY, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'What is 2+2?' }], temperature: 0.7 }),
      );
      expect(expected.trim()).not.toBe('');

      const run = await runGuideExample('Simple Chat Completion', server.origin, KEY);
      expectClean(run);
      expect(run.stdout).toBe(`${expected}\n`);
    });

    it('Run-Level Tracking prints both steps of one run', async () => {
      // Our own run, so the replay cannot collide with the example's run in loop detection.
      const runId = randomUUID();
      const first = [{ role: 'user', content: 'Analyze this data: [1,2,3,4,5]' }];
      const step1 = answerOf(await chatCompletion(server, KEY, { model: 'gpt-4o-mini', messages: first, temperature: 0.7, agentwall_run_id: runId }));
      const second = [...first, { role: 'assistant', content: step1 }, { role: 'user', content: 'Now generate a solution' }];
      const step2 = answerOf(await chatCompletion(server, KEY, { model: 'gpt-4o-mini', messages: second, temperature: 0.7, agentwall_run_id: runId }));

      const run = await runGuideExample('Run-Level Tracking', server.origin, KEY);
      expectClean(run);
      expect(run.stdout).toBe(`Step 1: ${step1}\nStep 2: ${step2}\n`);
    });

    it('Streaming Responses prints the concatenated deltas and nothing of [DONE] or the agentwall comment', async () => {
      const expected = answerOf(
        await chatCompletion(server, KEY, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write a short poem about AI' }] }),
      );

      const run = await runGuideExample('Streaming Responses', server.origin, KEY);
      expectClean(run);
      expect(run.stdout).toBe(expected);
      expect(run.stdout).not.toContain('[DONE]');
      expect(run.stdout).not.toContain('agentwall');
    });

    it('Error Handling prints the answer to "Hello"', async () => {
      const expected = answerOf(await chatCompletion(server, KEY, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }));

      // The example always uses run "my-run-123", so it runs once per server with the good key.
      const run = await runGuideExample('Error Handling', server.origin, KEY);
      expectClean(run);
      expect(run.stdout).toBe(`${expected}\n`);
    });

    it('Error Handling prints the guide\'s authentication line for a wrong key', async () => {
      const run = await runGuideExample('Error Handling', server.origin, 'aw-not-a-valid-key');
      expectClean(run);
      expect(run.stdout).toBe(`${GUIDE_CROSS} Authentication failed. Check your API key.\n`);
    });

    it('Error Handling prints the guide\'s loop lines when its run "my-run-123" repeats the prompt', async () => {
      const first = await runGuideExample('Error Handling', server.origin, LOOP_KEY);
      expectClean(first);
      expect(first.stdout).toMatch(/^\S.*\n$/);

      const again = await runGuideExample('Error Handling', server.origin, LOOP_KEY);
      expectClean(again);
      expect(again.stdout).toBe(`${GUIDE_WARNING} Loop detected! Agent is repeating the same prompt.\nSteps: 1\n`);
    });

    it('Budget Tracking prints the cost computed from the usage the server returned', async () => {
      const replay = await chatCompletion(server, KEY, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'What is AI?' }] });
      const totalTokens: unknown = replay['usage']?.total_tokens;
      expect(typeof totalTokens).toBe('number');
      expect(totalTokens).toBeGreaterThan(0);
      // The guide prices every token at $1 per million and prints 6 decimals; one call, so total equals cost.
      const cost = ((totalTokens as number) * 0.000001).toFixed(6);

      const run = await runGuideExample('Budget Tracking', server.origin, KEY);
      expectClean(run);
      expect(run.stdout).toBe(`${GUIDE_MONEY} Cost: $${cost} | Total: $${cost} / $5.0\n`);
    });
  });
}
