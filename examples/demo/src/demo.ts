// The demo: the openai SDK's own tool runner drives a tool agent through AgentWall; a healthy run, then a stuck one stopped.
import OpenAI from 'openai';

/** What one run of the demo did. */
export interface DemoRun {
  run: string;
  /** The agent's final answer, when it got one. */
  answer?: string;
  /** Tool calls the agent made. */
  toolCalls: number;
  /** The AgentWall error that stopped the agent (e.g. `loop_detected`). */
  error?: { status: number; code: string; loopType?: string; message: string };
  /** The run's summary from `GET /agentwall/runs/:id`. */
  summary: Record<string, unknown>;
}

/** Everything the demo did, for the printout and for tests. */
export interface DemoResult {
  healthy: DemoRun;
  stuck: DemoRun;
}

/** The support agent's one tool: the docs answer each query differently. */
function searchDocs(counter: { calls: number }, stuckResult?: string) {
  return {
    type: 'function' as const,
    function: {
      name: 'search_docs',
      description: 'Search the internal runbooks.',
      parameters: { type: 'object', properties: { query: { type: 'string', description: 'what to look for' } }, required: ['query'], additionalProperties: false },
      parse: JSON.parse,
      function: ({ query }: { query: string }) => {
        counter.calls += 1;
        return stuckResult ?? `Runbook hit for "${query}": exit code 137 means the container was killed for memory; raise the limit to 1 GiB.`;
      },
    },
  };
}

async function runAgent(client: OpenAI, baseUrl: string, key: string, runId: string, question: string, stuckResult: string | undefined, print: (line: string) => void): Promise<DemoRun> {
  const counter = { calls: 0 };
  const result: DemoRun = { run: runId, toolCalls: 0, summary: {} };
  const runner = client.chat.completions.runTools(
    {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a support agent. Use search_docs, then answer.' },
        { role: 'user', content: question },
      ],
      tools: [searchDocs(counter, stuckResult)],
    },
    // AgentWall's run id travels as a header, so the SDK's own request types stay untouched.
    { headers: { 'X-AgentWall-Run-ID': runId, 'X-AgentWall-Agent-ID': 'demo-agent' } },
  );
  runner.on('message', (m) => {
    if (m.role === 'assistant' && m.tool_calls?.length) print(`   the model calls ${m.tool_calls.map((c) => (c.type === 'function' ? `${c.function.name}(${c.function.arguments})` : c.type)).join(', ')}`);
    if (m.role === 'tool') print(`   the tool answers: ${String(m.content).slice(0, 80)}`);
  });
  try {
    result.answer = (await runner.finalContent()) ?? '';
    print(`   final answer: ${result.answer}`);
  } catch (err) {
    if (!(err instanceof OpenAI.APIError)) throw err;
    const body = err.error as { code?: string; loop_type?: string; message?: string } | undefined;
    result.error = { status: err.status ?? 0, code: body?.code ?? String(err.code), message: body?.message ?? err.message, ...(body?.loop_type ? { loopType: body.loop_type } : {}) };
    print(`   AgentWall answered ${err.status} ${result.error.code}: ${result.error.message}`);
    print('   The SDK did not retry (x-should-retry: false): the agent stops, and the provider was not paid for the loop.');
  }
  result.toolCalls = counter.calls;
  const res = await fetch(`${baseUrl}/agentwall/runs/${runId}`, { headers: { authorization: `Bearer ${key}` } });
  result.summary = (await res.json()) as Record<string, unknown>;
  print(`   run summary: ${result.summary['steps']} steps forwarded, $${result.summary['cost_usd']} spent, ${result.summary['blocked_attempts']} blocked attempt(s)`);
  return result;
}

/**
 * Plays the demo against an AgentWall at `baseUrl` (its mount point, without `/v1`) with the openai SDK's tool
 * runner (`chat.completions.runTools`), printing as it goes. On the bundled mock LLM the model calls the tool it
 * is offered and answers once the result comes back; a question with `[loop tool]` makes it call the same tool
 * with the same arguments forever, which AgentWall stops.
 *
 * @example
 * await runDemo('http://127.0.0.1:8000', 'aw-your-api-key', console.log);
 */
export async function runDemo(baseUrl: string, key: string, print: (line: string) => void): Promise<DemoResult> {
  const stamp = Date.now().toString(36);
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: key });

  print(`\n1) A healthy agent (run demo-healthy-${stamp}): it searches the runbooks once and answers.`);
  const healthy = await runAgent(client, baseUrl, key, `demo-healthy-${stamp}`, 'Why does my deploy fail with exit code 137?', undefined, print);

  print(`\n2) A stuck agent (run demo-stuck-${stamp}): it calls the same tool with the same arguments, gets the same empty result, and tries again. [loop tool]`);
  const stuck = await runAgent(client, baseUrl, key, `demo-stuck-${stamp}`, 'Find the on-call engineer for payments. [loop tool]', 'No results.', print);
  return { healthy, stuck };
}
