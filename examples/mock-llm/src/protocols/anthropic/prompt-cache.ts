// Anthropic prompt caching, played deterministically: a marked prefix is written on first sight and read after.
import { createHash } from 'node:crypto';
import type { PromptBlock } from './prompt-blocks.js';

/** Anthropic's cache figures for one request. */
export interface CacheUsage {
  readTokens: number;
  write5mTokens: number;
  write1hTokens: number;
}

/**
 * The prefixes a mock has cached, by hash of model and content up to a `cache_control` breakpoint; bounded,
 * oldest forgotten first. Entries never expire by time, so a test's figures do not depend on how fast it runs.
 */
export class PromptCache {
  private readonly prefixes = new Set<string>();

  constructor(private readonly limit: number) {}

  /**
   * Cache figures for a prompt, remembering its prefixes: the longest already cached prefix ending at a
   * breakpoint is read; the rest up to the last breakpoint is written, each stretch at the TTL of the breakpoint
   * that ends it (`ttl: "1h"`, else 5 minutes). A prompt without breakpoints caches nothing. The real API caches
   * only prefixes of 1024 tokens or more (2048 on Haiku); the mock caches any marked prefix.
   */
  use(model: string, blocks: PromptBlock[]): CacheUsage {
    const hash = createHash('sha256').update(model);
    const breakpoints: { key: string; tokens: number; ttl: '5m' | '1h' }[] = [];
    let tokens = 0;
    for (const block of blocks) {
      hash.update(`\u0000${block.key}`);
      tokens += block.tokens;
      if (block.cacheTtl) breakpoints.push({ key: hash.copy().digest('hex'), tokens, ttl: block.cacheTtl });
    }
    let readIndex = -1;
    breakpoints.forEach((point, index) => {
      if (this.prefixes.has(point.key)) readIndex = index;
    });
    const usage: CacheUsage = { readTokens: breakpoints[readIndex]?.tokens ?? 0, write5mTokens: 0, write1hTokens: 0 };
    let covered = usage.readTokens;
    for (const point of breakpoints.slice(readIndex + 1)) {
      if (point.ttl === '1h') usage.write1hTokens += point.tokens - covered;
      else usage.write5mTokens += point.tokens - covered;
      covered = point.tokens;
    }
    for (const point of breakpoints) this.remember(point.key);
    return usage;
  }

  /** Forget every cached prefix. */
  clear(): void {
    this.prefixes.clear();
  }

  private remember(key: string): void {
    this.prefixes.delete(key);
    this.prefixes.add(key);
    if (this.prefixes.size > this.limit) this.prefixes.delete(this.prefixes.values().next().value as string);
  }
}
