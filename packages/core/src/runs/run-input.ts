// AgentWall's own request inputs: run id, agent id and run metadata, from headers or `agentwall_*` body fields.
import { randomUUID } from 'node:crypto';
import { AgentWallError, type ValidationIssue } from '../errors.js';

const RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_METADATA_BYTES = 4096;

/** The run a request belongs to, as the client named it (or a generated one). */
export interface RunInput {
  runId: string;
  /** True when the client gave no run id: a run of one step. */
  generated: boolean;
  agentId?: string;
  metadata?: Record<string, unknown>;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Reads the run inputs. The header wins over the body field. Invalid values give a 422 in FastAPI's shape.
 *
 * @example
 * readRunInput({ 'x-agentwall-run-id': 'task-42' }, body) // { runId: 'task-42', generated: false }
 */
export function readRunInput(headers: Record<string, string | string[] | undefined>, body: Record<string, unknown>): RunInput {
  const issues: ValidationIssue[] = [];
  const headerRun = header(headers, 'x-agentwall-run-id');
  const rawRun: unknown = headerRun ?? body['agentwall_run_id'];
  const runLoc = headerRun !== undefined ? ['header', 'x-agentwall-run-id'] : ['body', 'agentwall_run_id'];
  let runId: string | undefined;
  if (rawRun !== undefined && rawRun !== null) {
    if (typeof rawRun === 'string' && RUN_ID.test(rawRun)) runId = rawRun;
    else issues.push({ loc: runLoc, msg: 'run id must be 1 to 128 characters of A-Z a-z 0-9 . _ : -', type: 'string_pattern_mismatch' });
  }

  const rawAgent: unknown = header(headers, 'x-agentwall-agent-id') ?? body['agentwall_agent_id'];
  let agentId: string | undefined;
  if (rawAgent !== undefined && rawAgent !== null) {
    if (typeof rawAgent === 'string' && rawAgent.length >= 1 && rawAgent.length <= 128) agentId = rawAgent;
    else issues.push({ loc: ['body', 'agentwall_agent_id'], msg: 'agent id must be a string of 1 to 128 characters', type: 'string_type' });
  }

  const rawMeta: unknown = body['agentwall_metadata'];
  let metadata: Record<string, unknown> | undefined;
  if (rawMeta !== undefined && rawMeta !== null) {
    if (typeof rawMeta !== 'object' || Array.isArray(rawMeta)) {
      issues.push({ loc: ['body', 'agentwall_metadata'], msg: 'metadata must be an object', type: 'dict_type' });
    } else if (Buffer.byteLength(JSON.stringify(rawMeta)) > MAX_METADATA_BYTES) {
      issues.push({ loc: ['body', 'agentwall_metadata'], msg: 'metadata must be at most 4 KiB of JSON', type: 'too_long' });
    } else {
      metadata = rawMeta as Record<string, unknown>;
    }
  }

  if (issues.length) throw new AgentWallError('validation_error', issues.map((i) => i.msg).join('; '), {}, { issues });
  const input: RunInput = { runId: runId ?? `run_${randomUUID()}`, generated: runId === undefined };
  if (agentId !== undefined) input.agentId = agentId;
  if (metadata !== undefined) input.metadata = metadata;
  return input;
}
