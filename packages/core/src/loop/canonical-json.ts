// Key-order-insensitive JSON for tool call arguments, so {"a":1,"b":2} and {"b":2,"a":1} are the same call.

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    out += `${i === 0 ? '' : ','}${JSON.stringify(k)}:${canonical(obj[k])}`;
  }
  return `${out}}`;
}

/**
 * Canonical form of tool call arguments: a JSON string (as OpenAI sends them) or an object is re-serialized
 * with sorted keys and no whitespace; a string that is not JSON is returned unchanged, because a model's
 * malformed arguments are still what it sent. Nesting too deep to walk also falls back to the raw string.
 *
 * @example
 * canonicalArguments('{ "b": 2, "a": [1, {"d": 0, "c": 1}] }'); // '{"a":[1,{"c":1,"d":0}],"b":2}'
 * canonicalArguments('not json'); // 'not json'
 */
export function canonicalArguments(args: unknown): string {
  if (args === undefined) return '';
  try {
    return canonical(typeof args === 'string' ? JSON.parse(args) : args);
  } catch {
    return typeof args === 'string' ? args : '';
  }
}
