// The DLP scanner: compiles a policy once, then masks texts and streams (protocols walk their own bodies).

import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { MAX_VALUE, siteForName } from './assignment.js';
import { compileCustomPattern, type DlpCustomPattern } from './custom-patterns.js';
import type { Detector } from './detector.js';
import { DEFAULT_DLP_ACTIONS, DLP_KINDS, isDlpAction, isDlpKind, redactionFor, type DlpAction, type DlpKind } from './kinds.js';
import { BUILT_IN_DETECTORS } from './patterns.js';
import { ASSIGNMENT_SPECS } from './secret-assignments.js';
import { findMatches, renderMatches, type CompiledPolicy } from './scan-engine.js';
import { createStreamMasker, type DlpStreamMasker } from './stream-masker.js';
import { DlpTally, type DlpTextResult } from './tally.js';

/**
 * DLP configuration: an action per built-in kind (merged over {@link DEFAULT_DLP_ACTIONS}) and custom patterns.
 *
 * @defaultValue `{ kinds: {}, custom: [] }` — i.e. the default policy, no custom patterns
 * @example
 * const config: DlpConfig = { kinds: { email: 'mask', openai_key: 'block' }, custom: [{ name: 'ticket', pattern: 'TCK-[0-9]{4}' }] };
 */
export interface DlpConfig {
  kinds: Partial<Record<DlpKind, DlpAction>>;
  custom?: DlpCustomPattern[];
}

/**
 * A compiled DLP policy. Create it once (at startup or config reload) and reuse it for every request.
 *
 * @example
 * const scanner = createDlpScanner();
 * if (scanner.enabled) {
 *   const { text, blocked, counts } = scanner.scanText(prompt);
 * }
 */
export interface DlpScanner {
  /** `false` when every kind is off and there are no custom patterns: the caller can skip DLP entirely (hot path). */
  readonly enabled: boolean;
  /** The effective action per built-in kind (defaults merged with the configuration). */
  readonly actions: Readonly<Record<DlpKind, DlpAction>>;
  /** Longest span any enabled detector may need to see: the most a stream masker ever holds back. */
  readonly maxMatchLength: number;
  /**
   * Scans one text. Returns the masked text (the same string instance if nothing changed), counts per kind, and
   * the kinds in `block` mode that were found (their matches are masked too, so the text is safe to log).
   */
  scanText(text: string): DlpTextResult;
  /**
   * Scans a value whose name is known from structure rather than text, such as a member of a JSON object (tool-call
   * arguments `{"password": "…"}`, where the key never reaches `scanText`): the value is scanned like any text, and
   * if nothing in it was found, the `name = value` kinds (`aws_secret_key`, `azure_key`, `npm_token`,
   * `gcp_service_account`, `generic_secret`) judge it with `name` as its key, masking it whole.
   */
  scanField(name: string, value: string): DlpTextResult;
  /** A fresh incremental masker for one streamed text channel. */
  createStreamMasker(): DlpStreamMasker;
}

/**
 * How many texts found clean a scanner remembers, by their sha256 (never the text itself): about 100 bytes
 * each, so at most a few MiB. An agent re-sends its whole conversation on every turn; remembered, each turn
 * scans only what is new, and a 50-turn history costs 99 digests instead of 99 scans.
 */
export const CLEAN_TEXT_MEMORY = 20_000;

/**
 * Texts longer than this are scanned every time: hashing costs a twelfth of scanning, but a long text is
 * rarely re-sent as it is, and the memory stays a cache of messages, not of documents.
 */
const CLEAN_TEXT_MAX_CHARS = 64 * 1024;

/**
 * Compiles a DLP policy. Throws a `TypeError` on unknown kinds, invalid actions or invalid custom patterns
 * (including patterns with nested quantifiers), so a bad configuration fails at startup, not per request.
 *
 * @defaultValue `config` = `{}`: secrets and credit cards masked, e-mail / phone / SSN / IBAN off
 * @example
 * const scanner = createDlpScanner({ kinds: { email: 'mask', private_key: 'block' } });
 * scanner.scanText('write to jane@example.com').text; // 'write to [REDACTED:email]'
 */
