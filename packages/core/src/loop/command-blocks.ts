// The fenced command blocks of a text agent's message: its action, without the reasoning around it.

/** Info strings that mark a block as a shell command rather than code quoted in the reasoning. */
const SHELL_LANGUAGES = new Set(['bash', 'sh', 'shell', 'zsh', 'fish', 'ksh', 'console', 'shell-session', 'sh-session', 'terminal', 'powershell', 'pwsh', 'ps1', 'cmd', 'bat']);

const BACKTICK = 0x60;
const TILDE = 0x7e;
const SPACE = 0x20;

/** Index after the end of the line starting at `from` (its `\n` excluded), or the text's length. */
function lineEnd(text: string, from: number): number {
  const eol = text.indexOf('\n', from);
  return eol < 0 ? text.length : eol;
}

/** Index of the first non-space character of a line, allowing at most three spaces of indent (CommonMark), or -1. */
function fenceStart(text: string, from: number): number {
  let i = from;
  while (i - from < 3 && text.charCodeAt(i) === SPACE) i++;
  const c = text.charCodeAt(i);
  return c === BACKTICK || c === TILDE ? i : -1;
}

/** True when the line [from, end) closes a fence of `length` × `fence`: the same character, at least as many, then only whitespace. */
function closes(text: string, from: number, end: number, fence: number, length: number): boolean {
  const i = fenceStart(text, from);
  if (i < 0 || text.charCodeAt(i) !== fence) return false;
  let j = i;
  while (j < end && text.charCodeAt(j) === fence) j++;
  if (j - i < length) return false;
  for (; j < end; j++) {
    const c = text.charCodeAt(j);
    if (c !== SPACE && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

/** Appends the fenced code blocks of one text as `[info word, body]`, CommonMark's way: an unclosed fence runs to the end. */
function collect(text: string, out: Array<[string, string]>): void {
  let pos = 0;
  while (pos < text.length) {
    const end = lineEnd(text, pos);
    const i = fenceStart(text, pos);
    if (i >= 0) {
      const fence = text.charCodeAt(i);
      let j = i;
      while (text.charCodeAt(j) === fence) j++;
      const info = text.slice(j, end).trim();
      // "```ls```" on one line is inline code, not a fence (a backtick fence's info string has no backtick).
      if (j - i >= 3 && !(fence === BACKTICK && info.includes('`'))) {
        const bodyStart = end + 1;
        let line = bodyStart;
        let bodyEnd = text.length;
        let next = text.length;
        while (line < text.length) {
          const e = lineEnd(text, line);
          if (closes(text, line, e, fence, j - i)) {
            bodyEnd = line - 1;
            next = e + 1;
            break;
          }
          line = e + 1;
        }
        const space = info.indexOf(' ');
        out.push([(space < 0 ? info : info.slice(0, space)).toLowerCase(), bodyStart <= bodyEnd ? text.slice(bodyStart, bodyEnd) : '']);
        pos = next;
        continue;
      }
    }
    pos = end + 1;
  }
}

/**
 * The command blocks of a message's texts: the bodies of its fenced code blocks (```` ``` ```` or `~~~`, as
 * CommonMark reads them), and when some of them are tagged with a shell (`bash`, `sh`, `console`, ...), only
 * those, because ReAct-style agents quote code in their reasoning and run the shell block. A message without
 * a fence gives `[]`: its action is its whole text.
 *
 * @example
 * commandBlocks(['THOUGHT: the bug is here:\n```python\nx = 1\n```\nLet me check.\n```bash\ngrep -n "x =" a.py\n```']);
 * // ['grep -n "x =" a.py']
 * commandBlocks(['I think we are done.']); // []
 */
export function commandBlocks(texts: readonly string[]): string[] {
  let blocks: Array<[string, string]> | undefined;
  for (const text of texts) {
    // Most messages have no fence at all: two native scans, no line walk.
    if (text.indexOf('```') < 0 && text.indexOf('~~~') < 0) continue;
    collect(text, (blocks ??= []));
  }
  if (blocks === undefined || blocks.length === 0) return [];
  const shell = blocks.filter(([info]) => SHELL_LANGUAGES.has(info));
  return (shell.length > 0 ? shell : blocks).map(([, body]) => body);
}
