// The runs API: read a run's summary, kill a run, revoke a key.
import type { KeyIdentity } from '../auth/key-ring.js';
import { AgentWallError } from '../errors.js';
import { readJsonBody } from '../http/body.js';
import { json } from '../http/respond.js';
import type { CoreResponse } from '../http/types.js';
import type { RunKey, RunState } from '../store/store.js';
import type { RouteContext } from './table.js';

const RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function micros(m: number): number {
  return m / 1_000_000;
}

/** The public shape of a run (snake_case, dollars, ISO times). */
export function runSummary(s: RunState): Record<string, unknown> {
  return {
    run_id: s.runId,
    key_id: s.keyId,
    agent_id: s.agentId ?? null,
    metadata: s.metadata ?? null,
    status: s.status,
    kill_reason: s.killReason ?? null,
    steps: s.steps,
    cost_usd: micros(s.costMicros),
    reserved_usd: micros(s.reservedMicros),
    created_at: new Date(s.createdAt).toISOString(),
    updated_at: new Date(s.updatedAt).toISOString(),
    blocked_attempts: s.blockedCount,
    blocked: s.blocked.map((b) => ({ at: new Date(b.at).toISOString(), type: b.type, ...(b.loopType ? { loop_type: b.loopType } : {}) })),
    dlp: s.dlp,
    step_details: s.stepRecords.map((r) => ({
      step: r.step,
      model: r.model,
      status: r.status,
      http_status: r.httpStatus ?? null,
      stream: r.stream,
      prompt_tokens: r.promptTokens ?? null,
      completion_tokens: r.completionTokens ?? null,
      cached_tokens: r.cachedTokens ?? null,
      cache_write_tokens: r.cacheWriteTokens ?? null,
      reasoning_tokens: r.reasoningTokens ?? null,
      cost_usd: micros(r.costMicros),
      estimated: r.estimated,
      latency_ms: r.latencyMs,
      at: new Date(r.at).toISOString(),
    })),
  };
}

/** The run a request means: the caller's own, or for the admin key the one named by `?key=`. */
function runKeyFor(identity: KeyIdentity, runId: string, query: URLSearchParams): RunKey {
  if (!RUN_ID.test(runId)) {
    throw new AgentWallError('validation_error', 'Invalid run id.', {}, {
      issues: [{ loc: ['path', 'run_id'], msg: 'run id must be 1 to 128 characters of A-Z a-z 0-9 . _ : -', type: 'string_pattern_mismatch' }],
    });
  }
  if (identity.isAdmin) {
    const key = query.get('key');
    if (!key) {
      throw new AgentWallError('validation_error', 'The admin key must name the owning key with ?key=<keyId>.', {}, {
        issues: [{ loc: ['query', 'key'], msg: 'Field required', type: 'missing' }],
      });
    }
    return { keyId: key, runId };
  }
  return { keyId: identity.keyId, runId };
}

function notFound(runId: string): AgentWallError {
  return new AgentWallError('run_not_found', `No run "${runId}" for this key.`, { run_id: runId });
}

function storeDown(): AgentWallError {
  return new AgentWallError('store_unavailable', 'AgentWall cannot reach its store; try again shortly.');
}

/** GET /agentwall/runs/:runId */
export async function getRunRoute({ req, identity, params, cfg }: RouteContext): Promise<CoreResponse> {
  const runId = params['runId']!;
  const key = runKeyFor(identity!, runId, new URLSearchParams(req.query));
  const state = await cfg.store.getRun(key).catch(() => {
    throw storeDown();
  });
  if (!state) throw notFound(runId);
  return json(200, runSummary(state));
}

/** POST /agentwall/runs/:runId/kill, with an optional JSON body `{ "reason": "..." }`. */
export async function killRunRoute({ req, identity, params, cfg }: RouteContext): Promise<CoreResponse> {
  const runId = params['runId']!;
  const key = runKeyFor(identity!, runId, new URLSearchParams(req.query));
  let reason = identity!.isAdmin ? 'killed by admin' : 'killed by owner';
  const length = req.headers['content-length'];
  if ((length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined || req.body.kind === 'parsed') {
    const body = await readJsonBody(req.body, 64 * 1024, length).catch((err: unknown) => {
      if (err instanceof AgentWallError && err.code === 'invalid_json' && /empty/.test(err.message)) return undefined;
      throw err;
    });
    const r = (body as { reason?: unknown } | undefined)?.reason;
    if (typeof r === 'string' && r.length > 0) reason = r.slice(0, 500);
  }
  const killed = await cfg.store.killRun(key, reason, cfg.now(), cfg.runTtlMs).catch(() => {
    throw storeDown();
  });
  if (!killed) throw notFound(runId);
  cfg.logger.info('agentwall: run killed', { code: 'AW_RUN_KILLED', key_id: key.keyId, run_id: runId });
  return json(200, { run_id: runId, status: 'killed', reason });
}

/** POST /agentwall/keys/:keyId/revoke (admin only: the route table says so). */
export async function revokeKeyRoute({ params, cfg }: RouteContext): Promise<CoreResponse> {
  const keyId = params['keyId']!;
  await cfg.store.revokeKey(keyId).catch(() => {
    throw storeDown();
  });
  cfg.logger.info('agentwall: key revoked', { code: 'AW_KEY_REVOKED', key_id: keyId });
  return json(200, { key_id: keyId, revoked: true });
}
