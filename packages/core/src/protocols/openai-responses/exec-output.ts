// Codex CLI's command results as the loop detector compares them: without the per-call noise its exec tool adds.

/**
 * The head Codex CLI's `exec_command` / `write_stdin` results start with (Codex 0.17x):
 * `Chunk ID: <random hex>\nWall time: <seconds> seconds\n`, then `Process exited with code <n>` or `Process running
 * with session ID <n>`, the token count and the output.
 */
const EXEC_HEAD = /^Chunk ID: [0-9A-Za-z]+\r?\n(Wall time: [0-9.]+ seconds\r?\n)?/;
const EXITED = 'Process exited with code ';

/**
 * A tool result of Codex CLI's exec tool without what differs on every call: the chunk id (random per result)
 * always, and the wall time of a command that has finished (the same command with the same output is the same
 * observation however long it took). A still-running command keeps its wall time: polling a build that prints
 * nothing new is waiting, not repeating. Any other text is returned as it is, after one `startsWith`.
 *
 * Without this, a stuck Codex (the same command, the same output, turn after turn) never repeats an exchange
 * and runs on to the step limit.
 *
 * @example
 * stableExecOutput('Chunk ID: f3853a\nWall time: 0.0194 seconds\nProcess exited with code 1\nOutput:\nFAIL\n');
 * // 'Process exited with code 1\nOutput:\nFAIL\n'
 */
export function stableExecOutput(text: string): string {
  if (!text.startsWith('Chunk ID: ')) return text;
  const head = EXEC_HEAD.exec(text);
  if (head === null) return text;
  const rest = text.slice(head[0].length);
  if (head[1] === undefined || rest.startsWith(EXITED)) return rest;
  return head[1] + rest;
}
