import { Agent, OpenAIProvider, Runner } from '@openai/agents';

const runner = new Runner({
  modelProvider: new OpenAIProvider({
    baseURL: process.env.AGENTWALL_BASE_URL ?? 'http://localhost:8000/v1',
    apiKey: process.env.AGENTWALL_API_KEY ?? 'aw-your-api-key', // an AgentWall key, never the provider's
  }),
  tracingDisabled: true, // traces would go to OpenAI directly, around AgentWall
});
const planner = new Agent({
  name: 'Planner',
  instructions: 'Plan the work.',
  model: 'gpt-4o-mini', // the Responses API, the SDK's default
  modelSettings: { providerData: { agentwall_run_id: `ticket-${Date.now()}` } }, // one run per task, in the body
});

console.log((await runner.run(planner, 'Plan the migration')).finalOutput);
try {
  await runner.run(planner, 'Plan the migration'); // the same request again in the same run: a loop
} catch (err) {
  // The run rejects with the SDK's APIError: a 429 that carries AgentWall's code.
  const e = err as { status?: number; code?: string };
  console.log(`blocked: ${e.code} (${e.status})`);
}
