// Over-masking guard on real agent traffic: the default policy scanned over 424 real trajectories (32 MiB of code,
// diffs, logs and tool calls) may mask only a handful of values, all hard-coded test credentials or chance numbers.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createDlpScanner } from '../../src/dlp/index.js';

const TRACES = path.resolve(__dirname, '../../../../../shared/traces/real-agent-traces.jsonl.gz');
const present = existsSync(TRACES);
if (!present) console.warn(`real-traces.test.ts: ${TRACES} not found (shared/ sits beside the repository); skipping`);

interface Trace {
  messages: { content?: unknown; tool_calls?: { function?: { arguments?: string } }[] }[];
}

function texts(): string[] {
  const out: string[] = [];
  for (const line of gunzipSync(readFileSync(TRACES)).toString('utf8').split('\n')) {
    if (line.length === 0) continue;
    for (const m of (JSON.parse(line) as Trace).messages) {
      if (typeof m.content === 'string') out.push(m.content);
      else if (Array.isArray(m.content)) for (const part of m.content as { text?: unknown }[]) if (typeof part.text === 'string') out.push(part.text);
      for (const call of m.tool_calls ?? []) if (typeof call.function?.arguments === 'string') out.push(call.function.arguments);
    }
  }
  return out;
}

(present ? describe : describe.skip)('real agent traces', () => {
  it('are masked in at most one place per 4 MiB by the default policy', () => {
    const scanner = createDlpScanner();
    const all = texts();
    const chars = all.reduce((n, t) => n + t.length, 0);
    const found: Record<string, number> = {};
    for (const text of all) for (const [kind, n] of Object.entries(scanner.scanText(text).counts)) found[kind] = (found[kind] ?? 0) + n;
    const total = Object.values(found).reduce((a, b) => a + b, 0);
    // Today: five hard-coded passwords in test fixtures (generic_secret) and one Luhn-valid glyph coordinate run.
    expect({ total: total <= chars / (4 << 20), found }).toEqual({ total: true, found });
    expect(Object.keys(found).every((kind) => kind === 'generic_secret' || kind === 'credit_card')).toBe(true);
  });
});
