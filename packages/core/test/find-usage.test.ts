// Reading usage and the object shape of an answer without parsing it.
import { findUsage, objectShape } from '../src/pipeline/find-usage.js';
import { utcDay, utcMonth } from '../src/entry/store.js';

const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('findUsage', () => {
  it('finds the usage object after the choices', () => {
    const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, prompt_tokens_details: { cached_tokens: 0 } };
    expect(findUsage(buf({ id: 'x', choices: [{ message: { content: 'hi' } }], usage, system_fingerprint: 'fp' }))).toEqual(usage);
    expect(findUsage(buf('{ "choices": [], "usage" :  {"prompt_tokens": 1} }\n'))).toEqual({ prompt_tokens: 1 });
  });

  it('is not fooled by an answer that talks about usage, nor by braces in strings', () => {
    expect(findUsage(buf({ choices: [{ message: { content: 'the "usage":{"prompt_tokens":999} field' } }] }))).toBeUndefined();
    expect(findUsage(buf({ choices: [], usage: { note: 'a } b {', prompt_tokens: 2 } }))).toEqual({ note: 'a } b {', prompt_tokens: 2 });
  });

  it('gives undefined for null, missing or broken usage', () => {
    expect(findUsage(buf({ choices: [], usage: null }))).toBeUndefined();
    expect(findUsage(buf({ choices: [] }))).toBeUndefined();
    expect(findUsage(buf('{"usage":{"prompt_tokens":'))).toBeUndefined();
  });
});

describe('objectShape', () => {
  it('tells objects, empty objects and the rest apart', () => {
    expect(objectShape(buf(' {"a":1}\n'))).toEqual({ isObject: true, isEmpty: false });
    expect(objectShape(buf('{ }'))).toEqual({ isObject: true, isEmpty: true });
    expect(objectShape(buf('[1]'))).toEqual({ isObject: false, isEmpty: false });
    expect(objectShape(buf(''))).toEqual({ isObject: false, isEmpty: false });
  });
});

describe('UTC periods', () => {
  it('names the UTC day and month, across midnight and month ends', () => {
    expect([utcDay(Date.parse('2026-03-31T23:59:59.999Z')), utcMonth(Date.parse('2026-03-31T23:59:59.999Z'))]).toEqual(['2026-03-31', '2026-03']);
    expect([utcDay(Date.parse('2026-04-01T00:00:00.000Z')), utcMonth(Date.parse('2026-04-01T00:00:00.000Z'))]).toEqual(['2026-04-01', '2026-04']);
  });
});
