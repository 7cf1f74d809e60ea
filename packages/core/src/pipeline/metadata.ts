// The `agentwall` object added to answers, and the X-AgentWall-* headers.

/** The `agentwall` object of a chat completion answer (SPEC section 3). */
export interface AgentWallMetadata {
  run_id: string;
  step: number;
  cost_usd: number;
  run_cost_usd: number;
  run_steps: number;
  loop_detected: boolean;
  overhead_ms: number;
  [field: string]: unknown;
}

/** Response headers naming the run and step. */
export function runHeaders(runId: string, step?: number): Record<string, string> {
  const h: Record<string, string> = { 'x-agentwall-run-id': runId };
  if (step !== undefined) h['x-agentwall-step'] = String(step);
  return h;
}

/** Rounds a duration to 0.01 ms for display. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/**
 * Inserts `"agentwall": {...}` into a JSON object's text without re-encoding the rest of it.
 * Returns undefined when the text does not end like an object.
 */
export function spliceMetadata(json: Buffer, isEmptyObject: boolean, meta: AgentWallMetadata): Buffer | undefined {
  let end = json.length - 1;
  while (end >= 0 && (json[end] === 0x20 || json[end] === 0x0a || json[end] === 0x0d || json[end] === 0x09)) end--;
  if (end < 0 || json[end] !== 0x7d /* } */) return undefined;
  const insert = `${isEmptyObject ? '' : ','}"agentwall":${JSON.stringify(meta)}}`;
  return Buffer.concat([json.subarray(0, end), Buffer.from(insert)]);
}
