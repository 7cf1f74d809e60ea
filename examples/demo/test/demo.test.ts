// The demo, run in-process against an Express server on the mock LLM: the healthy run passes, the stuck one is stopped.
import http from 'node:http';
import express from 'express';
import { agentwall } from '@agentwall/express';
import { exampleConfigFromEnv, GUIDE_DEV_KEY } from '@agentwall/example-support';
import type { AddressInfo } from 'node:net';
import { runDemo } from '../src/demo.js';

describe('the demo agent', () => {
  it('runs a healthy multi-step run untouched and stops the stuck one at its 3rd identical tool exchange', async () => {
    const { options, mock } = await exampleConfigFromEnv({ AGENTWALL_MOCK_UPSTREAM: '1', PORT: '0' });
    const firewall = agentwall({ ...options, logger: { info() {}, warn() {}, error() {} } });
    const server = http.createServer(express().use(firewall));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const lines: string[] = [];
    try {
      const result = await runDemo(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, GUIDE_DEV_KEY, (l) => lines.push(l));
      expect(result.healthy.map((s) => s.status)).toEqual([200, 200, 200, 200]);
      expect(result.healthy.map((s) => s.step)).toEqual([1, 2, 3, 4]);
      expect(result.stuck.map((s) => s.status)).toEqual([200, 200, 429]);
      expect(result.stuck[2]).toMatchObject({ error: 'loop_detected', loopType: 'tool_call_repeat' });
      expect(result.summary).toMatchObject({ steps: 2, blocked_attempts: 1 });
      expect(lines.join('\n')).toMatch(/stopped the agent before the provider was paid/);
    } finally {
      server.closeAllConnections();
      server.close();
      await firewall.close();
      await mock?.close();
    }
  });
});
