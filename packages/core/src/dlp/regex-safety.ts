// A small static check on regex source for the constructs that make backtracking explode or go unbounded.

/**
 * Options for {@link findRegexHazards}.
 *
 * @example
 * const options: RegexHazardOptions = { allowUnbounded: true };
 */
export interface RegexHazardOptions {
  /**
   * Accept `*`, `+` and `{n,}`. They are linear per start but can turn quadratic across starts, so the
   * built-in patterns forbid them; custom patterns may use them. Default `false`.
   */
  readonly allowUnbounded?: boolean;
}

interface Frame {
  quantified: boolean;
  alternation: boolean;
}

/**
 * Lists backtracking hazards in a regex source: a repeated group (max > 1) that contains a quantifier or an
 * alternation (the star-height ≥ 2 shapes behind catastrophic backtracking, e.g. `(a+)+`, `(a|a){1,30}`), and,
 * unless allowed, unbounded quantifiers. Optional groups (`(…)?`) are fine: they at most double the work once.
 * A syntax-level check, not a proof: it errs on the side of reporting.
 *
 * @example
 * findRegexHazards('(?:[ -]?\\d){12,18}'); // ['repeated group at 0 contains a quantifier or alternation']
 * findRegexHazards('sk-[A-Za-z0-9]{20,64}'); // []
 */
export function findRegexHazards(source: string, options: RegexHazardOptions = {}): string[] {
  const hazards: string[] = [];
  const stack: Frame[] = [{ quantified: false, alternation: false }];
  const groupStarts: number[] = [];
  /** What the next quantifier would apply to: a closed group (with its frame) or a plain atom. */
  let last: { start: number; frame?: Frame } | undefined;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      last = { start: i };
      i = skipEscape(source, i);
      continue;
    }
    if (c === '[') {
      last = { start: i };
      i = skipClass(source, i);
      continue;
    }
    if (c === '(') {
      stack.push({ quantified: false, alternation: false });
      groupStarts.push(i);
      last = undefined;
      i = skipGroupPrefix(source, i);
      continue;
    }
    if (c === ')') {
      const frame = stack.length > 1 ? stack.pop() : undefined;
      const start = groupStarts.pop() ?? i;
      const parent = stack[stack.length - 1];
      if (frame !== undefined && parent !== undefined && frame.quantified) parent.quantified = true;
      last = frame === undefined ? undefined : { start, frame };
      i++;
      continue;
    }
    if (c === '|') {
      const top = stack[stack.length - 1];
      if (top !== undefined) top.alternation = true;
      last = undefined;
      i++;
      continue;
    }
    const quantifier = readQuantifier(source, i);
    if (quantifier !== undefined) {
      const top = stack[stack.length - 1];
      if (top !== undefined) top.quantified = true;
      if (quantifier.max === Infinity && options.allowUnbounded !== true) {
        hazards.push(`unbounded quantifier at ${i}`);
      }
      if (last?.frame !== undefined && quantifier.max > 1 && (last.frame.quantified || last.frame.alternation)) {
        hazards.push(`repeated group at ${last.start} contains a quantifier or alternation`);
      }
      last = undefined;
      i = quantifier.next;
      continue;
    }
    last = { start: i };
    i++;
  }
  return hazards;
}

/** Index just past `(`, `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!` or `(?<name>`. */
function skipGroupPrefix(source: string, i: number): number {
  if (source[i + 1] !== '?') return i + 1;
  if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
    const close = source.indexOf('>', i + 3);
    return close === -1 ? source.length : close + 1;
  }
  return source[i + 2] === '<' ? i + 4 : i + 3;
}

function skipEscape(source: string, i: number): number {
  const next = source[i + 1];
  if ((next === 'u' || next === 'p' || next === 'P') && source[i + 2] === '{') {
    const close = source.indexOf('}', i + 3);
    return close === -1 ? source.length : close + 1;
  }
  if (next === 'k' && source[i + 2] === '<') {
    const close = source.indexOf('>', i + 3);
    return close === -1 ? source.length : close + 1;
  }
  return i + 2;
}

function skipClass(source: string, i: number): number {
  let j = i + 1;
  if (source[j] === '^') j++;
  if (source[j] === ']') j++;
  while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}

function readQuantifier(source: string, i: number): { max: number; next: number } | undefined {
  const c = source[i];
  let max: number;
  let next: number;
  if (c === '*' || c === '+') {
    max = Infinity;
    next = i + 1;
  } else if (c === '?') {
    max = 1;
    next = i + 1;
  } else if (c === '{') {
    const m = /^\{(\d{1,9})(,(\d{0,9}))?\}/.exec(source.slice(i, i + 24));
    if (m === null) return undefined;
    const low = Number(m[1]);
    max = m[2] === undefined ? low : m[3] === '' || m[3] === undefined ? Infinity : Number(m[3]);
    next = i + m[0].length;
  } else {
    return undefined;
  }
  if (source[next] === '?') next++;
  return { max, next };
}
