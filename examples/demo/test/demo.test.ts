// The demo, in-process against an Express server on the mock LLM: the openai SDK's tool runner finishes the healthy
// run, and AgentWall stops the stuck one at its 3rd identical tool exchange without the SDK retrying.
import http from 'node:http';
import express from 'express';
import { agentwall } from '@agentwall/express';
import { exampleConfigFromEnv, GUIDE_DEV_KEY } from '@agentwall/example-support';
import type { AddressInfo } from 'node:net';
import { runDemo } from '../src/demo.js';

describe('the demo agent', () => {
  it('runs a healthy tool agent to its answer and stops the stuck one, with run summaries', async () => {
    const { options, mock } = await exampleConfigFromEnv({ AGENTWALL_MOCK_UPSTREAM: '1', PORT: '0' });
    const firewall = agentwall({ ...options, logger: { info() {}, warn() {}, error() {} } });
    const server = http.createServer(express().use(firewall));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const lines: string[] = [];
    try {
      const result = await runDemo(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, GUIDE_DEV_KEY, (l) => lines.push(l));
      expect(result.healthy.answer).toMatch(/Mock answer from the tool result/);
      expect(result.healthy.toolCalls).toBe(1);
      expect(result.healthy.error).toBeUndefined();
      expect(result.healthy.summary).toMatchObject({ steps: 2, blocked_attempts: 0, agent_id: 'demo-agent' });
      expect(result.stuck.error).toMatchObject({ status: 429, code: 'loop_detected', loopType: 'tool_call_repeat' });
      expect(result.stuck.summary).toMatchObject({ blocked_attempts: 1 });
      // Every request of the stuck run reached AgentWall once: the SDK did not retry the block.
      const stuckRequests = mock!.requests.filter((r) => JSON.stringify(r.body).includes('[loop tool]'));
      expect(stuckRequests).toHaveLength(result.stuck.summary['steps'] as number);
      expect(lines.join('\n')).toMatch(/did not retry/);
    } finally {
      server.closeAllConnections();
      server.close();
      await firewall.close();
      await mock?.close();
    }
  });
});
