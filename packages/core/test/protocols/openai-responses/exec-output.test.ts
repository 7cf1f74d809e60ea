// Codex CLI's command results as the loop detector compares them: the chunk id and a finished command's wall time left out.
import { fingerprintView } from '../../../src/loop/fingerprint.js';
import { stableExecOutput } from '../../../src/protocols/openai-responses/exec-output.js';
import { responsesLoopView } from '../../../src/protocols/openai-responses/loop-view.js';

// As Codex 0.171 sends them (exec_command in its read-only sandbox).
const exited = (chunk: string, wall: string) => `Chunk ID: ${chunk}\nWall time: ${wall} seconds\nProcess exited with code 127\nOriginal token count: 11\nOutput:\n/bin/bash: line 1: mock: command not found\n`;
const running = (chunk: string, wall: string) => `Chunk ID: ${chunk}\nWall time: ${wall} seconds\nProcess running with session ID 3\nOriginal token count: 0\nOutput:\n`;

describe('stableExecOutput', () => {
  it("drops a finished command's chunk id and wall time", () => {
    expect(stableExecOutput(exited('f3853a', '0.0194'))).toBe('Process exited with code 127\nOriginal token count: 11\nOutput:\n/bin/bash: line 1: mock: command not found\n');
    expect(stableExecOutput(exited('f3853a', '0.0194'))).toBe(stableExecOutput(exited('3ce025', '2.5000')));
  });

  it("keeps a running command's wall time: polling a quiet build is waiting, not repeating", () => {
    expect(stableExecOutput(running('aa11bb', '10.0021'))).toBe('Wall time: 10.0021 seconds\nProcess running with session ID 3\nOriginal token count: 0\nOutput:\n');
    expect(stableExecOutput(running('aa11bb', '10.0021'))).not.toBe(stableExecOutput(running('cc22dd', '10.0043')));
  });

  it('leaves every other text as it is', () => {
    for (const text of ['total 0', 'Chunk ID: not a head', 'Output:\nChunk ID: f3853a\n', '']) expect(stableExecOutput(text)).toBe(text);
  });

  it('makes the same command with the same output the same exchange in the loop view', () => {
    const turn = (chunk: string, wall: string) =>
      fingerprintView(
        responsesLoopView(
          {
            model: 'gpt-5-mini',
            input: [
              { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Plan the migration' }] },
              { type: 'function_call', call_id: `call_${chunk}`, name: 'exec_command', arguments: '{"cmd":"mock"}' },
              { type: 'function_call_output', call_id: `call_${chunk}`, output: exited(chunk, wall) },
            ],
          },
          undefined,
        ),
      ).exchange;
    expect(turn('f3853a', '0.0000')).toBe(turn('3ce025', '0.0194'));
  });
});
