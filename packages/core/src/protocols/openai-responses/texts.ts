// DLP's view of the Responses API: the texts of a request the model will read, and the texts of a JSON answer.
import { DlpTally } from '../../dlp/tally.js';
import { isRecord, scanJsonText, scanJsonValue, scanList, scanString, withKey, type Json } from '../mask-json.js';
import type { TextScanner } from '../protocol.js';
import type { ResponsesBody } from './request.js';

/** Part types whose `text` a model reads (and, in history, wrote). */
const TEXT_PARTS = new Set(['input_text', 'output_text', 'text']);

/**
 * The outcome of scanning a request or an answer.
 *
 * @example
 * const { body, changed, counts, blocked } = scanResponsesRequest(body, scanner.scanText);
 */
export interface ResponsesScan<T> {
  /** The input itself when nothing changed; otherwise a copy sharing every unchanged part. */
  body: T;
  changed: boolean;
  counts: Record<string, number>;
  /** Kinds in `block` mode that were found. */
  blocked: string[];
}

function scanParts(content: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (typeof content === 'string') return scanString(content, scan, tally);
  if (!Array.isArray(content)) return content;
  return scanList(content, (part) => {
    if (!isRecord(part) || !TEXT_PARTS.has(String(part['type'])) || typeof part['text'] !== 'string') return part;
    const text = scanString(part['text'], scan, tally);
    return text === part['text'] ? part : withKey(part, 'text', text);
  });
}

function scanField(item: Json, key: string, scanned: unknown): Json {
  return scanned === item[key] ? item : withKey(item, key, scanned);
}

/** One input item: message text, call arguments (JSON string values), custom tool input, tool outputs. */
function scanItem(item: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (!isRecord(item)) return item;
  const type = item['type'] ?? ('role' in item ? 'message' : undefined);
  switch (type) {
    case 'message':
      return scanField(item, 'content', scanParts(item['content'], scan, tally));
    case 'function_call':
      return typeof item['arguments'] === 'string' ? scanField(item, 'arguments', scanJsonText(item['arguments'], scan, tally)) : item;
    case 'custom_tool_call':
      return typeof item['input'] === 'string' ? scanField(item, 'input', scanString(item['input'], scan, tally)) : item;
    default:
      if (typeof type !== 'string') return item;
      // Outputs of every tool the client runs: a string or text parts (a screenshot is left alone).
      if (type.endsWith('_call_output')) return scanField(item, 'output', scanParts(item['output'], scan, tally));
      // A built-in tool's call the client runs (a shell command, a patch): the string values of what it asks.
      if (type.endsWith('_call') && typeof item['call_id'] === 'string') {
        const key = isRecord(item['action']) ? 'action' : isRecord(item['operation']) ? 'operation' : undefined;
        return key ? scanField(item, key, scanJsonValue(item[key], scan, tally)) : item;
      }
      return item;
  }
}

/**
 * Scans what the model will read of a Responses request: `instructions`, `input` as a string, and in input
 * items the messages' string content and text parts (`input_text`, and `output_text` of earlier answers), the
 * string values of `function_call` arguments, `custom_tool_call` input and the action of a built-in tool's call
 * the client runs (`local_shell_call`, `shell_call`, `apply_patch_call`...), and the outputs of every such call
 * (`function_call_output`, `custom_tool_call_output`, any `*_call_output`: a string or text parts). Images, files,
 * screenshots, ids, item references and other items are left alone. Never mutates the input.
 *
 * @example
 * scanResponsesRequest({ model: 'gpt-4o-mini', input: 'my key is sk-…' }, scanner.scanText).body;
 * // { model: 'gpt-4o-mini', input: 'my key is [REDACTED:openai_key]' }
 */
export function scanResponsesRequest(body: ResponsesBody, scan: TextScanner): ResponsesScan<ResponsesBody> {
  const tally = new DlpTally();
  let out: Json = body;
  if (typeof body.instructions === 'string') out = scanField(out, 'instructions', scanString(body.instructions, scan, tally));
  const input = body.input;
  if (typeof input === 'string') out = scanField(out, 'input', scanString(input, scan, tally));
  else if (Array.isArray(input)) out = scanField(out, 'input', scanList(input, (it) => scanItem(it, scan, tally)));
  return { body: out as ResponsesBody, changed: out !== body, ...tally.snapshot() };
}

/**
 * Scans a Responses JSON answer's generated texts: `output_text` and `refusal` parts of output messages and the
 * string values of `function_call` arguments. Never mutates the input.
 *
 * @example
 * scanResponsesAnswer(upstreamJson, scanner.scanText).body;
 */
export function scanResponsesAnswer(answer: Json, scan: TextScanner): ResponsesScan<Json> {
  const tally = new DlpTally();
  const output = answer['output'];
  if (!Array.isArray(output)) return { body: answer, changed: false, counts: {}, blocked: [] };
  const scanned = scanList(output, (item) => {
    if (!isRecord(item)) return item;
    if (item['type'] === 'message') return scanField(item, 'content', scanParts(item['content'], scan, tally));
    return scanItem(item, scan, tally);
  });
  const body = scanned === output ? answer : withKey(answer, 'output', scanned);
  return { body, changed: body !== answer, ...tally.snapshot() };
}
