// Runs the mock LLM as a standalone process for example servers and benchmarks without a provider key.
import { startMockLlm } from './server.js';

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const mock = await startMockLlm({
    port: envInt('PORT') ?? 4010,
    host: '127.0.0.1',
    delayMs: envInt('MOCK_DELAY_MS'),
    chunkDelayMs: envInt('MOCK_CHUNK_DELAY_MS'),
    streamChunks: envInt('MOCK_STREAM_CHUNKS'),
    answer: process.env.MOCK_ANSWER || undefined,
    apiKey: process.env.MOCK_API_KEY || undefined,
    log: process.env.MOCK_LOG === '1',
  });
  console.log(`mock LLM listening on ${mock.url} (OpenAI base URL; Anthropic base URL ${mock.origin})`);

  const shutdown = (): void => {
    mock.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
