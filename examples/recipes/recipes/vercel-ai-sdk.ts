import { createOpenAI } from '@ai-sdk/openai';
import { APICallError, generateText } from 'ai';

const openai = createOpenAI({
  baseURL: process.env.AGENTWALL_BASE_URL ?? 'http://localhost:8000/v1',
  apiKey: process.env.AGENTWALL_API_KEY ?? 'aw-your-api-key', // an AgentWall key, never the provider's
  headers: { 'X-AgentWall-Run-ID': `ticket-${Date.now()}` }, // one run per task
});
// maxRetries: 0, since the AI SDK retries every 429 and ignores x-should-retry.
const ask = (prompt: string) => generateText({ model: openai('gpt-4o-mini'), prompt, maxRetries: 0 }); // the Responses API

console.log((await ask('Plan the migration')).text);
try {
  await ask('Plan the migration'); // the same request again in the same run: a loop
} catch (err) {
  if (!APICallError.isInstance(err)) throw err;
  const code = (JSON.parse(err.responseBody ?? '{}') as { error?: { code?: string } }).error?.code;
  console.log(`blocked: ${code} (${err.statusCode})`);
}
