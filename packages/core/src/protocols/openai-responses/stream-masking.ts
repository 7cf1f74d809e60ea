// Masks secrets in a streamed Responses answer (`dlp.responses`) without buffering it: one stream masker per text part.
import type { DlpScanner, DlpStreamMasker } from '../../dlp/index.js';
import type { EventVerdict } from '../../stream/sse-relay.js';
import { isRecord, withKey, type Json } from '../mask-json.js';

/** One text part being streamed (`item_id`, `content_index`): its masker, the masked text so far, the delta held back. */
interface Part {
  masker: DlpStreamMasker;
  text: string;
  /** True once the masker changed or held back a delta: from then on the part's deltas are rewritten. */
  dirty: boolean;
  /** The latest delta event, masked, not yet sent: the masker's tail joins it when the part ends. */
  held: Json | undefined;
  done: boolean;
}

function encode(type: string, payload: Json): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

function addCounts(into: Record<string, number>, add: Readonly<Record<string, number>>): void {
  for (const k in add) into[k] = (into[k] ?? 0) + add[k]!;
}

/** A Responses stream masker, driven by the observer with each parsed event that carries text. */
export interface ResponsesStreamMasker {
  /** DLP counts of the masked text, complete once the stream ended. */
  readonly counts: Record<string, number>;
  /** The verdict for a parsed event of `type`; `final` marks the event that ends the stream. */
  event(type: string, payload: Json, final: boolean): EventVerdict;
  /** The held deltas of parts that never ended (a stream cut short), with their tails. */
  end(): string | undefined;
}

/**
 * Masks the text of a streamed Responses answer as it passes. The Responses API sends each text several times:
 * as `response.output_text.delta` pieces, whole in `response.output_text.done`, in `response.content_part.done`,
 * in `response.output_item.done` and in the final response. Deltas go through one stream masker per part, which
 * holds back only what could be the start of a secret. Once the masker has changed or held back part of a delta,
 * each of the part's delta events is itself held until the part's next event, so the part's last delta can carry
 * the masker's tail and no event is invented (sequence numbers stay those of the upstream). The whole-text
 * copies get the part's masked text, which equals a scan of the whole text (`createStreamMasker`'s contract);
 * text that arrived without deltas is scanned whole. Call arguments are relayed as they come, as chat's streamed
 * tool calls are. Only events that change are re-encoded: a stream without secrets passes byte for byte.
 *
 * @example
 * const masker = createResponsesStreamMasker(scanner);
 * const verdict = masker.event('response.output_text.delta', payload, false);
 */
export function createResponsesStreamMasker(scanner: DlpScanner): ResponsesStreamMasker {
  const parts = new Map<string, Part>();
  const counts: Record<string, number> = {};
  const keyOf = (itemId: unknown, index: unknown): string => `${String(itemId)}\u0000${String(index)}`;

  const partFor = (key: string): Part => {
    let part = parts.get(key);
    if (!part) {
      part = { masker: scanner.createStreamMasker(), text: '', dirty: false, held: undefined, done: false };
      parts.set(key, part);
    }
    return part;
  };

  /** Ends a part: its tail joins the held delta; returns that delta's bytes, if one was held. */
  const finishPart = (part: Part): string => {
    if (part.done) return '';
    part.done = true;
    const tail = part.masker.end();
    addCounts(counts, part.masker.counts);
    part.text += tail;
    const held = part.held;
    part.held = undefined;
    if (!held) return '';
    return encode('response.output_text.delta', tail ? withKey(held, 'delta', `${String(held['delta'])}${tail}`) : held);
  };

  /** The masked copy of a whole text of a part: the part's masked text once it ended, else a scan of the text. */
  const maskedText = (key: string, text: string): string => {
    const part = parts.get(key);
    if (part?.done) return part.text;
    const scanned = scanner.scanText(text);
    addCounts(counts, scanned.counts);
    return scanned.text;
  };

  /** An output item with its message parts' text masked (the same item when nothing changed). */
  const maskItem = (item: unknown): unknown => {
    if (!isRecord(item) || item['type'] !== 'message' || !Array.isArray(item['content'])) return item;
    let changed = false;
    const content = item['content'].map((c: unknown, i: number) => {
      if (!isRecord(c) || typeof c['text'] !== 'string') return c;
      const text = maskedText(keyOf(item['id'], i), c['text']);
      if (text === c['text']) return c;
      changed = true;
      return withKey(c, 'text', text);
    });
    return changed ? withKey(item, 'content', content) : item;
  };

  const verdict = (type: string, payload: Json, changed: Json | undefined, final: boolean): EventVerdict => {
    if (changed) return final ? { replace: encode(type, changed), final: true } : { replace: encode(type, changed) };
    return final ? 'final' : undefined;
  };

  return {
    counts,
    event(type, payload, final) {
      switch (type) {
        case 'response.output_text.delta': {
          const part = partFor(keyOf(payload['item_id'], payload['content_index']));
          const delta = typeof payload['delta'] === 'string' ? payload['delta'] : '';
          const out = part.masker.push(delta);
          part.text += out;
          // A part the masker never touched holds nothing back: its events pass as they came.
          if (!part.dirty && out === delta) return undefined;
          part.dirty = true;
          const previous = part.held;
          part.held = withKey(payload, 'delta', out);
          return previous ? { replace: encode(type, previous) } : 'drop';
        }
        case 'response.output_text.done': {
          const key = keyOf(payload['item_id'], payload['content_index']);
          const part = parts.get(key);
          const before = part ? finishPart(part) : '';
          const text = typeof payload['text'] === 'string' ? maskedText(key, payload['text']) : payload['text'];
          if (before === '' && text === payload['text']) return undefined;
          return { replace: before + encode(type, text === payload['text'] ? payload : withKey(payload, 'text', text)) };
        }
        case 'response.content_part.done': {
          const part = payload['part'];
          if (!isRecord(part) || typeof part['text'] !== 'string') return undefined;
          const text = maskedText(keyOf(payload['item_id'], payload['content_index']), part['text']);
          return verdict(type, payload, text === part['text'] ? undefined : withKey(payload, 'part', withKey(part, 'text', text)), final);
        }
        case 'response.output_item.done': {
          const item = maskItem(payload['item']);
          return verdict(type, payload, item === payload['item'] ? undefined : withKey(payload, 'item', item), final);
        }
        default: {
          const response = payload['response'];
          if (!final || !isRecord(response) || !Array.isArray(response['output'])) return verdict(type, payload, undefined, final);
          let changed = false;
          const output = response['output'].map((item: unknown) => {
            const masked = maskItem(item);
            if (masked !== item) changed = true;
            return masked;
          });
          return verdict(type, payload, changed ? withKey(payload, 'response', withKey(response, 'output', output)) : undefined, final);
        }
      }
    },
    end() {
      let out = '';
      for (const part of parts.values()) out += finishPart(part);
      return out === '' ? undefined : out;
    },
  };
}
