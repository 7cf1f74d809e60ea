// Finds the `usage` object of a chat completion's JSON without parsing the whole answer.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * The top-level `usage` object of a chat completion, parsed from its last `"usage":` key: OpenAI
 * writes it after `choices`, so the answer's text is never parsed. Returns undefined when there is
 * no usage object there (the caller then parses the whole answer).
 *
 * @example
 * findUsage(Buffer.from('{"choices":[],"usage":{"prompt_tokens":3}}')) // { prompt_tokens: 3 }
 */
export function findUsage(raw: Buffer): Record<string, unknown> | undefined {
  const at = raw.lastIndexOf('"usage"');
  // A quote escaped by a backslash is inside a string (the answer talking about usage), not a key.
  if (at <= 0 || raw[at - 1] === BACKSLASH) return undefined;
  let i = at + 7;
  while (isSpace(raw[i])) i++;
  if (raw[i] !== 0x3a /* : */) return undefined;
  i++;
  while (isSpace(raw[i])) i++;
  if (raw[i] !== OPEN) return undefined;
  const start = i;
  let depth = 0;
  for (; i < raw.length; i++) {
    const b = raw[i];
    if (b === QUOTE) {
      for (i++; i < raw.length && raw[i] !== QUOTE; i++) if (raw[i] === BACKSLASH) i++;
    } else if (b === OPEN) depth++;
    else if (b === CLOSE && --depth === 0) break;
  }
  if (depth !== 0) return undefined;
  try {
    const usage: unknown = JSON.parse(raw.toString('utf8', start, i + 1));
    return usage !== null && typeof usage === 'object' ? (usage as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True when the text is a JSON object (starts with `{` and ends with `}` around whitespace), and whether it is `{}`. */
export function objectShape(raw: Buffer): { isObject: boolean; isEmpty: boolean } {
  let a = 0;
  let b = raw.length - 1;
  while (a <= b && isSpace(raw[a])) a++;
  while (b >= a && isSpace(raw[b])) b--;
  const isObject = raw[a] === OPEN && raw[b] === CLOSE;
  let c = a + 1;
  while (c < b && isSpace(raw[c])) c++;
  return { isObject, isEmpty: isObject && c === b };
}
