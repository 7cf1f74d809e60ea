// Admit tokens: unique across processes without coordination, and cheap enough to make on every request.
import { randomBytes } from 'node:crypto';

// 72 random bits per process; the counter makes each id of the process distinct.
const PROCESS = randomBytes(9).toString('base64url');
let counter = 0;

/**
 * A new admit id: this process's random prefix and a counter, so ids never repeat within a process and
 * two processes collide with odds of 2^-72. Only letters, digits, `-` and `_` (never `|`).
 *
 * @example
 * store.admit({ ...request, admitId: newAdmitId() });
 */
export function newAdmitId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${PROCESS}${counter.toString(36)}`;
}
