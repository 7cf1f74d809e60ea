// Masks secrets in a streamed Message's text deltas without buffering the stream: one masker per content block.
import type { DlpScanner, DlpStreamMasker } from '../../dlp/index.js';

/**
 * An SSE event of the Messages stream, named by its type as Anthropic names them.
 *
 * @example
 * namedEvent('message_stop', '{"type":"message_stop"}') // 'event: message_stop\ndata: {"type":"message_stop"}\n\n'
 */
export function namedEvent(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}

function delta(index: number, text: string): string {
  return namedEvent('content_block_delta', JSON.stringify({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }));
}

/**
 * Rewrites a Messages stream's `text_delta` events through one DLP stream masker per content block, holding back
 * only a possible secret's start; a block's held-back tail goes out in one more `text_delta` just before its
 * `content_block_stop`. Only rewritten events are re-encoded.
 *
 * @example
 * const masker = createMessagesStreamMasker(scanner);
 * masker.delta(JSON.parse(data)); // the replacement event, or undefined to relay it as it came
 */
export function createMessagesStreamMasker(scanner: DlpScanner) {
  const maskers = new Map<number, DlpStreamMasker>();

  return {
    /** The replacement of a `content_block_delta` event, or undefined to relay it unchanged. */
    delta(event: Record<string, unknown>): string | undefined {
      const d = event['delta'] as Record<string, unknown> | undefined;
      if (d?.['type'] !== 'text_delta' || typeof d['text'] !== 'string') return undefined;
      const index = typeof event['index'] === 'number' ? event['index'] : 0;
      let m = maskers.get(index);
      if (!m) {
        m = scanner.createStreamMasker();
        maskers.set(index, m);
      }
      const text = m.push(d['text']);
      return text === d['text'] ? undefined : namedEvent('content_block_delta', JSON.stringify({ ...event, delta: { ...d, text } }));
    },
    /** The held-back tail of a block as a `text_delta` event to write before its `content_block_stop`, if any. */
    stop(index: number): string | undefined {
      const m = maskers.get(index);
      if (!m) return undefined;
      const tail = m.end();
      return tail ? delta(index, tail) : undefined;
    },
    /** The tails of blocks never stopped (a stream cut short). */
    flush(): string | undefined {
      let out = '';
      for (const index of maskers.keys()) out += this.stop(index) ?? '';
      return out || undefined;
    },
    /** DLP counts of every block's text so far. */
    get counts(): Record<string, number> {
      const counts: Record<string, number> = {};
      for (const m of maskers.values()) for (const [k, v] of Object.entries(m.counts)) counts[k] = (counts[k] ?? 0) + v;
      return counts;
    },
  };
}
