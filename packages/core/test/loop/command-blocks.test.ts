// commandBlocks: which parts of a text agent's message are its action (fenced blocks, shell ones first).
import { commandBlocks } from '../../src/loop/index.js';

describe('commandBlocks', () => {
  it('takes the body of a fenced block, without the thought around it', () => {
    expect(commandBlocks(['THOUGHT: look at the parser.\n\n```bash\ngrep -n "def parse" src/parser.py\n```'])).toEqual(['grep -n "def parse" src/parser.py']);
    expect(commandBlocks(['THOUGHT: edit.\n\n```bash\ncat <<\'EOF\' > a.py\nx = 1\n\nprint(x)\nEOF\n```\n'])).toEqual(["cat <<'EOF' > a.py\nx = 1\n\nprint(x)\nEOF"]);
  });

  it('gives nothing for a message without a fence: its whole text is the action', () => {
    expect(commandBlocks(['I think the fix is complete; the tests pass.'])).toEqual([]);
    expect(commandBlocks([''])).toEqual([]);
    expect(commandBlocks([])).toEqual([]);
    // Inline code with three backticks on one line is not a fence.
    expect(commandBlocks(['Run ```ls -la``` to see them.'])).toEqual([]);
  });

  it('prefers shell blocks over code quoted in the reasoning', () => {
    const message = 'THOUGHT: the check is\n```python\nif a != b:\n    raise ValueError\n```\nso I will patch it:\n```bash\nsed -i "s/!=/==/" a.py\n```';
    expect(commandBlocks([message])).toEqual(['sed -i "s/!=/==/" a.py']);
    expect(commandBlocks(['```sh\nls\n```\n```console\npwd\n```\n```json\n{}\n```'])).toEqual(['ls', 'pwd']);
  });

  it('keeps every block, in order, when none is a shell block (a code-acting agent)', () => {
    expect(commandBlocks(['Step one:\n```python\nprint(1)\n```\nthen\n```\nprint(2)\n```'])).toEqual(['print(1)', 'print(2)']);
  });

  it('reads fences as CommonMark does: tildes, longer fences, indents up to three, info strings, unclosed fences', () => {
    expect(commandBlocks(['~~~bash\nls\n~~~'])).toEqual(['ls']);
    expect(commandBlocks(['````bash\necho "```"\n````'])).toEqual(['echo "```"']);
    expect(commandBlocks(['   ```bash\nls\n   ```'])).toEqual(['ls']);
    expect(commandBlocks(['    ```bash\nls\n    ```'])).toEqual([]); // four spaces: indented code, not a fence
    expect(commandBlocks(['```Bash title="x"\nls\n```'])).toEqual(['ls']);
    expect(commandBlocks(['```bash\nls -la'])).toEqual(['ls -la']);
    expect(commandBlocks(['```bash\r\nls\r\n```\r\n'])).toEqual(['ls\r']);
    expect(commandBlocks(['```bash\n```'])).toEqual(['']);
    // A fence of backticks is not closed by tildes, nor by a shorter fence.
    expect(commandBlocks(['```bash\nls\n~~~\npwd\n``\n```'])).toEqual(['ls\n~~~\npwd\n``']);
  });

  it('reads blocks across several texts of one message', () => {
    expect(commandBlocks(['Look:', '```bash\nls\n```'])).toEqual(['ls']);
  });
});
