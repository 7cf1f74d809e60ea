// The contender list: one entry per process the load generator is pointed at. Add a contender by adding an entry.
import { CORE_SCENARIOS, type PromptSize } from './scenarios.js';

/** One thing under load. */
export interface Contender {
  id: string;
  label: string;
  /** Compiled script under contenders/; absent for the upstream itself, which is called directly. */
  script?: string;
  prompt: PromptSize;
  /** The contender this one is compared with in the "vs floor" columns: the floor at the same prompt size. */
  baseline: string;
  /**
   * The floor of the contender's own framework (the floor's handler in Express or Koa, or the bare floor), for
   * the "× own floor" column and the targets; default: `baseline`.
   */
  frameworkFloor?: string;
  /** A package the contender imports; when it cannot be resolved the contender is listed as skipped. */
  requires?: string;
  /** Needs a Redis server: BENCH_REDIS_URL, or a redis-server the bench starts on loopback. */
  redis?: boolean;
  /** A reference row: shown for comparison, never the subject of a target. */
  reference?: boolean;
  /** AgentWall options over the shared ones (JSON, handed to the process in its environment). */
  options?: Record<string, unknown>;
  /** Scenario ids this contender runs in; default: all. */
  scenarios?: string[];
}

/** Every built-in DLP kind masking: the default policy covers secrets and cards, this adds the personal data kinds. */
const DLP_ALL_KINDS = { kinds: { email: 'mask', phone: 'mask', us_ssn: 'mask', iban: 'mask' } };
/** A 20 ms upstream delay adds the same constant to every row; the prompt-size rows say nothing new there. */
const PROMPT_SCENARIOS = ['fast', 'stream'];
/** The example server is measured where its targets are; the protocol scenarios are about the core's cost, not the example's. */
const TARGET_SCENARIOS = ['fast', 'stream'];

export const CONTENDERS: Contender[] = [
  { id: 'direct', label: '(a) upstream, called directly', prompt: 'small', baseline: 'floor', reference: true },
  { id: 'floor', label: '(b) floor: bare node:http proxy', script: 'floor.js', prompt: 'small', baseline: 'floor', reference: true },
  { id: 'express-floor', label: "(b') floor's handler inside Express 5", script: 'express-floor.js', prompt: 'small', baseline: 'floor', reference: true },
  { id: 'koa-floor', label: "(b'') floor's handler inside Koa 3", script: 'koa-floor.js', prompt: 'small', baseline: 'floor', reference: true },
  {
    id: 'node',
    label: "(c') AgentWall on bare node:http, memory store",
    script: 'agentwall-node.js',
    prompt: 'small',
    baseline: 'floor',
    reference: true,
  },
  { id: 'express', label: '(c) AgentWall Express, memory store', script: 'agentwall-express.js', prompt: 'small', baseline: 'floor', frameworkFloor: 'express-floor' },
  {
    id: 'example-express',
    label: '(c\'\') the Express example server as `pnpm start` runs it',
    script: 'example-express.js',
    prompt: 'small',
    baseline: 'floor',
    frameworkFloor: 'express-floor',
    scenarios: TARGET_SCENARIOS,
  },
  { id: 'koa', label: '(d) AgentWall Koa, memory store', script: 'agentwall-koa.js', prompt: 'small', baseline: 'floor', frameworkFloor: 'koa-floor' },
  {
    id: 'express-redis',
    label: '(e) AgentWall Express, Redis store',
    script: 'agentwall-express-redis.js',
    prompt: 'small',
    baseline: 'floor',
    requires: '@agentwall/redis',
    redis: true,
    // Its target is against the memory store in the same adapter.
    frameworkFloor: 'express-floor',
    scenarios: [...CORE_SCENARIOS],
  },
  // The 32 KiB rows are compared with the floor carrying the same prompt, so the ratio is AgentWall's cost, not the bytes'.
  { id: 'floor-32k', label: '(b) floor, 32 KiB prompt', script: 'floor.js', prompt: '32k', baseline: 'floor-32k', reference: true, scenarios: PROMPT_SCENARIOS },
  {
    id: 'express-dlp-32k',
    label: '(f) AgentWall Express, 32 KiB prompt, DLP every kind',
    script: 'agentwall-express.js',
    prompt: '32k',
    baseline: 'floor-32k',
    options: { dlp: DLP_ALL_KINDS },
    scenarios: PROMPT_SCENARIOS,
  },
  {
    id: 'express-nodlp-32k',
    label: '(f) AgentWall Express, 32 KiB prompt, DLP off',
    script: 'agentwall-express.js',
    prompt: '32k',
    baseline: 'floor-32k',
    options: { dlp: false },
    scenarios: PROMPT_SCENARIOS,
  },
];
