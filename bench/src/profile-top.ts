// Summarises a .cpuprofile: time by owner, the top functions by self time, and AgentWall's own functions, source-mapped to src/.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readConfig } from './config.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, in words a reader of this repository recognises. */
interface Site {
  key: string;
  name: string;
  owner: string;
  location: string;
  agentwall: boolean;
}

const maps = new Map<string, SourceMap | undefined>();

function sourceMapFor(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined);
  }
  return maps.get(file);
}

function ownerOf(file: string): string {
  const agentwall = /\/(packages\/[^/]+|examples\/[^/]+)\//.exec(file);
  if (agentwall && !file.includes('/node_modules/')) return agentwall[1]!;
  const i = file.lastIndexOf('/node_modules/');
  if (i === -1) return 'other';
  const parts = file.slice(i + '/node_modules/'.length).split('/');
  if (parts[0] === '.cache') return 'bench';
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function siteOf(frame: CallFrame, repoRoot: string): Site {
  const name = frame.functionName || '(anonymous)';
  const key = `${name} ${frame.url}:${frame.lineNumber}:${frame.columnNumber}`;
  if (!frame.url) return { key, name, owner: name.startsWith('(') ? name : 'v8', location: '', agentwall: false };
  if (frame.url.startsWith('node:')) return { key, name, owner: 'node internals', location: `${frame.url}:${frame.lineNumber + 1}`, agentwall: false };
  const file = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url;
  // Symlinked workspace packages resolve to packages/*/dist; their maps lead back to src/.
  let owner = ownerOf(file);
  let location = `${path.relative(repoRoot, file)}:${frame.lineNumber + 1}`;
  const entry = sourceMapFor(file)?.findEntry(frame.lineNumber, frame.columnNumber);
  if (entry && 'originalSource' in entry && entry.originalSource) {
    const src = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
    location = `${path.relative(repoRoot, src)}:${entry.originalLine + 1}`;
    owner = ownerOf(src);
  }
  const agentwall = owner.startsWith('packages/');
  if (agentwall) owner = `@agentwall/${owner.slice('packages/'.length)}`;
  return { key, name, owner, location, agentwall };
}

interface Tally {
  site: Site;
  self: number;
  total: number;
}

const pct = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(1).padStart(5)}%`;

/** The summary text of one profile: percentages are of busy samples (everything but idle). */
export function summarizeProfile(file: string, top = 25, repoRoot = path.dirname(readConfig({}).benchDir)): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sites = new Map<number, Site>();
  for (const n of profile.nodes) sites.set(n.id, siteOf(n.callFrame, repoRoot));

  const tallies = new Map<string, Tally>();
  const tally = (site: Site): Tally => {
    let t = tallies.get(site.key);
    if (!t) tallies.set(site.key, (t = { site, self: 0, total: 0 }));
    return t;
  };
  const owners = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time before sample i; the next delta is how long sample i stood for.
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    const site = sites.get(id)!;
    if (site.name === '(idle)') {
      idle += dt;
      return;
    }
    busy += dt;
    tally(site).self += dt;
    owners.set(site.owner, (owners.get(site.owner) ?? 0) + dt);
    // Inclusive time counts a function once per sample, however deep its recursion.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const s = sites.get(cur)!;
      if (seen.has(s.key) || !nodes.has(cur)) continue;
      seen.add(s.key);
      tally(s).total += dt;
    }
  });

  const all = [...tallies.values()];
  const line = (t: Tally): string => `${pct(t.self, busy)} self ${pct(t.total, busy)} total  ${t.site.name}  [${t.site.owner}] ${t.site.location}`;
  const out: string[] = [
    `${path.basename(file)}: ${(busy / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle; percentages are of busy time`,
    '',
    'Self time by owner:',
    ...[...owners.entries()].sort((a, b) => b[1] - a[1]).map(([owner, t]) => `${pct(t, busy)}  ${owner}`),
    '',
    `Top ${top} functions by self time:`,
    ...all.sort((a, b) => b.self - a.self).slice(0, top).map(line),
    '',
    'AgentWall functions (@agentwall/*) by self time:',
    ...all.filter((t) => t.site.agentwall && t.self > 0).sort((a, b) => b.self - a.self).slice(0, top).map(line),
    '',
    'AgentWall functions (@agentwall/*) by total time (self plus everything they call):',
    ...all.filter((t) => t.site.agentwall).sort((a, b) => b.total - a.total).slice(0, top).map(line),
  ];
  return `${out.join('\n')}\n`;
}

const invokedAs = process.argv[1] ? pathToFileURL(path.resolve(process.argv[1])).href : '';
if (invokedAs === import.meta.url) {
  const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    console.error('usage: profile-top <file.cpuprofile>... [--top=N]');
    process.exit(2);
  }
  const topArg = process.argv.find((a) => a.startsWith('--top='));
  for (const f of files) console.log(summarizeProfile(path.resolve(f), topArg ? Number(topArg.slice('--top='.length)) : 25));
}
