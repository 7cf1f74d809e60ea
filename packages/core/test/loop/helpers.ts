// Builders for chat bodies and a trace runner that keeps each run's window the way the store does.
import type { ChatRequest } from '../../src/protocols/openai-chat/request.js';
import { DEFAULT_LOOP_PARAMS, detectLoop, fingerprintView, type LoopFinding, type LoopParams, type StepFingerprint, type WindowEntry } from '../../src/loop/index.js';
import { chatLoopView } from '../../src/protocols/openai-chat/loop-view.js';

type Message = ChatRequest['messages'][number];

export const MODEL = 'gpt-4o-mini';

/** The fingerprint the chat pipeline takes of a body: its loop view, fingerprinted. */
export const fingerprintChat = (body: ChatRequest): StepFingerprint => fingerprintView(chatLoopView(body));

/** A system message. */
export const sys = (content: string): Message => ({ role: 'system', content });
/** A user message. */
export const user = (content: string): Message => ({ role: 'user', content });
/** An assistant reply. */
export const asst = (content: string): Message => ({ role: 'assistant', content });
/** A text agent's turn (mini-swe-agent's format): a thought, then one fenced bash command. */
export const agent = (thought: string, command: string): Message => ({ role: 'assistant', content: `THOUGHT: ${thought}\n\n\`\`\`bash\n${command}\n\`\`\`` });
/** What a text agent's environment answers, as a user message. */
export const obs = (output: string, code = 0): Message => ({ role: 'user', content: `<returncode>${code}</returncode>\n<output>\n${output}\n</output>` });
/** A tool call the assistant makes, as OpenAI sends it (`arguments` is a JSON string). */
export interface Call {
  name: string;
  args: string;
  id?: string;
}
/** An assistant message that only calls tools. */
export const calls = (...list: Call[]): Message => ({
  role: 'assistant',
  content: null,
  tool_calls: list.map((c, i) => ({ id: c.id ?? `call_${i}`, type: 'function', function: { name: c.name, arguments: c.args } })),
});
/** A tool result. */
export const result = (content: string, id = 'call_0'): Message => ({ role: 'tool', tool_call_id: id, content });
/** A request body. */
export const req = (...messages: Message[]): ChatRequest => ({ model: MODEL, messages });
/** A request body for another model. */
export const reqFor = (model: string, ...messages: Message[]): ChatRequest => ({ model, messages });

/**
 * The bodies a stateful client sends while a conversation grows: the first request, then one more per
 * `[assistant reply, next messages…]` turn, each carrying the whole history so far.
 */
export function growing(first: Message[], ...turns: Message[][]): ChatRequest[] {
  const history = [...first];
  const bodies = [req(...history)];
  for (const turn of turns) {
    history.push(...turn);
    bodies.push(req(...history));
  }
  return bodies;
}

/** One request of a trace: its body, the run it belongs to, and whether the upstream failed it. */
export interface TraceStep {
  body: ChatRequest;
  run?: string;
  upstreamError?: boolean;
}

/** Where a trace was first caught (1-based index in the trace), or `null`. */
export interface TraceOutcome {
  caughtAt: number | null;
  finding?: LoopFinding;
}

/**
 * Replays requests as the store would: each run has its own window and step counter; an admitted step's
 * entry is appended and the window trimmed to `params.window`; a step the upstream failed keeps its step
 * number but its entry is removed again (retries after an error are healthy). Stops at the first finding.
 */
export function runTrace(steps: ReadonlyArray<TraceStep | ChatRequest>, params: LoopParams = DEFAULT_LOOP_PARAMS): TraceOutcome {
  const runs = new Map<string, { window: WindowEntry[]; steps: number }>();
  for (let i = 0; i < steps.length; i++) {
    const raw = steps[i]!;
    const s: TraceStep = 'body' in raw ? (raw as TraceStep) : { body: raw as ChatRequest };
    const runId = s.run ?? 'run';
    let run = runs.get(runId);
    if (!run) runs.set(runId, (run = { window: [], steps: 0 }));
    const decision = detectLoop(run.window, fingerprintChat(s.body), run.steps + 1, params);
    if (decision.finding) return { caughtAt: i + 1, finding: decision.finding };
    run.steps++;
    if (s.upstreamError) continue;
    run.window.push(decision.entry);
    if (run.window.length > params.window) run.window.shift();
  }
  return { caughtAt: null };
}