export function createDlpScanner(config: Partial<DlpConfig> = {}): DlpScanner {
  const actions = resolveActions(config.kinds);
  const detectors: Detector[] = [];
  const blocking: boolean[] = [];
  for (const kind of DLP_KINDS) {
    if (actions[kind] === 'off') continue;
    detectors.push(BUILT_IN_DETECTORS[kind]);
    blocking.push(actions[kind] === 'block');
  }
  if (config.custom !== undefined && !Array.isArray(config.custom)) {
    throw new TypeError('DLP config "custom" must be an array');
  }
  const seen = new Set<string>();
  for (const custom of config.custom ?? []) {
    const { detector, action } = compileCustomPattern(custom);
    if (seen.has(detector.kind)) throw new TypeError(`DLP custom pattern "${detector.kind}" is defined twice`);
    seen.add(detector.kind);
    detectors.push(detector);
    blocking.push(action === 'block');
  }
  const policy: CompiledPolicy = { detectors, blocking };
  const enabled = detectors.length > 0;

  // Scanning is a pure function of the text and this policy, so a text found clean once is clean again.
  const clean = new LRUCache<string, true>({ max: CLEAN_TEXT_MEMORY });
  const scanText = (text: string): DlpTextResult => {
    if (!enabled || text.length === 0) return { text, counts: {}, blocked: [] };
    const digest = text.length <= CLEAN_TEXT_MAX_CHARS ? hash('sha256', text, 'base64') : undefined;
    if (digest !== undefined && clean.get(digest) === true) return { text, counts: {}, blocked: [] };
    const { matches } = findMatches(text, detectors, 0);
    if (matches.length === 0) {
      if (digest !== undefined) clean.set(digest, true);
      return { text, counts: {}, blocked: [] };
    }
    const tally = new DlpTally();
    const masked = renderMatches(text, 0, text.length, matches, policy, tally);
    return { text: masked, counts: tally.counts, blocked: tally.blocked };
  };

  const rank = (kind: string): number => DLP_KINDS.indexOf(kind as DlpKind);
  const fieldSpecs = ASSIGNMENT_SPECS.filter((spec) => actions[spec.kind as DlpKind] !== 'off').sort((a, b) => rank(a.kind) - rank(b.kind));

  const scanField = (name: string, value: string): DlpTextResult => {
    const result = scanText(value);
    if (result.text !== value || fieldSpecs.length === 0 || value.length === 0 || value.length > MAX_VALUE) return result;
    const site = siteForName(name);
    for (const spec of fieldSpecs) {
      if (value.length > spec.maxValue || !spec.name(site) || !spec.value(value, site)) continue;
      const tally = new DlpTally();
      tally.add(spec.kind, actions[spec.kind as DlpKind] === 'block');
      return { text: redactionFor(spec.kind), counts: tally.counts, blocked: tally.blocked };
    }
    return result;
  };

  return {
    enabled,
    actions,
    maxMatchLength: detectors.reduce((max, d) => Math.max(max, d.maxLength), 0),
    scanText,
    scanField,
    createStreamMasker: () => createStreamMasker(policy),
  };
}

function resolveActions(kinds: unknown): Readonly<Record<DlpKind, DlpAction>> {
  const actions: Record<DlpKind, DlpAction> = { ...DEFAULT_DLP_ACTIONS };
  if (kinds === undefined || kinds === null) return Object.freeze(actions);
  if (typeof kinds !== 'object' || Array.isArray(kinds)) throw new TypeError('DLP config "kinds" must be an object');
  for (const [kind, action] of Object.entries(kinds)) {
    if (!isDlpKind(kind)) throw new TypeError(`Unknown DLP kind "${kind}"; known kinds: ${DLP_KINDS.join(', ')}`);
    if (action === undefined) continue;
    if (!isDlpAction(action)) throw new TypeError(`DLP kind "${kind}": action must be "off", "mask" or "block"`);
    actions[kind] = action;
  }
  return Object.freeze(actions);
}
