// A fetch that counts the HTTP requests an SDK really makes, so a silent retry cannot hide.

/**
 * Wraps the global fetch and counts its calls.
 *
 * @example
 * const counted = countingFetch();
 * const client = new OpenAI({ fetch: counted.fetch, ... });
 * counted.calls(); // 1
 */
export function countingFetch(): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  return {
    fetch: (input, init) => {
      calls += 1;
      return fetch(input, init);
    },
    calls: () => calls,
  };
}
