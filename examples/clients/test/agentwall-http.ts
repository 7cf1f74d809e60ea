// Plain-fetch calls to a running AgentWall, used to compute what the clients under test should have received.
import type { ServerProcess } from './server-process.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(server: ServerProcess, key: string, method: string, route: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${server.origin}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

/** A non-streamed chat completion that must succeed; the mock upstream is deterministic, so it repeats a client's answer. */
export async function chatCompletion(server: ServerProcess, key: string, body: Json): Promise<Json> {
  const { status, json } = await call(server, key, 'POST', '/v1/chat/completions', body);
  if (status !== 200) throw new Error(`chat completion answered ${status}: ${JSON.stringify(json)}`);
  return json;
}

export function answerOf(completion: Json): string {
  const content: unknown = completion['choices']?.[0]?.message?.content;
  if (typeof content !== 'string') throw new Error(`no answer in ${JSON.stringify(completion)}`);
  return content;
}

export function getRun(server: ServerProcess, key: string, runId: string): Promise<{ status: number; json: Json }> {
  return call(server, key, 'GET', `/agentwall/runs/${encodeURIComponent(runId)}`);
}

export function killRun(server: ServerProcess, key: string, runId: string): Promise<{ status: number; json: Json }> {
  return call(server, key, 'POST', `/agentwall/runs/${encodeURIComponent(runId)}/kill`);
}
