// The demo agent: a healthy multi-step run, then a stuck one that AgentWall stops, told step by step.

type Msg = Record<string, unknown>;

/** What one request of the demo got. */
export interface DemoStep {
  run: string;
  step: number;
  status: number;
  /** The AgentWall error type when refused (e.g. `loop_detected`). */
  error?: string;
  loopType?: string;
}

/** Everything the demo did, for the printout and for tests. */
export interface DemoResult {
  healthy: DemoStep[];
  stuck: DemoStep[];
  summary: Record<string, unknown>;
}

async function call(baseUrl: string, key: string, runId: string, messages: Msg[]): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages, agentwall_run_id: runId, agentwall_agent_id: 'demo-agent' }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const toolCall = (id: string, args: unknown): Msg => ({
  role: 'assistant',
  content: null,
  tool_calls: [{ id, type: 'function', function: { name: 'search_docs', arguments: JSON.stringify(args) } }],
});

/**
 * Plays the demo against an AgentWall at `baseUrl` (its OpenAI base URL without `/v1`), printing as it goes.
 *
 * @example
 * await runDemo('http://127.0.0.1:8000', 'aw-your-api-key', console.log);
 */
export async function runDemo(baseUrl: string, key: string, print: (line: string) => void): Promise<DemoResult> {
  const stamp = Date.now().toString(36);
  const healthyRun = `demo-healthy-${stamp}`;
  const stuckRun = `demo-stuck-${stamp}`;
  const healthy: DemoStep[] = [];
  const stuck: DemoStep[] = [];

  print(`\n1) A healthy agent (run ${healthyRun}): it plans, searches, reads a new result each time, and answers.`);
  let history: Msg[] = [{ role: 'system', content: 'You are a support agent.' }, { role: 'user', content: 'Why does my deploy fail with exit code 137?' }];
  const results = ['Exit code 137 means the process was killed (SIGKILL).', 'The container hit its 512 MiB memory limit.', 'Raising the limit to 1 GiB fixed it for others.'];
  for (let i = 0; i <= results.length; i++) {
    const r = await call(baseUrl, key, healthyRun, history);
    const meta = r.body['agentwall'] as { step: number } | undefined;
    healthy.push({ run: healthyRun, step: meta?.step ?? 0, status: r.status });
    print(`   step ${meta?.step}: ${r.status} ${r.status === 200 ? 'forwarded' : 'refused'}`);
    if (i < results.length) history = [...history, toolCall(`call_${i}`, { query: `exit code 137 part ${i}` }), { role: 'tool', tool_call_id: `call_${i}`, content: results[i] }];
  }

  print(`\n2) A stuck agent (run ${stuckRun}): it calls the same tool with the same arguments and gets the same result, again and again.`);
  history = [{ role: 'user', content: 'Find the on-call engineer for payments.' }];
  for (let i = 0; i < 6; i++) {
    history = [...history, toolCall(`call_${i}`, { query: 'payments on-call' }), { role: 'tool', tool_call_id: `call_${i}`, content: 'No results.' }];
    const r = await call(baseUrl, key, stuckRun, history);
    const error = (r.body['error'] as { type?: string; loop_type?: string; message?: string } | undefined) ?? undefined;
    const meta = r.body['agentwall'] as { step: number } | undefined;
    stuck.push({ run: stuckRun, step: meta?.step ?? i + 1, status: r.status, ...(error?.type ? { error: error.type } : {}), ...(error?.loop_type ? { loopType: error.loop_type } : {}) });
    if (r.status === 200) {
      print(`   attempt ${i + 1}: 200 forwarded`);
      continue;
    }
    print(`   attempt ${i + 1}: ${r.status} ${error?.type} (${error?.loop_type}): ${error?.message}`);
    print('   AgentWall stopped the agent before the provider was paid; the agent gives up.');
    break;
  }

  const summaryRes = await fetch(`${baseUrl}/agentwall/runs/${stuckRun}`, { headers: { authorization: `Bearer ${key}` } });
  const summary = (await summaryRes.json()) as Record<string, unknown>;
  print(`\n3) The stuck run's summary: ${summary['steps']} steps forwarded, ${summary['blocked_attempts']} blocked attempt(s): ${JSON.stringify(summary['blocked'])}`);
  return { healthy, stuck, summary };
}
