// DLP scan time against prompt size: ordinary and adversarial text from 64 KiB to 1 MiB must scale linearly.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DLP_ACTIONS, createDlpScanner, type DlpKind } from '@agentwall/core';
import { readConfig } from './config.js';

const SIZES_KIB = [64, 256, 1024];
const REPEATS = 7;

/** Every built-in kind on, so every detector runs. */
const ALL_ON = Object.fromEntries(Object.keys(DEFAULT_DLP_ACTIONS).map((k) => [k, 'mask'])) as Record<DlpKind, 'mask'>;

const PROSE = 'The deploy failed at 14:02 on 2026-03-31 after 3 retries; order #88231 cost $1,234.56 and version 1.2.3 shipped. ';
/** Inputs built to make a careless pattern backtrack: long runs of the characters patterns start or continue with. */
const INPUTS: Record<string, (bytes: number) => string> = {
  'ordinary prose': (n) => PROSE.repeat(Math.ceil(n / PROSE.length)).slice(0, n),
  'digits and separators': (n) => '4111 1111 1111 11-'.repeat(Math.ceil(n / 18)).slice(0, n),
  'key-like prefixes': (n) => 'sk-proj-AKIA ghp_ xoxb- eyJhbGciOi '.repeat(Math.ceil(n / 34)).slice(0, n),
  'one long word': (n) => 'a'.repeat(n),
  'at signs and dots': (n) => 'a.b@c.d@'.repeat(Math.ceil(n / 8)).slice(0, n),
  // Credential names without values worth masking, and URLs: what the name = value and URL detectors key on.
  'config and code lines': (n) => repeatTo(CONFIG, n),
  'URLs and headers': (n) => repeatTo(URLS, n),
};

const CONFIG = 'password: string; token = getToken(); api_key=${API_KEY} "max_tokens": 512, secret_name: prod\n';
const URLS = 'curl -u $USER:$PASS -H "Authorization: Basic $B64" https://user@example.com:8443/a?token=$T&sig=x ';

function repeatTo(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// A scanner remembers texts it found clean (by digest, up to 64 Ki characters): each timed scan gets a scanner of
// its own, compiled before the clock starts, so every scan here is a first scan.
const freshScanners = (n: number) => Array.from({ length: n }, () => createDlpScanner({ kinds: ALL_ON }));
const rows: string[] = [];
let worstRatio = 0;
for (const [name, make] of Object.entries(INPUTS)) {
  const perMiB: number[] = [];
  const cells: string[] = [];
  for (const kib of SIZES_KIB) {
    const text = make(kib * 1024);
    const scanners = freshScanners(REPEATS + 1);
    scanners[REPEATS]!.scanText(text); // warm-up
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const scanner = scanners[i]!;
      const t = performance.now();
      scanner.scanText(text);
      times.push(performance.now() - t);
    }
    const ms = median(times);
    perMiB.push(ms / (kib / 1024));
    cells.push(`${ms.toFixed(2)} ms`);
  }
  const ratio = perMiB.at(-1)! / perMiB[0]!;
  worstRatio = Math.max(worstRatio, ratio);
  rows.push(`| ${name} | ${cells.join(' | ')} | ${perMiB.map((v) => v.toFixed(1)).join(' / ')} | ${ratio.toFixed(2)}× |`);
}

const { benchDir } = readConfig({});
const out = [
  '# DLP scan time against prompt size',
  '',
  `${new Date().toISOString()}, Node ${process.version}. Every built-in kind on (mask). Median of ${REPEATS} scans after a warm-up.`,
  'Linear time means the time per MiB stays about the same as the prompt grows; a pattern that backtracks',
  'would make it grow with the size (a 16× larger input taking far more than 16× longer).',
  '',
  `| input | ${SIZES_KIB.map((k) => `${k} KiB`).join(' | ')} | ms per MiB (${SIZES_KIB.map((k) => `${k} KiB`).join(' / ')}) | per-MiB at 1 MiB vs 64 KiB |`,
  `|---|${SIZES_KIB.map(() => '---:').join('|')}|---:|---:|`,
  ...rows,
  '',
  `Largest growth of the per-MiB time from 64 KiB to 1 MiB: ${worstRatio.toFixed(2)}× (${worstRatio < 2 ? 'linear' : 'NOT linear: investigate'}).`,
  '',
].join('\n');
mkdirSync(path.join(benchDir, 'results'), { recursive: true });
writeFileSync(path.join(benchDir, 'results', 'dlp-scaling.md'), out);
console.log(out);
