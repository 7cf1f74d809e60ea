// What a Responses answer leaves for the chain: its id, its function calls (bounded), a digest of its reply.
import { hash } from 'node:crypto';
import { canonicalArguments } from '../../loop/canonical-json.js';
import { RESPONSE_LIMITS, type ResponseCall } from '../../store/store.js';
import type { ChainLink } from '../protocol.js';
import { isRecord } from '../mask-json.js';

function digest(text: string): string {
  return hash('sha256', text, 'hex').slice(0, 32);
}

/**
 * A call's arguments as the loop detector compares them: canonical JSON, or `sha256:<hex>` of it past
 * `RESPONSE_LIMITS.argumentChars`, the same in a request's own items and in a remembered parent, so a loop is
 * judged alike either way while a remembered call stays small.
 *
 * @example
 * comparableArguments('{ "b": 1, "a": 2 }'); // '{"a":2,"b":1}'
 */
export function comparableArguments(args: unknown): string {
  const canonical = canonicalArguments(args);
  return canonical.length > RESPONSE_LIMITS.argumentChars ? `sha256:${digest(canonical)}` : canonical;
}

/** Where a call item keeps what it asks for, by item type; other `*_call` items keep an `action`. */
const CALL_INPUT: Readonly<Record<string, string>> = { function_call: 'arguments', custom_tool_call: 'input', apply_patch_call: 'operation' };

/**
 * The call of an item the client runs and answers by `call_id`: a `function_call` (its arguments), a
 * `custom_tool_call` (its input), or a built-in tool's `*_call` (`local_shell_call`, `shell_call`, `computer_call`,
 * `apply_patch_call`: its action or operation, named by its type), made comparable; else undefined.
 *
 * @example
 * callOfItem({ type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' }); // { callId: 'c1', name: 'f', arguments: '{}' }
 */
export function callOfItem(item: unknown): ResponseCall | undefined {
  if (!isRecord(item)) return undefined;
  const type = item['type'];
  if (typeof type !== 'string' || !type.endsWith('_call') || typeof item['call_id'] !== 'string') return undefined;
  const name = typeof item['name'] === 'string' ? item['name'] : type === 'function_call' || type === 'custom_tool_call' ? '' : type;
  const input = item[CALL_INPUT[type] ?? 'action'];
  return { callId: item['call_id'].slice(0, RESPONSE_LIMITS.nameChars), name: name.slice(0, RESPONSE_LIMITS.nameChars), arguments: comparableArguments(input) };
}

/** The text parts (`output_text`, `refusal`) of an output message item, in order. */
function messageTexts(item: Record<string, unknown>, into: string[]): void {
  const content = item['content'];
  if (!Array.isArray(content)) return;
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (typeof part['text'] === 'string') into.push(part['text']);
    else if (typeof part['refusal'] === 'string') into.push(part['refusal']);
  }
}

/** Collects the calls and the reply text of output items, one item at a time (a stream's `output_item.done`). */
export class OutputLinks {
  readonly calls: ResponseCall[] = [];
  private readonly texts: string[] = [];

  /** Takes one output item. */
  add(item: unknown): void {
    if (!isRecord(item)) return;
    if (item['type'] === 'message') return messageTexts(item, this.texts);
    const call = callOfItem(item);
    if (call && this.calls.length < RESPONSE_LIMITS.calls) this.calls.push(call);
  }

  /** The link of the response `responseId` with the items taken so far. */
  link(responseId: string): ChainLink {
    return { responseId, calls: this.calls, outputDigest: this.texts.length > 0 ? digest(this.texts.join('\u0000')) : '' };
  }
}

/**
 * The link of a response object (a JSON answer, or the `response` of a stream's final event): its id, the calls
 * of its output and the digest of its text; undefined when it has no id.
 *
 * @example
 * responseLink({ id: 'resp_1', output: [{ type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' }] });
 */
export function responseLink(response: unknown): ChainLink | undefined {
  if (!isRecord(response) || typeof response['id'] !== 'string' || response['id'] === '') return undefined;
  const links = new OutputLinks();
  const output = response['output'];
  if (Array.isArray(output)) for (const item of output) links.add(item);
  return links.link(response['id']);
}
