// Tool arguments built from JSON schemas must validate against them (checked with ajv) and never change between runs.
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { z } from 'zod';
import { schemaValue, toolArguments } from '../src/index.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its plugin is the module itself and its `default`.
formats.default(ajv);

/** Schemas as tool definitions carry them: hand-written, zod 4's toJSONSchema, pydantic-style, with refs. */
const SCHEMAS: Record<string, unknown> = {
  'required, enum, bounds': {
    type: 'object',
    properties: {
      city: { type: 'string' },
      unit: { type: 'string', enum: ['c', 'f'] },
      days: { type: 'integer', minimum: 2, maximum: 7 },
      ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.5 },
      optional: { type: 'boolean' },
    },
    required: ['city', 'unit', 'days', 'ratio'],
    additionalProperties: false,
  },
  'string lengths, formats and patterns': {
    type: 'object',
    properties: {
      q: { type: 'string', minLength: 10, maxLength: 12 },
      short: { type: 'string', maxLength: 2 },
      when: { type: 'string', format: 'date-time' },
      day: { type: 'string', format: 'date' },
      mail: { type: 'string', format: 'email' },
      site: { type: 'string', format: 'uri' },
      id: { type: 'string', format: 'uuid' },
      code: { type: 'string', pattern: '^[A-Z]{3}-\\d{2}$' },
    },
    required: ['q', 'short', 'when', 'day', 'mail', 'site', 'id', 'code'],
  },
  'arrays and tuples': {
    type: 'object',
    properties: {
      tags: { type: 'array', items: { type: 'string' }, minItems: 3, uniqueItems: true },
      nums: { type: 'array', items: { type: 'integer', multipleOf: 5, minimum: 3 }, minItems: 2, uniqueItems: true },
      pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false },
      none: { type: 'array', maxItems: 0 },
    },
    required: ['tags', 'nums', 'pair', 'none'],
  },
  'nullable, unions, const, refs and allOf': {
    type: 'object',
    properties: {
      a: { anyOf: [{ type: 'null' }, { type: 'string', minLength: 5 }] },
      b: { type: ['null', 'integer'], minimum: 10 },
      c: { const: 'fixed' },
      d: { $ref: '#/$defs/Node' },
      e: { oneOf: [{ type: 'object', properties: { k: { type: 'string' } }, required: ['k'], additionalProperties: false }, { type: 'number' }] },
      f: { allOf: [{ type: 'object', properties: { x: { type: 'integer' } }, required: ['x'] }, { properties: { y: { type: 'string' } }, required: ['y'] }] },
      g: { type: 'object', minProperties: 2, properties: { p: { type: 'string' }, q: { type: 'string' } } },
    },
    required: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
    $defs: { Node: { type: 'object', properties: { label: { type: 'string' }, child: { $ref: '#/$defs/Node' } }, required: ['label'] } },
  },
  'zod 4 toJSONSchema': z.toJSONSchema(
    z.object({
      id: z.uuid(),
      email: z.email(),
      at: z.iso.datetime(),
      positive: z.number().positive().lt(0.5),
      count: z.int().gt(3).multipleOf(4),
      tags: z.array(z.enum(['a', 'b'])).min(1),
      nested: z.object({ on: z.boolean(), opt: z.string().optional() }),
      maybe: z.string().nullable(),
      literal: z.literal('x'),
      union: z.union([z.number(), z.string()]),
      slug: z.string().regex(/^[a-z]+(-[a-z]+)*$/),
      record: z.record(z.string(), z.number()),
    }),
  ),
  'pydantic style': {
    title: 'SearchArgs',
    type: 'object',
    properties: {
      query: { title: 'Query', type: 'string' },
      top_k: { title: 'Top K', type: 'integer', default: 5 },
      filter: { anyOf: [{ $ref: '#/definitions/Filter' }, { type: 'null' }], default: null },
      mode: { $ref: '#/definitions/Mode' },
    },
    required: ['query', 'mode'],
    definitions: { Filter: { type: 'object', properties: { field: { type: 'string' } }, required: ['field'] }, Mode: { title: 'Mode', enum: ['fast', 'deep'], type: 'string' } },
  },
};

describe('toolArguments', () => {
  it.each(Object.entries(SCHEMAS))('fits %s', (_name, schema) => {
    const args = JSON.parse(toolArguments(schema)) as unknown;
    const validate = ajv.compile(schema as object);
    const valid = validate(args);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(toolArguments(schema)).toBe(toolArguments(structuredClone(schema)));
  });

  it('includes required properties only, with readable deterministic values', () => {
    expect(JSON.parse(toolArguments(SCHEMAS['required, enum, bounds']))).toEqual({ city: 'mock', unit: 'c', days: 2, ratio: 0.25 });
    expect(JSON.parse(toolArguments(SCHEMAS['pydantic style']))).toEqual({ query: 'mock', mode: 'fast' });
    expect(JSON.parse(toolArguments(SCHEMAS['string lengths, formats and patterns']))).toMatchObject({ q: 'mockxxxxxx', short: 'mo', code: 'AAA-00' });
  });

  it('answers {} for a missing, empty or non-object schema', () => {
    expect(toolArguments(undefined)).toBe('{}');
    expect(toolArguments({})).toBe('{}');
    expect(toolArguments({ type: 'string' })).toBe('{}');
  });

  it('reads draft 4 boolean exclusive bounds', () => {
    expect(schemaValue({ type: 'integer', minimum: 3, exclusiveMinimum: true })).toBe(4);
    expect(schemaValue({ type: 'number', maximum: 0, exclusiveMaximum: true })).toBe(-1);
  });

  it('stops at recursive required references instead of looping', () => {
    const schema = { $ref: '#/$defs/A', $defs: { A: { type: 'object', properties: { a: { $ref: '#/$defs/A' } }, required: ['a'] } } };
    expect(() => toolArguments(schema)).not.toThrow();
  });
});
