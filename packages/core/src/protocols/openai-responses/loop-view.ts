// A Responses request (with its remembered parent) as the loop detector's protocol-neutral view.
import { partText, partToken } from '../../loop/content-parts.js';
import type { LoopCall, LoopContent, LoopMessage, LoopView } from '../../loop/view.js';
import type { ResponseRecord } from '../../store/store.js';
import { isRecord } from '../mask-json.js';
import { stableExecOutput } from './exec-output.js';
import { callOfItem } from './links.js';
import type { ResponsesBody } from './request.js';

const ROLES: Record<string, LoopMessage['role']> = { system: 'system', developer: 'system', user: 'user', assistant: 'assistant' };

function contentOf(content: unknown): LoopContent[] {
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content)) return [];
  return content.map((part): LoopContent => {
    const text = partText(part);
    return text === undefined ? { media: partToken(part) } : { text };
  });
}

/** A tool result's text and parts, Codex's per-call noise left out of its command results (see `stableExecOutput`). */
function toolOutputOf(output: unknown): LoopContent[] {
  return contentOf(output).map((piece) => ('text' in piece ? { text: stableExecOutput(piece.text) } : piece));
}

function isToolOutput(type: string): boolean {
  return type === 'function_call_output' || type === 'custom_tool_call_output' || type.endsWith('_call_output');
}

/** The turn the model produced: its messages' text, its calls, and stand-ins for the items with no text. */
interface AssistantTurn {
  content: LoopContent[];
  calls: LoopCall[];
}

function assistantMessage(turn: AssistantTurn): LoopMessage {
  const m: LoopMessage = { role: 'assistant', content: turn.content };
  if (turn.calls.length > 0) m.calls = turn.calls;
  return m;
}

/**
 * The stand-in for the parent's turn of a continuation: the parent's calls (and calls the input answers that no
 * item of it makes), and as content the digest of the parent's reply when AgentWall relayed it, else the parent's
 * id (every response has its own, so two continuations of different unknown replies never look alike).
 */
function parentTurn(body: ResponsesBody, parent: ResponseRecord | undefined, orphans: LoopCall[]): LoopMessage | undefined {
  const id = body.previous_response_id;
  if (!id && orphans.length === 0) return undefined;
  const calls: LoopCall[] = parent ? parent.calls.map((c) => ({ id: c.callId, name: c.name, arguments: c.arguments })) : [];
  for (const o of orphans) if (!calls.some((c) => c.id === o.id)) calls.push(o);
  const content: LoopContent[] = [];
  if (parent) {
    if (parent.outputDigest !== '') content.push({ media: `reply|${parent.outputDigest}` });
  } else if (id) {
    content.push({ media: `previous_response|${id}` });
  }
  return assistantMessage({ content, calls });
}

/**
 * The loop detector's view of a Responses request. `instructions` is the system message; `input` as a string is
 * one user message; input items become messages in order: a message keeps its role (developer as system); the
 * model's own items that follow one another (an assistant message, `function_call`, `custom_tool_call` and the
 * built-in tools' `*_call` items the client runs, reasoning, item references, server-side tool calls) make one
 * assistant turn, as chat has one assistant message with its tool calls; each `function_call_output` (or other
 * `*_call_output`) is a tool result with the call it answers (Codex CLI's command results without their chunk id and,
 * once the command has exited, its wall time). A continuation (`previous_response_id`) starts with its parent's turn: the calls AgentWall remembers
 * of it, so a tool result sent alone is fingerprinted with the call it answers, exactly as the same exchange in a
 * full history is. Call arguments are compared canonically (see `comparableArguments`).
 *
 * @example
 * responsesLoopView({ model: 'gpt-4o-mini', input: 'hi' }, undefined);
 * // { model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }
 */
export function responsesLoopView(body: ResponsesBody, parent: ResponseRecord | undefined): LoopView {
  const head: LoopMessage[] = [];
  if (typeof body.instructions === 'string') head.push({ role: 'system', content: [{ text: body.instructions }] });
  const messages: LoopMessage[] = [];
  const declared = new Set<string>();
  const orphans: LoopCall[] = [];
  let turn: AssistantTurn | undefined;
  const endTurn = (): void => {
    if (turn) messages.push(assistantMessage(turn));
    turn = undefined;
  };

  const input = body.input;
  if (typeof input === 'string') messages.push({ role: 'user', content: [{ text: input }] });
  else if (Array.isArray(input)) {
    for (const item of input) {
      if (!isRecord(item)) continue;
      const type = typeof item['type'] === 'string' ? item['type'] : 'role' in item ? 'message' : '';
      const role = type === 'message' ? (ROLES[String(item['role'])] ?? 'user') : undefined;
      if (role !== undefined && role !== 'assistant') {
        endTurn();
        messages.push({ role, content: contentOf(item['content']) });
      } else if (isToolOutput(type)) {
        endTurn();
        const callId = typeof item['call_id'] === 'string' ? item['call_id'] : undefined;
        const output = item['output'];
        // A screenshot (computer_call_output) and the like: a stand-in for its payload, so two screenshots differ.
        const result: LoopMessage = { role: 'tool', content: typeof output === 'string' || Array.isArray(output) ? toolOutputOf(output) : [{ media: partToken(output ?? item) }] };
        if (callId !== undefined) {
          result.callId = callId;
          if (!declared.has(callId)) orphans.push({ id: callId, name: '', arguments: '' });
        }
        messages.push(result);
      } else {
        turn ??= { content: [], calls: [] };
        const call = callOfItem(item);
        if (call) {
          declared.add(call.callId);
          turn.calls.push({ id: call.callId, name: call.name, arguments: call.arguments });
        } else if (role === 'assistant') {
          turn.content.push(...contentOf(item['content']));
        } else if (type === 'item_reference') {
          turn.content.push({ media: `item_reference|${String(item['id'])}` });
        } else if (type !== 'reasoning') {
          // A built-in tool call and the like: its type and id stand for it; reasoning is not part of the action.
          turn.content.push({ media: `${type}|${String(item['id'] ?? item['call_id'] ?? '')}` });
        }
      }
    }
    endTurn();
  }

  // Orphans answered before the input declares any call: the parent's calls, remembered or not.
  const stand = parentTurn(body, parent, orphans);
  return { model: body.model, messages: stand ? [...head, stand, ...messages] : [...head, ...messages] };
}
