import { StepsInFlight } from '../src/pipeline/steps-in-flight.js';

describe('StepsInFlight', () => {
  it('is idle at once when no step is in flight', async () => {
    const steps = new StepsInFlight();
    await expect(steps.idle()).resolves.toBeUndefined();
    expect(steps.size).toBe(0);
  });

  it('resolves every waiter when the last step in flight ends, not before', async () => {
    const steps = new StepsInFlight();
    steps.begin();
    steps.begin();
    const seen: string[] = [];
    const a = steps.idle().then(() => seen.push('a'));
    const b = steps.idle().then(() => seen.push('b'));
    steps.end();
    await Promise.resolve();
    expect(seen).toEqual([]);
    expect(steps.size).toBe(1);
    steps.end();
    await Promise.all([a, b]);
    expect(seen).toEqual(['a', 'b']);
    // Idle again later: a new step makes a new wait.
    steps.begin();
    let later = false;
    const c = steps.idle().then(() => (later = true));
    await Promise.resolve();
    expect(later).toBe(false);
    steps.end();
    await c;
    expect(later).toBe(true);
  });
});
