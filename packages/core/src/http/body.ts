// Reads a request body with a size limit and parses it as JSON, or reuses a body the host already parsed.
import { AgentWallError } from '../errors.js';
import type { BodySource } from './types.js';

/**
 * The deepest nesting of arrays and objects a request body may have. Real requests (tool schemas included)
 * stay far below it; far deeper values would overflow the stack of any recursive walk (JSON.stringify's too).
 */
export const MAX_JSON_DEPTH = 256;

/**
 * How much of a refused body is read and discarded after the 413, so the client, still sending, gets to
 * read the answer: closing a socket with unread data makes the kernel reset it, and the client sees EPIPE
 * or ECONNRESET instead of the 413. Past this, the connection is cut.
 */
export const DISCARD_LIMIT_BYTES = 32 * 1024 * 1024;

function tooLarge(limit: number): AgentWallError {
  return new AgentWallError('request_too_large', `The request body is larger than ${limit} bytes.`, { limit_bytes: limit });
}

/**
 * Reads and drops the rest of a refused body, then resolves: the 413 goes out once the client has sent
 * everything, so even a client that only reads after sending (or one whose request says `connection:
 * close`) gets it. Past {@link DISCARD_LIMIT_BYTES} the connection is cut instead. The upstream never sees
 * any of it.
 */
function discardRest(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    let dropped = 0;
    const done = (): void => {
      stream.off('data', onData);
      stream.off('end', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer | string): void => {
      dropped += chunk.length;
      if (dropped > DISCARD_LIMIT_BYTES) {
        done();
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      }
    };
    if ((stream as { readableEnded?: boolean }).readableEnded === true) return resolve();
    stream.on('data', onData);
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
    stream.resume();
  });
}

/**
 * The raw bytes of a request stream, refusing more than `limit` bytes (413). Plain 'data'/'end'
 * listeners rather than `for await`: the async iterator costs a measurable share of a request.
 */
export function readRaw(stream: NodeJS.ReadableStream, limit: number, contentLength: string | undefined): Promise<Buffer> {
  if (contentLength !== undefined && Number(contentLength) > limit) {
    return discardRest(stream).then(() => Promise.reject(tooLarge(limit)));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string): void => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += b.length;
      if (size > limit) {
        cleanup();
        void discardRest(stream).then(() => reject(tooLarge(limit)));
        return;
      }
      chunks.push(b);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      cleanup();
      reject(Object.assign(new Error('the client went away before sending its whole body'), { name: 'AbortError' }));
    };
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * The request body as parsed JSON. A body the host already parsed is reused as it is.
 * Throws `request_too_large` (413) or `invalid_json` (400).
 */
export async function readJsonBody(source: BodySource, limit: number, contentLength: string | undefined): Promise<unknown> {
  if (source.kind === 'parsed') {
    if (contentLength !== undefined && Number(contentLength) > limit) throw tooLarge(limit);
    const v = source.value;
    // A host parser that did not recognise the content type leaves a string, a Buffer or nothing.
    if (Buffer.isBuffer(v) || typeof v === 'string') return parseJson(Buffer.isBuffer(v) ? v.toString('utf8') : v);
    if (v === undefined) throw new AgentWallError('invalid_json', 'The request body is empty; send a JSON object.');
    return checkDepth(v);
  }
  const raw = await readRaw(source.stream, limit, contentLength);
  return checkDepth(parseJson(raw.toString('utf8')));
}

/**
 * Refuses a value nested deeper than {@link MAX_JSON_DEPTH} (400 `invalid_json`) before any work is done on
 * it. An explicit stack: the check itself must not recurse. Visits each array and object once.
 */
function checkDepth(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop() as object;
    const depth = depths.pop()!;
    if (depth > MAX_JSON_DEPTH) {
      throw new AgentWallError('invalid_json', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`, { max_depth: MAX_JSON_DEPTH });
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return value;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') throw new AgentWallError('invalid_json', 'The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch {
    // The parser's own message quotes the body, which may hold secrets: say only what went wrong.
    throw new AgentWallError('invalid_json', 'The request body is not valid JSON.');
  }
}
