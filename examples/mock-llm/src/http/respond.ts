// Sends a successful answer, JSON or SSE, under the request's injected faults (drop or stall after N events).
import type { RequestBehaviour } from '../behaviour.js';
import { drop, sendHead, sendJson, sleep, write, type Exchange } from './exchange.js';

/**
 * Answer 200 with a JSON body, unless a fault says otherwise: `drop` destroys the socket before any byte,
 * `stall` sends the headers and never the body.
 */
export function respondJson(ex: Exchange, behaviour: RequestBehaviour, body: unknown): void {
  if (behaviour.dropAfter !== undefined) return drop(ex);
  if (behaviour.stallAfter !== undefined) return sendHead(ex, 'application/json');
  sendJson(ex, 200, body);
}

/**
 * Stream prebuilt SSE events with `chunkDelayMs` between them; `dropAfter`/`stallAfter` cut the stream after that
 * many events (destroying the socket, or going silent). Events are built up front so the count needs no meaning.
 */
export async function respondStream(ex: Exchange, behaviour: RequestBehaviour, events: string[], chunkDelayMs: number): Promise<void> {
  // Headers go out before the first event so clients see time-to-first-byte as a real stream would give it.
  sendHead(ex, 'text/event-stream');
  for (let i = 0; i < events.length; i += 1) {
    if (i === behaviour.dropAfter) return drop(ex);
    if (i === behaviour.stallAfter) return;
    if (i > 0 && !(await sleep(chunkDelayMs, ex.signal))) return;
    if (!(await write(ex, events[i] as string))) return;
  }
  // A drop/stall count at or past the last event still withholds the chunked terminator.
  if (behaviour.dropAfter !== undefined) return drop(ex);
  if (behaviour.stallAfter !== undefined) return;
  ex.res.end();
}
