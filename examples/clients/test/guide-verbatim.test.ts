// Checks that each runnable copy in guide/ is still the users' guide's Python block, changed only in API_KEY / BASE_URL.
import fs from 'node:fs';
import {
  BASE_URL_DEFAULT,
  ENV_LINES,
  GUIDE_CROSS,
  GUIDE_EXAMPLES,
  GUIDE_MONEY,
  GUIDE_PATH,
  GUIDE_WARNING,
  VERBATIM_MARKER,
  guideFile,
  readGuidePythonBlocks,
  type GuideExample,
} from './guide-text.js';

const examples = Object.keys(GUIDE_EXAMPLES) as GuideExample[];

/** The prelude may only import and read the environment, so it cannot hide a fix to the guide's code. */
const PRELUDE_LINE = new RegExp(
  `^(|#.*|import os|import requests|${ENV_LINES.map((l) => l.copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`,
);

function splitCopy(example: GuideExample): { prelude: string[]; body: string } {
  const text = fs.readFileSync(guideFile(example), 'utf8');
  const parts = text.split(`${VERBATIM_MARKER}\n`);
  if (parts.length !== 2) throw new Error(`${guideFile(example)} must contain the marker line exactly once`);
  return { prelude: parts[0]!.split('\n').slice(0, -1), body: parts[1]! };
}

/** Undo the only permitted changes, so the rest must equal the guide byte for byte. */
function asInGuide(body: string): string {
  return [...ENV_LINES, BASE_URL_DEFAULT].reduce((text, { guide, copy }) => text.split(`${copy}\n`).join(`${guide}\n`), body);
}

describe.each(examples)('guide/%s', (example) => {
  it('has a prelude that only imports and reads AGENTWALL_API_KEY / AGENTWALL_BASE_URL', () => {
    const { prelude, body } = splitCopy(example);
    expect(prelude[0]).toMatch(/^# /);
    for (const line of prelude) expect(line).toMatch(PRELUDE_LINE);
    expect(prelude).toContain('import os');
    // Every copy ends up reading both values from the environment, in the prelude or in the guide's own lines.
    const all = [...prelude, ...body.split('\n')];
    for (const { copy, guide } of ENV_LINES) {
      expect(all.filter((l) => l === copy)).toHaveLength(1);
      expect(all).not.toContain(guide);
    }
    // No copy may keep a production URL: it would send the test's requests off the machine.
    expect(body).not.toContain('https://api.agentwall.io');
  });
});

const blocks = readGuidePythonBlocks();

if (!blocks) {
  console.warn(`Skipping the verbatim comparison: the users' guide is not at ${GUIDE_PATH}.`);
  it.skip(`matches the guide verbatim: SKIPPED, the guide is not at ${GUIDE_PATH}`, () => undefined);
} else {
  describe.each(examples)('guide/%s against the guide', (example) => {
    it('is the guide block verbatim apart from the API_KEY / BASE_URL lines', () => {
      const matching = blocks.filter((b) => b.heading === example);
      expect(matching).toHaveLength(1);
      expect(asInGuide(splitCopy(example).body)).toBe(matching[0]!.code);
    });
  });

  it('spells the printed emoji the way guide-text.ts expects', () => {
    const guide = fs.readFileSync(GUIDE_PATH, 'utf8');
    expect(guide).toContain(`print("${GUIDE_WARNING} Loop detected! Agent is repeating the same prompt.")`);
    expect(guide).toContain(`print("${GUIDE_CROSS} Authentication failed. Check your API key.")`);
    expect(guide).toContain(`print(f"${GUIDE_MONEY} Cost: $`);
  });
}
