import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({
  baseURL: process.env.AGENTWALL_ORIGIN, // the mount point, without /v1: e.g. http://localhost:8000
  apiKey: process.env.AGENTWALL_API_KEY, // an AgentWall key, never the provider's
  defaultHeaders: { 'X-AgentWall-Run-ID': `ticket-${Date.now()}` }, // one run per task
});
const ask = (content: string) => client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content }] });

const answer = await ask('Plan the migration');
console.log(answer.content[0]?.type === 'text' ? answer.content[0].text : '');
try {
  await ask('Plan the migration'); // the same request again in the same run: a loop
} catch (err) {
  // A block is a RateLimitError with x-should-retry: false, which the SDK obeys; AgentWall's code is errorCode.
  if (!(err instanceof Anthropic.APIError)) throw err;
  console.log(`blocked: ${(err as { errorCode?: string }).errorCode} (${err.status})`);
}
