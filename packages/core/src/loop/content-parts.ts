// How message content parts enter a fingerprint: text as text, media as a cheap stand-in for its bytes.

/** Media payloads up to this length are hashed whole; longer ones (data URLs, base64) are sampled. */
const WHOLE_PAYLOAD_CHARS = 512;
/** Characters sampled, evenly spaced, from a long payload. */
const PAYLOAD_SAMPLES = 64;

type Part = Record<string, unknown>;

function field(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === 'object' ? (obj as Part)[key] : undefined;
}

/** A long payload's length plus evenly spaced characters: O(1) however large the image, yet two different images differ. */
function payloadDigest(payload: string): string {
  if (payload.length <= WHOLE_PAYLOAD_CHARS) return payload;
  const stride = Math.floor(payload.length / PAYLOAD_SAMPLES);
  let sample = '';
  for (let i = payload.length - 1, n = 0; n < PAYLOAD_SAMPLES; i -= stride, n++) sample += payload.charAt(i);
  return `${payload.length}~${sample}`;
}

/**
 * The text of a text-like content part (`text`, or an assistant `refusal`), or `undefined` for anything else.
 *
 * @example
 * partText({ type: 'text', text: 'look' }); // 'look'
 * partText({ type: 'image_url', image_url: { url: 'https://x/y.png' } }); // undefined
 */
export function partText(part: unknown): string | undefined {
  const text = field(part, 'text');
  if (typeof text === 'string') return text;
  const refusal = field(part, 'refusal');
  return typeof refusal === 'string' ? refusal : undefined;
}

/**
 * A stand-in for a non-text part: its type plus its URL or data, where a data URL or base64 blob longer than
 * 512 chars is reduced to its length and 64 evenly spaced chars. Hashing megabytes of screenshots on every
 * request would cost milliseconds, while a type-only placeholder would make a vision agent that sends a new
 * screenshot with the same instruction every step look like an exact repeat.
 *
 * @example
 * partToken({ type: 'image_url', image_url: { url: 'https://x/y.png' } }); // 'image_url|https://x/y.png'
 */
export function partToken(part: unknown): string {
  const type = field(part, 'type');
  const name = typeof type === 'string' ? type : '';
  const image = field(part, 'image_url');
  const file = field(part, 'file');
  const payload =
    (typeof image === 'string' ? image : field(image, 'url')) ??
    field(field(part, 'input_audio'), 'data') ??
    field(file, 'file_data') ??
    field(file, 'file_id') ??
    field(file, 'filename');
  return typeof payload === 'string' ? `${name}|${payloadDigest(payload)}` : name;
}
