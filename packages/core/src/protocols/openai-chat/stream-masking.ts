// Masks secrets in a streamed chat completion's deltas without buffering the stream: one masker per choice.
import type { DlpScanner, DlpStreamMasker } from '../../dlp/index.js';

function addCounts(into: Record<string, number>, add: Readonly<Record<string, number>>): void {
  for (const k in add) into[k] = (into[k] ?? 0) + add[k]!;
}

/** A rewriter for the SSE relay: one stream masker per choice, holding back only a possible secret's start. */
export function createStreamResponseMasker(scanner: DlpScanner) {
  const maskers = new Map<number, DlpStreamMasker>();
  const ended = new Set<number>();
  let template: Record<string, unknown> = {};
  const counts: Record<string, number> = {};

  const maskerFor = (index: number): DlpStreamMasker => {
    let m = maskers.get(index);
    if (!m) {
      m = scanner.createStreamMasker();
      maskers.set(index, m);
    }
    return m;
  };

  return {
    counts,
    rewrite(chunk: Record<string, unknown>): Record<string, unknown> | undefined {
      const choices = chunk['choices'];
      if (!Array.isArray(choices)) return undefined;
      template = { id: chunk['id'], object: chunk['object'], created: chunk['created'], model: chunk['model'] };
      let changed = false;
      const next = choices.map((c: Record<string, unknown>) => {
        const index = typeof c['index'] === 'number' ? c['index'] : 0;
        const delta = (c['delta'] ?? {}) as Record<string, unknown>;
        const content = typeof delta['content'] === 'string' ? delta['content'] : undefined;
        const m = maskerFor(index);
        let out = content === undefined ? undefined : m.push(content);
        if (c['finish_reason'] !== null && c['finish_reason'] !== undefined && !ended.has(index)) {
          ended.add(index);
          const tail = m.end();
          if (tail) out = (out ?? '') + tail;
        }
        if (out === content) return c;
        changed = true;
        return { ...c, delta: { ...delta, content: out } };
      });
      return changed ? { ...chunk, choices: next } : undefined;
    },
    flush(): Record<string, unknown> | undefined {
      const tails: Array<Record<string, unknown>> = [];
      for (const [index, m] of maskers) {
        if (ended.has(index)) continue;
        ended.add(index);
        const tail = m.end();
        if (tail) tails.push({ index, delta: { content: tail }, finish_reason: null });
      }
      for (const m of maskers.values()) addCounts(counts, m.counts);
      return tails.length ? { ...template, choices: tails } : undefined;
    },
  };
}
