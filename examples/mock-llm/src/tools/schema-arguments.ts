// Builds deterministic arguments that fit a tool's JSON Schema: required properties, types, enums, bounds and formats.
import randexp from 'randexp';

// randexp's CommonJS build replaces module.exports with the class, so a default import is the class at run time
// under Node and the jest transform alike, while its types describe an ES module with a `default` export.
const RandExp = ((randexp as unknown as { default?: unknown }).default ?? randexp) as typeof randexp.default;

type Schema = Record<string, unknown>;

/** Deeper than this (recursive `$ref`s), a value is left out as `null`. */
const MAX_DEPTH = 12;

/** Values for the string formats JSON Schema names, each also matching the pattern zod emits beside it. */
const FORMAT_VALUES: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00Z',
  duration: 'P1D',
  email: 'user@example.com',
  'idn-email': 'user@example.com',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  iri: 'https://example.com/',
  'uri-reference': '/mock',
  'iri-reference': '/mock',
  'uri-template': 'https://example.com/{id}',
  uuid: '00000000-0000-4000-8000-000000000000',
  'json-pointer': '/mock',
  'relative-json-pointer': '0',
  regex: '.*',
};

function isRecord(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Follow a local `$ref` (`#`, `#/$defs/X`, `#/definitions/X`); anything else is unconstrained. */
function resolveRef(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let hops = 0; hops < MAX_DEPTH && typeof current.$ref === 'string'; hops += 1) {
    const ref = current.$ref;
    if (!ref.startsWith('#')) return {};
    let target: unknown = root;
    for (const raw of ref.slice(1).split('/').filter((p) => p !== '')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      target = isRecord(target) ? target[key] : undefined;
    }
    const { $ref: _ref, ...siblings } = current;
    current = isRecord(target) ? { ...target, ...siblings } : siblings;
  }
  return current;
}

/** `allOf` folded into one schema: properties merged, `required` united, other keywords from the later part. */
function mergeAllOf(schema: Schema, root: Schema): Schema {
  const { allOf, ...rest } = schema;
  let merged: Schema = rest;
  for (const part of Array.isArray(allOf) ? allOf : []) {
    if (!isRecord(part)) continue;
    const resolved = resolveRef(part, root);
    merged = {
      ...merged,
      ...resolved,
      properties: { ...(isRecord(merged.properties) ? merged.properties : {}), ...(isRecord(resolved.properties) ? resolved.properties : {}) },
      required: [...new Set([...(Array.isArray(merged.required) ? merged.required : []), ...(Array.isArray(resolved.required) ? resolved.required : [])])],
    };
  }
  return merged;
}

function isNullSchema(schema: unknown): boolean {
  return isRecord(schema) && schema.type === 'null';
}

function schemaType(schema: Schema): string | undefined {
  const { type } = schema;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string | undefined;
  if ('properties' in schema || 'required' in schema || 'additionalProperties' in schema) return 'object';
  if ('items' in schema || 'prefixItems' in schema) return 'array';
  if ('minLength' in schema || 'maxLength' in schema || 'pattern' in schema || 'format' in schema) return 'string';
  if ('minimum' in schema || 'maximum' in schema || 'exclusiveMinimum' in schema || 'exclusiveMaximum' in schema || 'multipleOf' in schema) return 'number';
  return undefined;
}

function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    try {
      return new RegExp(pattern).test(value);
    } catch {
      return true; // A pattern no engine here can read cannot be honoured either.
    }
  }
}

