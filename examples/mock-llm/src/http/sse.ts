// Formats server-sent events the two ways the mock's protocols use: data-only (chat) and named (Responses, Anthropic).

/**
 * A data-only SSE event, as chat completions stream (`data: {...}`, and the final `data: [DONE]`).
 *
 * @example sseData('[DONE]') // 'data: [DONE]\n\n'
 */
export function sseData(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/**
 * A named SSE event whose name is the payload's `type`, as the Responses and Anthropic streams send them.
 *
 * @example sseNamed({ type: 'ping' }) // 'event: ping\ndata: {"type":"ping"}\n\n'
 */
export function sseNamed(data: { type: string } & Record<string, unknown>): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}
