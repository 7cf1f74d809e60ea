// Where the users' guide lives, how its Python blocks map to the files in guide/, and the exact text its examples print.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './server-process.js';

/** The binding users' guide, kept beside the repository rather than inside it. */
export const GUIDE_PATH = path.resolve(repoRoot, '..', 'shared', 'seeds', '000_9d7cade5d8ae656a.txt');

export const GUIDE_DIR = path.resolve(repoRoot, 'examples', 'clients', 'guide');

/** Guide section heading → the runnable copy of that section's Python block. */
export const GUIDE_EXAMPLES = {
  'Simple Chat Completion': 'simple-chat-completion.py',
  'Run-Level Tracking': 'run-level-tracking.py',
  'Streaming Responses': 'streaming-responses.py',
  'Error Handling': 'error-handling.py',
  'Budget Tracking': 'budget-tracking.py',
} as const;

export type GuideExample = keyof typeof GUIDE_EXAMPLES;

export function guideFile(example: GuideExample): string {
  return path.join(GUIDE_DIR, GUIDE_EXAMPLES[example]);
}

/** Separates the added prelude from the guide's own code in each .py file. */
export const VERBATIM_MARKER = '# ---- verbatim from the guide below this line (only API_KEY / BASE_URL read from the environment) ----';

/** The only lines of the guide's code that the copies change, and what they become. */
export const ENV_LINES: ReadonlyArray<{ guide: string; copy: string }> = [
  { guide: 'API_KEY = "aw-your-api-key"', copy: 'API_KEY = os.environ["AGENTWALL_API_KEY"]' },
  { guide: 'BASE_URL = "https://api.agentwall.io"', copy: 'BASE_URL = os.environ["AGENTWALL_BASE_URL"]' },
];

/**
 * Run-Level Tracking builds `AgentWallClient(API_KEY)` without a base URL, so the class default, a
 * hard-coded production URL, would ignore BASE_URL and leave the machine. Pointing that default at
 * BASE_URL is the one change beyond the two lines above (a defect of the guide, reported upstream).
 */
export const BASE_URL_DEFAULT = {
  guide: '    def __init__(self, api_key, base_url="https://api.agentwall.io"):',
  copy: '    def __init__(self, api_key, base_url=BASE_URL):',
} as const;

/*
 * The guide's emoji were UTF-8 read as Mac Roman and saved again as UTF-8; users copy them as they are,
 * so the examples print these exact characters. Escapes keep the bytes unambiguous in this source.
 */
/** "⚠️" as the guide spells it. */
export const GUIDE_WARNING = '\u201A\u00F6\u2020\u00D4\u220F\u00E8';
/** "❌" as the guide spells it. */
export const GUIDE_CROSS = '\u201A\u00F9\u00E5';
/** "💰" as the guide spells it. */
export const GUIDE_MONEY = '\uF8FF\u00FC\u00ED\u221E';

export interface PythonBlock {
  /** The nearest Markdown heading above the block. */
  heading: string;
  /** The block's lines joined with "\n", ending with "\n". */
  code: string;
}

/** The guide's fenced ```python blocks, each with the heading it sits under; undefined when the guide is absent. */
export function readGuidePythonBlocks(): PythonBlock[] | undefined {
  if (!fs.existsSync(GUIDE_PATH)) return undefined;
  const lines = fs.readFileSync(GUIDE_PATH, 'utf8').split('\n');
  const blocks: PythonBlock[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '').trim();
    if (line.trimEnd() !== '```python') continue;
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === '```');
    if (end === -1) throw new Error(`unterminated python block under "${heading}" in ${GUIDE_PATH}`);
    blocks.push({ heading, code: `${lines.slice(i + 1, end).join('\n')}\n` });
    i = end;
  }
  return blocks;
}