/** The shortest string randexp builds for the pattern (every choice its lowest), when it really matches. */
function patternValue(pattern: string): string | undefined {
  try {
    const generator = new RandExp(pattern);
    generator.max = 1;
    generator.randInt = (low: number): number => low;
    const value = generator.gen();
    return matches(pattern, value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function sampleString(schema: Schema, variant: number): string {
  const format = typeof schema.format === 'string' ? FORMAT_VALUES[schema.format] : undefined;
  let value = format ?? (variant === 0 ? 'mock' : `mock${variant + 1}`);
  if (typeof schema.pattern === 'string' && !matches(schema.pattern, value)) value = patternValue(schema.pattern) ?? value;
  const chars = Array.from(value);
  const minLength = finite(schema.minLength) ?? 0;
  const maxLength = finite(schema.maxLength);
  if (chars.length < minLength) return value + 'x'.repeat(minLength - chars.length);
  if (maxLength !== undefined && chars.length > maxLength) return chars.slice(0, maxLength).join('');
  return value;
}

/** One side of a numeric range: the bound and whether it is exclusive. */
interface Bound {
  value: number;
  exclusive: boolean;
}

/** The tighter of an inclusive and an exclusive bound, reading both draft 4 (boolean) and later (number) spellings. */
function bound(schema: Schema, inclusiveKey: 'minimum' | 'maximum', exclusiveKey: 'exclusiveMinimum' | 'exclusiveMaximum'): Bound | undefined {
  const draft4 = schema[exclusiveKey] === true;
  const inclusive = draft4 ? undefined : finite(schema[inclusiveKey]);
  const exclusive = draft4 ? finite(schema[inclusiveKey]) : finite(schema[exclusiveKey]);
  if (exclusive === undefined) return inclusive === undefined ? undefined : { value: inclusive, exclusive: false };
  if (inclusive === undefined) return { value: exclusive, exclusive: true };
  const lower = inclusiveKey === 'minimum';
  const exclusiveIsTighter = lower ? exclusive >= inclusive : exclusive <= inclusive;
  return exclusiveIsTighter ? { value: exclusive, exclusive: true } : { value: inclusive, exclusive: false };
}

function below(value: number, upper: Bound | undefined): boolean {
  return upper === undefined || value < upper.value || (value === upper.value && !upper.exclusive);
}

/** Smallest value within the bounds (1 when unbounded), on the `multipleOf` grid; `variant` steps up for uniqueness. */
function sampleNumber(schema: Schema, integer: boolean, variant: number): number {
  const step = finite(schema.multipleOf);
  const lower = bound(schema, 'minimum', 'exclusiveMinimum');
  const upper = bound(schema, 'maximum', 'exclusiveMaximum');
  let value: number;
  if (lower === undefined) value = below(1, upper) ? 1 : (upper?.value ?? 1) - (upper?.exclusive ? 1 : 0);
  else if (!lower.exclusive) value = lower.value;
  else if (integer) value = Math.floor(lower.value) + 1;
  else value = upper === undefined ? lower.value + 1 : Math.min(lower.value + 1, (lower.value + upper.value) / 2);
  if (integer) value = Math.ceil(value);
  if (step !== undefined && step > 0) {
    let k = Math.ceil(value / step - 1e-9);
    if (lower?.exclusive && k * step <= lower.value) k += 1;
    value = Number((k * step).toPrecision(12));
  }
  const varied = value + variant * (step ?? 1);
  return below(varied, upper) ? varied : value;
}

function sampleArray(schema: Schema, root: Schema, depth: number): unknown[] {
  const minItems = finite(schema.minItems) ?? 0;
  const maxItems = finite(schema.maxItems) ?? Infinity;
  const count = Math.min(Math.max(minItems, 1), maxItems);
  // 2020-12 tuples are `prefixItems` + `items`; draft 7 tuples are an `items` array + `additionalItems`.
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : [];
  const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
  const unique = schema.uniqueItems === true;
  const out: unknown[] = [];
  for (let i = 0; i < Math.max(count, Math.min(prefix.length, maxItems)); i += 1) {
    out.push(sampleValue(i < prefix.length ? prefix[i] : rest, root, depth + 1, unique ? i : 0));
  }
  return out;
}

function sampleObject(schema: Schema, root: Schema, depth: number): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = (Array.isArray(schema.required) ? schema.required : []).filter((n): n is string => typeof n === 'string');
  const minProperties = finite(schema.minProperties) ?? 0;
  const extra = isRecord(schema.additionalProperties) ? schema.additionalProperties : true;
  // Required properties in their declared order, then required names the schema does not describe; optional
  // ones only as far as minProperties needs them.
  const names = [...Object.keys(properties).filter((n) => required.includes(n)), ...required.filter((n) => !(n in properties))];
  for (const name of Object.keys(properties)) {
    if (names.length >= minProperties) break;
    if (!names.includes(name)) names.push(name);
  }
  const out: Record<string, unknown> = {};
  for (const name of names) out[name] = sampleValue(properties[name] ?? extra, root, depth + 1, 0);
  return out;
}

/**
 * A deterministic value valid against `schema` (JSON Schema drafts 4 to 2020-12, as zod, pydantic and hand-written
 * tool definitions produce them): `const`, else the first `enum` value, else `default`, else the first example,
 * else built from the type: objects with their required properties only, strings `"mock"` (or the value for a
 * known `format`, or the shortest string matching `pattern`), numbers the smallest within their bounds (1 when
 * unbounded), booleans `true`, arrays `max(minItems, 1)` items. The first non-null branch of `anyOf`/`oneOf` is
 * taken and `allOf` parts are merged. `variant` (default 0) varies strings and numbers, for `uniqueItems`.
 *
 * @example
 * schemaValue({ type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['c', 'f'] } }, required: ['city', 'unit'] })
 * // { city: 'mock', unit: 'c' }
 */
export function schemaValue(schema: unknown, root: unknown = schema, depth = 0, variant = 0): unknown {
  return sampleValue(schema, isRecord(root) ? root : {}, depth, variant);
}

function sampleValue(raw: unknown, root: Schema, depth: number, variant: number): unknown {
  if (depth > MAX_DEPTH) return null;
  if (!isRecord(raw)) return raw === false ? null : variant === 0 ? 'mock' : `mock${variant + 1}`;
  let schema = resolveRef(raw, root);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[variant % schema.enum.length];
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (Array.isArray(schema.allOf)) schema = mergeAllOf(schema, root);
  const branches = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (branches) {
    const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
    const branch = branches.find((b) => !isNullSchema(b)) ?? branches[0];
    return sampleValue(isRecord(branch) ? { ...rest, ...resolveRef(branch, root) } : rest, root, depth + 1, variant);
  }
  switch (schemaType(schema)) {
    case 'object':
      return sampleObject(schema, root, depth);
    case 'array':
      return sampleArray(schema, root, depth);
    case 'string':
      return sampleString(schema, variant);
    case 'integer':
      return sampleNumber(schema, true, variant);
    case 'number':
      return sampleNumber(schema, false, variant);
    case 'boolean':
      return variant % 2 === 0;
    case 'null':
      return null;
    default:
      return variant === 0 ? 'mock' : `mock${variant + 1}`;
  }
}

/**
 * The JSON arguments string the mock sends when it calls a tool with this parameter schema: always a JSON
 * object (`{}` for a missing schema or one whose value would not be an object).
 *
 * @example toolArguments({ type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }) // '{"q":"mock"}'
 */
export function toolArguments(schema: unknown): string {
  const value = schema === undefined || schema === null ? {} : schemaValue(schema);
  return JSON.stringify(isRecord(value) ? value : {});
}
