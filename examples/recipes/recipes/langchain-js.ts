import { ChatOpenAI } from '@langchain/openai';

const model = new ChatOpenAI({
  model: 'gpt-4o-mini',
  apiKey: process.env.AGENTWALL_API_KEY, // an AgentWall key, never the provider's
  configuration: {
    baseURL: process.env.AGENTWALL_BASE_URL, // e.g. http://localhost:8000/v1
    defaultHeaders: { 'X-AgentWall-Run-ID': `ticket-${Date.now()}` }, // one run per task
  },
  maxRetries: 0, // LangChain retries a 429 on its own; a block is final
});

console.log((await model.invoke('Plan the migration')).content);
try {
  await model.invoke('Plan the migration'); // the same request again in the same run: a loop
} catch (err) {
  // LangChain labels every 429 MODEL_RATE_LIMIT; AgentWall's code is on the error as `code`.
  const e = err as { status?: number; code?: string };
  console.log(`blocked: ${e.code} (${e.status})`);
}
