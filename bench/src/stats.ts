// Small statistics helpers: percentiles of raw samples and medians across rounds.

/** The q-quantile (0..1) of samples by linear interpolation; NaN when there are none. */
export function percentile(samples: ArrayLike<number>, q: number): number {
  const n = samples.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The median of values, ignoring NaN (a round that did not produce the metric). */
export function median(values: number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? Number.NaN : percentile(finite, 0.5);
}

/** The median of a per-round paired metric, so each round's noise cancels against the same round's baseline. */
export function pairedMedian(a: number[], b: number[], combine: (x: number, y: number) => number): number {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) out.push(combine(a[i]!, b[i]!));
  return median(out);
}
