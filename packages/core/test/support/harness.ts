// Test harness shared by the adapter suites: a mock upstream, a host app built by an adapter, helpers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startMockLlm, type MockLlm } from '@agentwall/mock-llm';
import type { AgentWall, AgentWallOptions } from '@agentwall/core';

export const KEY_A = 'aw-test-key-alpha-0001';
export const KEY_B = 'aw-test-key-bravo-0002';
export const ADMIN = 'aw-test-admin-key-0003';
export const PROVIDER_KEY = 'sk-provider-secret-0004';

/** How an adapter builds a host app for the behaviour suite. */
export interface AppFactory {
  name: string;
  /** Builds a host app with AgentWall mounted at `mount` (default root), optionally behind the framework's JSON body parser. */
  make(options: AgentWallOptions, setup: { mount?: string; preParse?: boolean }): Promise<RunningApp>;
}

export interface RunningApp {
  server: http.Server;
  url: string;
  /** The AgentWall instance inside the host app. */
  agentwall: AgentWall;
  close(): Promise<void>;
}

/** Listens on port 0 and returns the base URL. */
export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes a server and every open connection. */
export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Serves a host app's request listener on port 0; `close` stops the server, then the middleware. */
export async function serveApp(listener: http.RequestListener, middleware: { agentwall: AgentWall; close(): Promise<void> }): Promise<RunningApp> {
  const server = http.createServer(listener);
  const url = await listen(server);
  return {
    server,
    url,
    agentwall: middleware.agentwall,
    async close() {
      await closeServer(server);
      await middleware.close();
    },
  };
}

/** The host apps a suite makes against its mock, closed together at the end. */
export function appPool(factory: AppFactory, mock: () => MockLlm) {
  const apps: RunningApp[] = [];
  return {
    async make(extra: Partial<AgentWallOptions> = {}, setup: { mount?: string; preParse?: boolean } = {}): Promise<RunningApp> {
      const a = await factory.make(baseOptions(mock(), extra), setup);
      apps.push(a);
      return a;
    },
    async closeAll(): Promise<void> {
      for (const a of apps.splice(0)) await a.close();
    },
  };
}

/** Options pointing AgentWall at the mock with the test keys. */
export function baseOptions(mock: MockLlm, extra: Partial<AgentWallOptions> = {}): AgentWallOptions {
  return {
    keys: [
      { key: KEY_A, name: 'alpha' },
      { key: KEY_B, name: 'bravo' },
    ],
    adminKey: ADMIN,
    upstream: { url: mock.url, apiKey: PROVIDER_KEY },
    logger: { info() {}, warn() {}, error() {} },
    env: {},
    ...extra,
  };
}

export async function startMock(): Promise<MockLlm> {
  return startMockLlm({ apiKey: PROVIDER_KEY });
}

/** Waits until `check` holds, polling; fails after `ms`. Not a timing assertion: only a bound on waiting. */
export async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The details of a run's first step once its status is `status` (a step settles after its response
 * ends, so this polls), or the last details seen after about 2 s.
 */
export async function firstStepOnce(server: http.Server, runId: string, status: string, key = KEY_A): Promise<Record<string, unknown> | undefined> {
  let detail: Record<string, unknown> | undefined;
  for (let i = 0; i < 200 && detail?.['status'] !== status; i++) {
    const run = await request(server).get(`/agentwall/runs/${runId}`).set('Authorization', `Bearer ${key}`);
    detail = run.body.step_details?.[0];
    if (detail?.['status'] !== status) await new Promise((r) => setTimeout(r, 10));
  }
  return detail;
}

/** Parses SSE text into its data payloads and comment lines. */
export function parseSse(text: string): { data: string[]; comments: string[] } {
  const data: string[] = [];
  const comments: string[] = [];
  for (const block of text.split(/\n\n/)) {
    for (const line of block.split('\n')) {
      if (line.startsWith('data: ')) data.push(line.slice(6));
      else if (line.startsWith(':')) comments.push(line);
    }
  }
  return { data, comments };
}

export const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
  ...extra,
});
