// The upstream process: the mock LLM with a fixed answer, configured by the orchestrator through the environment.
import { startMockLlm } from '@agentwall/mock-llm';

function envInt(name: string): number {
  const value = Number(process.env[name] ?? '0');
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

const mock = await startMockLlm({
  port: 0,
  host: '127.0.0.1',
  delayMs: envInt('MOCK_DELAY_MS'),
  chunkDelayMs: envInt('MOCK_CHUNK_DELAY_MS'),
  streamChunks: envInt('MOCK_STREAM_CHUNKS') || undefined,
  answer: process.env['MOCK_ANSWER'] || undefined,
});
// The mock records every request for tests; under load that log would grow by gigabytes, so it is emptied often.
setInterval(() => mock.reset(), 500).unref();
process.stdout.write(`ready ${mock.port}\n`);
process.once('SIGTERM', () => {
  mock.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
