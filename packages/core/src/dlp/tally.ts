// Per-kind counts and blocked kinds, accumulated across the texts of one request, response or stream.

/**
 * The outcome of scanning one text.
 *
 * @example
 * const result: DlpTextResult = { text: 'key [REDACTED:openai_key]', counts: { openai_key: 1 }, blocked: [] };
 */
export interface DlpTextResult {
  /** The masked text; the very same string instance when nothing was masked. */
  text: string;
  /** Matches per kind; kinds with no match are absent. */
  counts: Record<string, number>;
  /** Kinds in `block` mode that were found, in first-seen order, without duplicates. */
  blocked: string[];
}

/**
 * Mutable accumulator for counts and blocked kinds. Kind names are validated elsewhere never to collide with
 * `Object.prototype` members, so a plain object is safe as the map.
 *
 * @example
 * const tally = new DlpTally();
 * tally.add('jwt', false);
 * tally.counts; // { jwt: 1 }
 */
export class DlpTally {
  readonly counts: Record<string, number> = {};
  readonly blocked: string[] = [];

  /** Records one match of `kind`; `blocking` says whether the kind is in `block` mode. */
  add(kind: string, blocking: boolean): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (blocking && !this.blocked.includes(kind)) this.blocked.push(kind);
  }

  /** Folds in another result's counts and blocked kinds. */
  merge(result: { readonly counts: Readonly<Record<string, number>>; readonly blocked: readonly string[] }): void {
    for (const [kind, n] of Object.entries(result.counts)) this.counts[kind] = (this.counts[kind] ?? 0) + n;
    for (const kind of result.blocked) if (!this.blocked.includes(kind)) this.blocked.push(kind);
  }

  /** A detached copy, so callers can keep or mutate it without affecting the tally. */
  snapshot(): { counts: Record<string, number>; blocked: string[] } {
    return { counts: { ...this.counts }, blocked: [...this.blocked] };
  }
}
