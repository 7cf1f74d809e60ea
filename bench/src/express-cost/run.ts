// What Express itself costs per request on this machine, with no AgentWall and no upstream: bare
// node:http, node:http with Express's prototype swap alone, and Express 5, interleaved over rounds.
import path from 'node:path';
import { readConfig } from '../config.js';
import type { LoadJob, LoadResult } from '../driver.js';
import { drive } from '../harness.js';
import { startChild } from '../processes.js';
import { median } from '../stats.js';

const VARIANTS = [
  { id: 'node', label: 'bare node:http' },
  { id: 'prototype-swap', label: "node:http + Express's prototype swap" },
  { id: 'express', label: 'Express 5, one app.use() handler' },
];

const cfg = readConfig(process.env);
const rounds = cfg.rounds;
const seen = new Map<string, { rps: number[]; cpu: number[] }>(VARIANTS.map((v) => [v.id, { rps: [], cpu: [] }]));

for (let round = 0; round < rounds; round++) {
  // Rotated order, as the main bench does, so a slow spell of the machine hits every variant alike.
  for (let i = 0; i < VARIANTS.length; i++) {
    const v = VARIANTS[(i + round) % VARIANTS.length]!;
    const started = await startChild(v.id, [path.join(cfg.buildDir, 'express-cost', 'server.js'), v.id], { cwd: cfg.benchDir, env: {} });
    if (!started.ready) throw new Error(`${v.id} did not start: ${started.reason}`);
    const { child } = started;
    try {
      const job = (durationS: number): LoadJob => ({
        mode: 'load',
        url: `http://127.0.0.1:${child.port}/v1/chat/completions`,
        body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}',
        headers: { 'content-type': 'application/json' },
        connections: cfg.connections,
        durationS,
      });
      await drive<LoadResult>(cfg, job(cfg.warmupS));
      const cpuBefore = child.cpuUs();
      const r = await drive<LoadResult>(cfg, job(cfg.durationS));
      const cpuAfter = child.cpuUs();
      const s = seen.get(v.id)!;
      s.rps.push(r.rps);
      if (cpuBefore !== undefined && cpuAfter !== undefined && r.responses > 0) s.cpu.push((cpuAfter - cpuBefore) / r.responses);
    } finally {
      await child.stop();
    }
  }
}

const base = seen.get('node')!;
const baseCpu = base.cpu.length ? median(base.cpu) : NaN;
console.log(`\nExpress's own cost, ${rounds} rounds of ${cfg.durationS} s, ${cfg.connections} connections (medians)\n`);
console.log('| server | req/s | × bare | CPU µs/req | + CPU vs bare |');
console.log('|---|---:|---:|---:|---:|');
for (const v of VARIANTS) {
  const s = seen.get(v.id)!;
  const rps = median(s.rps);
  const cpu = s.cpu.length ? median(s.cpu) : NaN;
  console.log(`| ${v.label} | ${rps.toFixed(0)} | ${(rps / median(base.rps)).toFixed(2)}× | ${cpu.toFixed(0)} | +${(cpu - baseCpu).toFixed(0)} |`);
}
