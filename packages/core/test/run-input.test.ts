// Run inputs: header wins over body, ids validated, metadata bounded, generated ids when absent.
import { readRunInput } from '../src/runs/run-input.js';
import { AgentWallError } from '../src/index.js';

describe('readRunInput', () => {
  it('takes the header over the body field', () => {
    expect(readRunInput({ 'x-agentwall-run-id': 'h-1' }, { agentwall_run_id: 'b-1' })).toMatchObject({ runId: 'h-1', generated: false });
    expect(readRunInput({}, { agentwall_run_id: 'b-1', agentwall_agent_id: 'agent' })).toMatchObject({ runId: 'b-1', agentId: 'agent' });
  });

  it('generates an id when none is given', () => {
    const a = readRunInput({}, {});
    expect(a.generated).toBe(true);
    expect(a.runId).toMatch(/^run_[0-9a-f-]{36}$/);
    expect(readRunInput({}, {}).runId).not.toBe(a.runId);
  });

  it.each([['has space'], [''], ['x'.repeat(129)], [42], ['ü']])('refuses the run id %j with a 422', (bad) => {
    try {
      readRunInput({}, { agentwall_run_id: bad });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(AgentWallError);
      expect((err as AgentWallError).status).toBe(422);
      expect((err as AgentWallError).issues?.[0]?.loc).toEqual(['body', 'agentwall_run_id']);
    }
  });

  it('accepts metadata up to 4 KiB of JSON', () => {
    expect(readRunInput({}, { agentwall_metadata: { a: 'x'.repeat(4000) } }).metadata).toBeDefined();
    expect(() => readRunInput({}, { agentwall_metadata: { a: 'x'.repeat(5000) } })).toThrow(/4 KiB/);
    expect(() => readRunInput({}, { agentwall_metadata: ['list'] })).toThrow(/object/);
  });
});
