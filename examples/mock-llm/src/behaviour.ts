// Resolves what one POST request should suffer: default delay, x-mock-* headers, then the queued failure.
import type http from 'node:http';
import type { MockFailure } from './types.js';

/** The fault-injection plan for a single request. */
export interface RequestBehaviour {
  delayMs: number;
  status?: { status: number; body?: unknown };
  hang: boolean;
  /** SSE events to send before destroying the socket. */
  dropAfter?: number;
  /** SSE events to send before going silent. */
  stallAfter?: number;
}

function headerValue(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function nonNegativeInt(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * Build the behaviour for one request. Header controls exist so that separate processes
 * (benchmarks, example servers) can inject faults without access to the queue; a queued
 * failure is applied on top, so both can combine (e.g. header delay plus queued status).
 */
export function resolveBehaviour(
  defaultDelayMs: number,
  headers: http.IncomingHttpHeaders,
  queued: MockFailure | undefined,
): RequestBehaviour {
  const behaviour: RequestBehaviour = { delayMs: defaultDelayMs, hang: false };

  const status = nonNegativeInt(headerValue(headers, 'x-mock-status'));
  if (status !== undefined && status >= 200 && status <= 599) behaviour.status = { status };
  const delay = nonNegativeInt(headerValue(headers, 'x-mock-delay-ms'));
  if (delay !== undefined) behaviour.delayMs = delay;
  const hang = headerValue(headers, 'x-mock-hang');
  if (hang !== undefined && /^\s*(1|true|yes)\s*$/i.test(hang)) behaviour.hang = true;
  const dropAfter = nonNegativeInt(headerValue(headers, 'x-mock-drop-after'));
  if (dropAfter !== undefined) behaviour.dropAfter = dropAfter;
  const stallAfter = nonNegativeInt(headerValue(headers, 'x-mock-stall-after'));
  if (stallAfter !== undefined) behaviour.stallAfter = stallAfter;

  if (!queued) return behaviour;
  switch (queued.kind) {
    case 'status':
      behaviour.status = { status: queued.status, body: queued.body };
      break;
    case 'hang':
      behaviour.hang = true;
      break;
    case 'drop':
      behaviour.dropAfter = queued.afterChunks;
      break;
    case 'delay':
      behaviour.delayMs = queued.ms;
      break;
    case 'stall':
      behaviour.stallAfter = queued.afterChunks;
      break;
  }
  return behaviour;
}
