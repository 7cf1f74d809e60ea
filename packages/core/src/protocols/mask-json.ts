// DLP helpers every protocol's text walker shares: scan a string, the string values inside JSON, copy on change.
import { DlpTally, type DlpTextResult } from '../dlp/tally.js';
import type { TextScanner } from './protocol.js';

/** JSON nesting beyond this in tool-call arguments is scanned as raw text instead of walked. */
const MAX_JSON_DEPTH = 128;

export type Json = Record<string, unknown>;

/** True for a plain object (not an array, not null). */
export const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of `obj` with `key` set, defined rather than assigned so a `__proto__` key stays an own property.
 *
 * @example
 * withKey({ a: 1 }, 'b', 2); // { a: 1, b: 2 }
 */
export function withKey(obj: Json, key: string, value: unknown): Json {
  const copy: Json = { ...obj };
  define(copy, key, value);
  return copy;
}

function define(obj: Json, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Scans one string, adding its findings to `tally`; the same string instance when nothing was masked.
 *
 * @example
 * const tally = new DlpTally();
 * scanString('key sk-...', scanner.scanText, tally);
 */
export function scanString(text: string, scan: TextScanner, tally: DlpTally): string {
  if (text.length === 0) return text;
  const result = scan(text);
  tally.merge(result);
  return result.text;
}

/**
 * Tool-call arguments are a JSON string: scans the string values inside it and re-serialises only when one
 * changed, so untouched arguments keep their exact bytes. Invalid (or absurdly deep) JSON is scanned as text.
 *
 * @example
 * scanJsonText('{"token":"sk-..."}', scanner.scanText, tally); // '{"token":"[REDACTED:openai_key]"}'
 */
export function scanJsonText(args: string, scan: TextScanner, tally: DlpTally): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return scanString(args, scan, tally);
  }
  const local = new DlpTally();
  const scanned = scanJson(parsed, scan, local, 0);
  if (scanned === TOO_DEEP) return scanString(args, scan, tally);
  tally.merge(local);
  return scanned === parsed ? args : JSON.stringify(scanned);
}

/**
 * Scans every string value of a parsed JSON value (a tool's input object), copying only what changed; a value
 * nested deeper than 128 levels is returned unchanged with `TOO_DEEP` reported instead.
 *
 * @example
 * scanJsonValue({ cmd: 'export KEY=sk-...' }, scanner.scanText, tally); // { cmd: 'export KEY=[REDACTED:openai_key]' }
 */
export function scanJsonValue(value: unknown, scan: TextScanner, tally: DlpTally): unknown {
  const local = new DlpTally();
  const scanned = scanJson(value, scan, local, 0);
  if (scanned === TOO_DEEP) return value;
  tally.merge(local);
  return scanned;
}

const TOO_DEEP = Symbol('too deep');

function scanJson(value: unknown, scan: TextScanner, tally: DlpTally, depth: number): unknown {
  if (typeof value === 'string') return scanString(value, scan, tally);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_JSON_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const scanned = scanJson(item, scan, tally, depth + 1);
      if (scanned === TOO_DEEP) return TOO_DEEP;
      if (scanned !== item) {
        out ??= value.slice();
        out[i] = scanned;
      }
    }
    return out ?? value;
  }
  let out: Json | undefined;
  for (const [key, item] of Object.entries(value)) {
    // A string member is judged with its name too: `{"password": "..."}` never shows `password =` to scanText.
    const scanned = typeof item === 'string' && scan.field ? scanMember(key, item, scan.field, tally) : scanJson(item, scan, tally, depth + 1);
    if (scanned === TOO_DEEP) return TOO_DEEP;
    if (scanned !== item) {
      out ??= { ...(value as Json) };
      define(out, key, scanned);
    }
  }
  return out ?? value;
}

function scanMember(name: string, text: string, field: (name: string, value: string) => DlpTextResult, tally: DlpTally): string {
  if (text.length === 0) return text;
  const result = field(name, text);
  tally.merge(result);
  return result.text;
}

/**
 * Scans a list (messages, content parts, input items) with `scanItem`, copying the list only when an item changed.
 *
 * @example
 * scanList(messages, (m) => scanMessage(m, scan, tally));
 */
export function scanList(list: unknown[], scanItem: (item: unknown) => unknown): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const scanned = scanItem(item);
    if (scanned !== item) {
      out ??= list.slice();
      out[i] = scanned;
    }
  }
  return out ?? list;
}
