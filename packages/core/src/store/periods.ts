// UTC budget periods: the day and month ids a key's spend is counted under.

/** The UTC day of a timestamp, e.g. `2026-11-24`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The UTC month of a timestamp, e.g. `2026-11`. */
export function utcMonth(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}
