// SIGTERM to an example server with a request in flight: the answer still arrives, the step is recorded, the process exits 0.
import { getRun } from './agentwall-http.js';
import { startServer, type Framework } from './server-process.js';

const KEY = 'aw-shutdown-test-key';

describe.each<Framework>(['express', 'koa'])('graceful shutdown of the %s example server', (framework) => {
  it('answers a request in flight at SIGTERM, then exits 0', async () => {
    const server = await startServer(framework, { apiKeys: [KEY] });
    const runId = `shutdown-${framework}`;
    let stopped: ReturnType<typeof server.stop> | undefined;
    try {
      // The bundled mock LLM answers this one after 1.5 s, so it is still upstream when the signal comes.
      const answer = fetch(`${server.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-mock-delay-ms': '1500' },
        body: JSON.stringify({ model: 'gpt-4o-mini', agentwall_run_id: runId, messages: [{ role: 'user', content: 'Still there?' }] }),
      });
      // Admitted (step 1 counted) before the signal is sent; a bound on waiting, not a timing assertion.
      const until = Date.now() + 10_000;
      while ((await getRun(server, KEY, runId)).json['steps'] !== 1) {
        if (Date.now() > until) throw new Error('the request was never admitted');
        await new Promise((r) => setTimeout(r, 20));
      }
      stopped = server.stop();
      const res = await answer;
      expect(res.status).toBe(200);
      const body = (await res.json()) as { choices: Array<{ message: { content: string } }>; agentwall: { step: number; cost_usd: number } };
      expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);
      expect(body.agentwall.step).toBe(1);
      expect(await stopped).toEqual({ code: 0, signal: null });
    } finally {
      if (!stopped) await server.stop();
    }
  }, 40_000);
});
