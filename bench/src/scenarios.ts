// The upstream settings and request shapes each scenario runs, and the two prompt sizes.

/** How the mock LLM behaves in a scenario; every scenario gets a fresh mock process. */
export interface UpstreamSettings {
  delayMs: number;
  chunkDelayMs: number;
  streamChunks: number;
  answer: string;
}

/** One load shape, run against every contender. */
export interface Scenario {
  id: string;
  title: string;
  upstream: UpstreamSettings;
  stream: boolean;
  /** Show time to first body byte (measured for every scenario by the sequential client) in the table. */
  showTtfb: boolean;
}

/** Twenty chunks' worth of text, so the streamed answer is twenty content events of a few characters. */
const ANSWER = 'The answer is 4. Two plus two makes four, in every base above four.';

export const SCENARIOS: Scenario[] = [
  {
    id: 'fast',
    title: 'JSON answer, upstream without delay',
    upstream: { delayMs: 0, chunkDelayMs: 0, streamChunks: 20, answer: ANSWER },
    stream: false,
    showTtfb: false,
  },
  {
    id: 'delay20',
    title: 'JSON answer, upstream answers after 20 ms',
    upstream: { delayMs: 20, chunkDelayMs: 0, streamChunks: 20, answer: ANSWER },
    stream: false,
    showTtfb: false,
  },
  {
    id: 'stream',
    title: 'SSE answer of 20 content chunks, upstream without delay',
    upstream: { delayMs: 0, chunkDelayMs: 0, streamChunks: 20, answer: ANSWER },
    stream: true,
    showTtfb: true,
  },
];

export type PromptSize = 'small' | '32k';

const WORDS = ['agent', 'plan', 'migration', 'table', 'index', 'rollback', 'step', 'schema', 'review', 'deploy', 'shard', 'replica', 'latency', 'budget'];

/** Prose-like text of exactly `bytes` ASCII bytes, deterministic, with nothing a DLP scanner should find. */
function filler(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i += 1) {
    const word = WORDS[(i * 7 + (i >> 3)) % WORDS.length]!;
    const piece = i % 12 === 11 ? `${word}. ` : `${word} `;
    parts.push(piece);
    size += piece.length;
  }
  return parts.join('').slice(0, bytes);
}

/**
 * The request body of a scenario. Streamed requests ask for usage, so the upstream does the same work
 * for every contender (AgentWall asks for it anyway, and passes it on when the client asked too).
 */
export function requestBody(prompt: PromptSize, stream: boolean): string {
  const content = prompt === 'small' ? 'What is 2+2?' : filler(32 * 1024);
  const body: Record<string, unknown> = { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] };
  if (stream) Object.assign(body, { stream: true, stream_options: { include_usage: true } });
  return JSON.stringify(body);
}
