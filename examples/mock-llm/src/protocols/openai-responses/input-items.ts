// Turns a Responses `input` into stored items, resolving item references and checking calls against their outputs.
import { contentText, isRecord } from '../../text/json-shapes.js';
import { charCount, estimateTokens } from '../../text/tokens.js';
import type { ResponseItem, ResponseStore, StoredResponse } from './store.js';

/** What the mock reads from a request's input, with its chain. */
export interface Conversation {
  /** The input items with ids, in order, references replaced by the items they name. */
  items: ResponseItem[];
  /** The last user message's text, from this input or else from the chain. */
  userText: string;
  /** The output text when the input ends with a `function_call_output`. */
  toolResult: string | undefined;
  /** Tokens of the input items: a quarter of their text characters plus 3 per item. */
  itemTokens: number;
  /** Every function call id in the chain and this input. */
  callIds: string[];
}

/** A request the real API refuses: the status, message and parameter of its error. */
export interface InputError {
  status: 400 | 404;
  message: string;
  param: string;
}

function outputText(output: unknown): string {
  return typeof output === 'string' ? output : contentText(output);
}

/** Characters of an item that a model reads: message text, call name and arguments, call output. */
function itemChars(item: ResponseItem): number {
  switch (item.type) {
    case 'message':
      return charCount(contentText(item.content));
    case 'function_call':
      return charCount(`${String(item.name)}${String(item.arguments)}`);
    case 'function_call_output':
      return charCount(outputText(item.output));
    default:
      return 0;
  }
}

function missing(index: number, field: string): { error: InputError } {
  return { error: { status: 400, message: `Missing required parameter: 'input[${index}].${field}'.`, param: `input[${index}].${field}` } };
}

/** One raw input entry as a stored item; `fallbackId` names it when the client gave no id. */
function normalizeItem(raw: unknown, index: number, fallbackId: string, store: ResponseStore): { item: ResponseItem } | { error: InputError } {
  if (!isRecord(raw)) return { error: { status: 400, message: `Invalid type for 'input[${index}]': expected an object.`, param: `input[${index}]` } };
  const type = typeof raw.type === 'string' ? raw.type : 'role' in raw ? 'message' : undefined;
  const id = typeof raw.id === 'string' ? raw.id : undefined;
  switch (type) {
    case 'message': {
      if (typeof raw.role !== 'string') return missing(index, 'role');
      const partType = raw.role === 'assistant' ? 'output_text' : 'input_text';
      const content = typeof raw.content === 'string' ? [{ type: partType, text: raw.content }] : Array.isArray(raw.content) ? raw.content : [];
      return { item: { id: id ?? `msg_${fallbackId}`, type, status: 'completed', role: raw.role, content } };
    }
    case 'function_call':
      if (typeof raw.call_id !== 'string') return missing(index, 'call_id');
      if (typeof raw.name !== 'string') return missing(index, 'name');
      return { item: { ...raw, id: id ?? `fc_${fallbackId}`, type, status: 'completed', arguments: typeof raw.arguments === 'string' ? raw.arguments : '{}' } };
    case 'function_call_output':
      if (typeof raw.call_id !== 'string') return missing(index, 'call_id');
      if (raw.output === undefined) return missing(index, 'output');
      return { item: { ...raw, id: id ?? `fco_${fallbackId}`, type, status: 'completed' } };
    case 'item_reference': {
      const found = id === undefined ? undefined : store.item(id);
      if (!found) return { error: { status: 404, message: `Item with id '${String(raw.id)}' not found.`, param: 'input' } };
      return { item: found };
    }
    case undefined:
      return missing(index, 'type');
    default:
      // Reasoning items and built-in tool calls: kept as sent, read by nothing.
      return { item: { ...raw, id: id ?? `item_${fallbackId}`, type } };
  }
}

/**
 * Read `input` (a string is one user message) against its chain's parent: ids are given to items without one,
 * `item_reference`s resolve to stored items (404 when unknown), and, as the real API insists, every
 * `function_call_output` must answer a call in the chain or this input and every call must get its output.
 *
 * @example readConversation('Hello', undefined, store, 'mock_1')
 */
export function readConversation(
  input: string | unknown[],
  parent: StoredResponse | undefined,
  store: ResponseStore,
  idPrefix: string,
): Conversation | { error: InputError } {
  const raw = typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : input;
  const items: ResponseItem[] = [];
  for (const [index, entry] of raw.entries()) {
    const normalized = normalizeItem(entry, index, `${idPrefix}_${index}`, store);
    if ('error' in normalized) return normalized;
    items.push(normalized.item);
  }

  const known = new Set(parent?.callIds ?? []);
  const pending = new Set(parent?.pendingCallIds ?? []);
  for (const item of items) {
    const callId = String(item.call_id);
    if (item.type === 'function_call') {
      known.add(callId);
      pending.add(callId);
    } else if (item.type === 'function_call_output') {
      if (!known.has(callId)) return { error: { status: 400, message: `No tool call found for function call output with call_id ${callId}.`, param: 'input' } };
      pending.delete(callId);
    }
  }
  const unanswered = pending.values().next();
  if (!unanswered.done) return { error: { status: 400, message: `No tool output found for function call ${unanswered.value}.`, param: 'input' } };

  let userText = parent?.userText ?? '';
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i] as ResponseItem;
    if (item.type === 'message' && item.role === 'user') {
      userText = contentText(item.content);
      break;
    }
  }
  const last = items[items.length - 1];
  const chars = items.reduce((sum, item) => sum + itemChars(item), 0);
  return {
    items,
    userText,
    toolResult: last?.type === 'function_call_output' ? outputText(last.output) : undefined,
    itemTokens: estimateTokens(chars) + 3 * items.length,
    callIds: [...known],
  };
}
