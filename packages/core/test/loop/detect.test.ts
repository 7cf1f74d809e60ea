// detectLoop on hand-made window entries: the reference vectors (shared with the Redis package's Lua port).
import { detectLoop } from '../../src/loop/index.js';
import { DETECT_VECTORS } from './detect-vectors.js';

describe('detectLoop', () => {
  it.each(DETECT_VECTORS.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const d = detectLoop(v.history, v.current, v.step, v.params);
    expect(d.finding).toEqual(v.expected.finding);
    if (v.expected.entry) expect(d.entry).toEqual(v.expected.entry);
    if (v.expected.nearRun !== undefined) expect(d.entry.nearRun).toBe(v.expected.nearRun);
    if (v.expected.actionRun !== undefined) expect(d.entry.actionRun).toBe(v.expected.actionRun);
    // Whatever the verdict, the entry is the current step's fingerprint at this step.
    expect(d.entry).toMatchObject({ ...v.current, step: v.step });
  });
});
