// UTC budget periods: the day and month ids a key's spend is counted under.

const DAY_MS = 86_400_000;
let cachedDay = -1;
let cachedDayId = '';
let cachedMonthId = '';

/** Both ids of one UTC day, computed once per day: this runs on every settle. */
function ids(ms: number): void {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    cachedDay = day;
    cachedDayId = iso.slice(0, 10);
    cachedMonthId = iso.slice(0, 7);
  }
}

/** The UTC day of a timestamp, e.g. `2026-11-24`. */
export function utcDay(ms: number): string {
  ids(ms);
  return cachedDayId;
}

/** The UTC month of a timestamp, e.g. `2026-11`. */
export function utcMonth(ms: number): string {
  ids(ms);
  return cachedMonthId;
}
