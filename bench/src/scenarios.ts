// The upstream settings and request shapes each scenario runs (chat, Responses, Messages, embeddings), and the two prompt sizes.

/** How the mock LLM behaves in a scenario; every scenario gets a fresh mock process. */
export interface UpstreamSettings {
  delayMs: number;
  chunkDelayMs: number;
  streamChunks: number;
  answer: string;
}

/** The guarded endpoints the bench drives; each has its own request body and its own sanity check. */
export type ScenarioProtocol = 'chat' | 'chat-long' | 'responses' | 'messages' | 'embeddings';

/** One load shape, run against every contender. */
export interface Scenario {
  id: string;
  title: string;
  upstream: UpstreamSettings;
  protocol: ScenarioProtocol;
  /** The route the load goes to; the floor forwards the same path, so it gets the same upstream answer. */
  path: string;
  stream: boolean;
  /** Show time to first body byte (measured for every scenario by the sequential client) in the table. */
  showTtfb: boolean;
}

/** Twenty chunks' worth of text, so the streamed answer is twenty content events of a few characters. */
const ANSWER = 'The answer is 4. Two plus two makes four, in every base above four.';
const CHAT = '/v1/chat/completions';
const NO_DELAY: UpstreamSettings = { delayMs: 0, chunkDelayMs: 0, streamChunks: 20, answer: ANSWER };

export const SCENARIOS: Scenario[] = [
  {
    id: 'fast',
    title: 'JSON answer, upstream without delay',
    upstream: { delayMs: 0, chunkDelayMs: 0, streamChunks: 20, answer: ANSWER },
    protocol: 'chat',
    path: CHAT,
    stream: false,
    showTtfb: false,
  },
  {
    id: 'delay20',
    title: 'JSON answer, upstream answers after 20 ms',
    upstream: { delayMs: 20, chunkDelayMs: 0, streamChunks: 20, answer: ANSWER },
    protocol: 'chat',
    path: CHAT,
    stream: false,
    showTtfb: false,
  },
  {
    id: 'stream',
    title: 'SSE answer of 20 content chunks, upstream without delay',
    upstream: { delayMs: 0, chunkDelayMs: 0, streamChunks: 20, answer: ANSWER },
    protocol: 'chat',
    path: CHAT,
    stream: true,
    showTtfb: true,
  },
  {
    id: 'chat-long',
    title: 'Chat JSON answer to a 50-turn conversation (the loop fingerprint\'s cost), upstream without delay',
    upstream: NO_DELAY,
    protocol: 'chat-long',
    path: CHAT,
    stream: false,
    showTtfb: false,
  },
  {
    id: 'responses',
    title: 'Responses API (POST /v1/responses) JSON answer, upstream without delay',
    upstream: NO_DELAY,
    protocol: 'responses',
    path: '/v1/responses',
    stream: false,
    showTtfb: false,
  },
  {
    id: 'responses-stream',
    title: 'Responses API streamed, 20 text deltas, upstream without delay',
    upstream: NO_DELAY,
    protocol: 'responses',
    path: '/v1/responses',
    stream: true,
    showTtfb: true,
  },
  {
    id: 'messages-stream',
    title: 'Anthropic Messages (POST /v1/messages) streamed, 20 text deltas, upstream without delay',
    upstream: NO_DELAY,
    protocol: 'messages',
    path: '/v1/messages',
    stream: true,
    showTtfb: true,
  },
  {
    id: 'embeddings',
    title: 'Embeddings (POST /v1/embeddings), upstream without delay',
    upstream: NO_DELAY,
    protocol: 'embeddings',
    path: '/v1/embeddings',
    stream: false,
    showTtfb: false,
  },
];

/** The scenarios of the benchmark issue's first targets; the protocol scenarios after them run a subset of contenders. */
export const CORE_SCENARIOS = ['fast', 'delay20', 'stream'];

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
 * A 50-turn conversation: 50 user messages and the 49 answers between them, every turn different, so
 * the loop detector fingerprints a long history and finds no repeat in it.
 */
function longConversation(): Array<{ role: string; content: string }> {
  const messages: Array<{ role: string; content: string }> = [{ role: 'system', content: 'You are a careful migration assistant.' }];
  for (let turn = 1; turn <= 50; turn += 1) {
    messages.push({ role: 'user', content: `Turn ${turn}: check ${WORDS[turn % WORDS.length]} number ${turn * 37} and tell me what changed since turn ${turn - 1}.` });
    if (turn < 50) messages.push({ role: 'assistant', content: `At turn ${turn} the ${WORDS[(turn * 5) % WORDS.length]} moved by ${turn * 3} rows; nothing else changed.` });
  }
  return messages;
}

/**
 * The request body of a scenario. Streamed chat requests ask for usage, so the upstream does the same
 * work for every contender (AgentWall asks for it anyway, and passes it on when the client asked too).
 * The Responses and Messages streams carry usage in their last event whatever the client asks.
 */
export function requestBody(prompt: PromptSize, scenario: Pick<Scenario, 'protocol' | 'stream'>): string {
  const content = prompt === 'small' ? 'What is 2+2?' : filler(32 * 1024);
  const stream = scenario.stream;
  switch (scenario.protocol) {
    case 'responses':
      return JSON.stringify({ model: 'gpt-4o-mini', input: content, ...(stream ? { stream: true } : {}) });
    case 'messages':
      return JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content }], ...(stream ? { stream: true } : {}) });
    case 'embeddings':
      return JSON.stringify({ model: 'text-embedding-3-small', input: content });
    case 'chat-long':
      return JSON.stringify({ model: 'gpt-4o-mini', messages: longConversation() });
    case 'chat': {
      const body: Record<string, unknown> = { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] };
      if (stream) Object.assign(body, { stream: true, stream_options: { include_usage: true } });
      return JSON.stringify(body);
    }
  }
}

/** Headers a client of the scenario's protocol sends: Anthropic clients send `x-api-key` and `anthropic-version`. */
export function requestHeaders(scenario: Pick<Scenario, 'protocol'>, key: string): Record<string, string> {
  if (scenario.protocol === 'messages') return { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' };
  return { 'content-type': 'application/json', authorization: `Bearer ${key}` };
}

/** Why a response of the scenario is not what the mock answers (undefined: it is), so a broken contender is skipped, not measured. */
export function checkAnswer(scenario: Scenario, text: string): string | undefined {
  const answer = scenario.upstream.answer;
  if (scenario.stream) {
    const end = scenario.protocol === 'responses' ? 'response.completed' : scenario.protocol === 'messages' ? 'message_stop' : 'data: [DONE]';
    return text.includes(end) ? undefined : `the stream did not end with ${end}`;
  }
  const json = JSON.parse(text) as { choices?: Array<{ message?: { content?: string } }>; output_text?: string; output?: unknown; data?: Array<{ embedding?: unknown }> };
  if (scenario.protocol === 'embeddings') return Array.isArray(json.data?.[0]?.embedding) ? undefined : 'no embedding in the answer';
  if (scenario.protocol === 'responses') return JSON.stringify(json.output ?? '').includes(answer) ? undefined : "the answer is not the mock's";
  return json.choices?.[0]?.message?.content === answer ? undefined : "the answer is not the mock's";
}
