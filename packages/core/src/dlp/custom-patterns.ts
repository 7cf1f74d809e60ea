// Operator-supplied patterns: validated once at scanner creation and turned into detectors.

import type { Detector, DetectorMatch } from './detector.js';
import { isDlpKind } from './kinds.js';
import { findRegexHazards } from './regex-safety.js';

/**
 * A custom pattern from configuration.
 *
 * @example
 * const employeeId: DlpCustomPattern = {
 *   name: 'employee_id',
 *   pattern: /\bEMP-[0-9]{6}\b/,
 *   action: 'block',
 * };
 */
export interface DlpCustomPattern {
  /** Becomes the kind (`[REDACTED:<name>]`, counts, `dlp_blocked`): `[a-z0-9_]{1,64}`, not a built-in kind. */
  name: string;
  /**
   * A RegExp (its flags are kept, `g` is added, `y` dropped) or a source string compiled with `g`.
   * Nested quantifiers such as `(a+)+` are rejected because they can backtrack catastrophically; prefer
   * bounded quantifiers (`{1,64}`) over `+`/`*`, which stay linear per start but can be quadratic overall.
   */
  pattern: RegExp | string;
  /** What to do on a match. Default `'mask'`. */
  action?: 'mask' | 'block' | undefined;
  /** Extra check on the matched text; `false` rejects it and the search resumes one character later. Default: accept. */
  validate?: ((match: string) => boolean) | undefined;
  /**
   * Longest match the stream masker must be able to hold back for this pattern; streamed matches longer than
   * this may be missed. Whole-text scans are unaffected. Default `256`.
   */
  maxLength?: number | undefined;
}

/** Default hold-back for custom patterns in streams. */
const DEFAULT_CUSTOM_MAX_LENGTH = 256;
const MAX_CUSTOM_MAX_LENGTH = 65_536;
const NAME = /^[a-z0-9_]{1,64}$/;

/**
 * Validates a custom pattern and compiles it into a detector. Throws a `TypeError` naming the pattern when the
 * name, action, maxLength or regex is invalid, or when the regex has a nested quantifier.
 *
 * @example
 * const { detector, action } = compileCustomPattern({ name: 'ticket', pattern: 'TCK-[0-9]{4}' });
 */
export function compileCustomPattern(custom: DlpCustomPattern): { detector: Detector; action: 'mask' | 'block' } {
  const name: unknown = custom?.name;
  if (typeof name !== 'string' || !NAME.test(name) || name in Object.prototype) {
    throw new TypeError(`DLP custom pattern name must match [a-z0-9_]{1,64}: ${JSON.stringify(name)}`);
  }
  if (isDlpKind(name)) throw new TypeError(`DLP custom pattern "${name}" reuses a built-in kind name`);
  const action = custom.action ?? 'mask';
  if (action !== 'mask' && action !== 'block') {
    throw new TypeError(`DLP custom pattern "${name}": action must be "mask" or "block"`);
  }
  const maxLength = custom.maxLength ?? DEFAULT_CUSTOM_MAX_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > MAX_CUSTOM_MAX_LENGTH) {
    throw new TypeError(`DLP custom pattern "${name}": maxLength must be an integer from 1 to ${MAX_CUSTOM_MAX_LENGTH}`);
  }
  const validate = custom.validate;
  if (validate !== undefined && typeof validate !== 'function') {
    throw new TypeError(`DLP custom pattern "${name}": validate must be a function`);
  }
  const regex = compileRegex(name, custom.pattern);
  const hazards = findRegexHazards(regex.source, { allowUnbounded: true });
  if (hazards.length > 0) {
    throw new TypeError(`DLP custom pattern "${name}" can backtrack catastrophically (${hazards.join('; ')})`);
  }

  const detector: Detector = {
    kind: name,
    maxLength,
    regexes: [regex],
    find(text: string, from: number): DetectorMatch | null {
      regex.lastIndex = from;
      for (;;) {
        const m = regex.exec(text);
        if (m === null) return null;
        const start = m.index;
        if (m[0].length > 0 && (validate === undefined || validate(m[0]))) return { start, end: start + m[0].length };
        regex.lastIndex = start + 1;
      }
    },
    // Arbitrary regexes can't be asked "could this suffix grow into a match?", so hold back the whole window.
    tailStart: (text: string, from: number) => Math.max(from, text.length - maxLength),
  };
  return { detector, action };
}

function compileRegex(name: string, pattern: unknown): RegExp {
  try {
    if (pattern instanceof RegExp) {
      const flags = pattern.flags.replace('y', '');
      return new RegExp(pattern.source, flags.includes('g') ? flags : `${flags}g`);
    }
    if (typeof pattern === 'string' && pattern.length > 0) return new RegExp(pattern, 'g');
  } catch (error) {
    throw new TypeError(`DLP custom pattern "${name}" is not a valid regex: ${(error as Error).message}`);
  }
  throw new TypeError(`DLP custom pattern "${name}": pattern must be a RegExp or a non-empty string`);
}
