import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: process.env.AGENTWALL_BASE_URL, // e.g. http://localhost:8000/v1
  apiKey: process.env.AGENTWALL_API_KEY, // an AgentWall key, never the provider's
  defaultHeaders: { 'X-AgentWall-Run-ID': `ticket-${Date.now()}` }, // one run per task
});
const ask = (content: string) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

console.log((await ask('Plan the migration')).choices[0]?.message.content);
try {
  await ask('Plan the migration'); // the same request again in the same run: a loop
} catch (err) {
  // A block is a 429 with x-should-retry: false, which the SDK obeys: no retry.
  if (!(err instanceof OpenAI.APIError)) throw err;
  console.log(`blocked: ${err.code} (${err.status})`);
}
