// Splits an answer into stream content pieces whose concatenation is exactly the answer.

/** One piece per word, each carrying its leading whitespace, like a tokenizer would. */
export function splitWords(text: string): string[] {
  const pieces = text.match(/\s*\S+/g) ?? [];
  const consumed = pieces.join('').length;
  // Trailing whitespace has no word to ride on; keep it so the pieces still add up to the text.
  if (consumed < text.length) {
    if (pieces.length === 0) return [text];
    pieces[pieces.length - 1] += text.slice(consumed);
  }
  return pieces;
}

/** Exactly `count` pieces of near-equal length (by code point), fewer only when the text is shorter. */
export function splitEven(text: string, count: number): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [];
  const pieces = Math.max(1, Math.min(Math.floor(count), chars.length));
  const out: string[] = [];
  for (let i = 0; i < pieces; i += 1) {
    const start = Math.floor((i * chars.length) / pieces);
    const end = Math.floor(((i + 1) * chars.length) / pieces);
    out.push(chars.slice(start, end).join(''));
  }
  return out;
}

/** Content pieces for streaming: `streamChunks` even pieces when set, else one per word. */
export function splitAnswer(text: string, streamChunks: number | undefined): string[] {
  return streamChunks !== undefined && streamChunks > 0 ? splitEven(text, streamChunks) : splitWords(text);
}

/** Pieces of at most `size` code points: how tool call arguments are streamed, a few characters per event. */
export function splitFixed(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** Size of the argument pieces in streamed tool calls, on every protocol. */
export const ARGUMENT_PIECE_CHARS = 8;
