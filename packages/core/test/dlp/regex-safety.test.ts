// Static audit: no built-in regex has an unbounded or nested quantifier; plus the analyzer's own behaviour.

import { BUILT_IN_DETECTORS } from '../../src/dlp/patterns.js';
import { findRegexHazards } from '../../src/dlp/index.js';

describe('built-in regexes', () => {
  const regexes = Object.values(BUILT_IN_DETECTORS).flatMap((d) => d.regexes.map((r) => [d.kind, r] as const));

  it('are all audited', () => {
    expect(regexes.length).toBeGreaterThanOrEqual(2 * Object.keys(BUILT_IN_DETECTORS).length);
  });

  it.each(regexes)('%s %s has no unbounded or nested quantifier', (_kind, regex) => {
    expect(findRegexHazards(regex.source)).toEqual([]);
  });
});

describe('findRegexHazards', () => {
  it.each([
    ['(a+)+', 3],
    ['(?:a*)*', 3],
    ['(a|aa){1,30}', 1],
    ['(?:[ -]?\\d){12,18}', 1],
    ['((?:ab){2}){3}', 1],
    ['x+', 1],
    ['x{2,}', 1],
    ['(?<name>a{1,3}){2,5}', 1],
  ])('flags %s', (source, count) => {
    expect(findRegexHazards(source)).toHaveLength(count);
  });

  it.each([
    'sk-[A-Za-z0-9]{20,64}',
    '(?:https?:\\/\\/)?hooks',
    '(?:1[ .-])?(?:\\([2-9][0-9]{2}\\)[ .-]?|[2-9][0-9]{2}[ .-])',
    '(?<![A-Za-z0-9_-])(?!000|666|9)[0-9]{3}',
    '[+*?{}()|]{1,3}',
    '\\+\\*\\?\\{2,\\}',
    'a{x}',
    '\\u{1F600}{1,2}',
  ])('accepts %s', (source) => {
    expect(findRegexHazards(source)).toEqual([]);
  });

  it('allows single unbounded quantifiers when asked, but never nested ones', () => {
    expect(findRegexHazards('[0-9a-f]+', { allowUnbounded: true })).toEqual([]);
    expect(findRegexHazards('(?:[0-9a-f]+-)+', { allowUnbounded: true })).toHaveLength(1);
  });
});
