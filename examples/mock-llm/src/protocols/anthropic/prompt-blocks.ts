// Lays an Anthropic prompt out in cache order (tools, system, messages) as blocks with tokens and cache breakpoints.
import { contentText, isRecord } from '../../text/json-shapes.js';
import { charCount, estimateTokens } from '../../text/tokens.js';
import type { MessagesRequest } from './request.js';

/** One piece of the prompt: its tokens, a key for prefix hashing, and its cache breakpoint if it has one. */
export interface PromptBlock {
  tokens: number;
  key: string;
  cacheTtl: '5m' | '1h' | undefined;
}

function cacheTtl(block: Record<string, unknown>): PromptBlock['cacheTtl'] {
  const control = block.cache_control;
  if (!isRecord(control) || control.type !== 'ephemeral') return undefined;
  return control.ttl === '1h' ? '1h' : '5m';
}

/** Characters a model reads in a block: text, a tool call's name and input, a tool result's text; 0 for media. */
function blockChars(block: Record<string, unknown>): number {
  switch (block.type) {
    case 'text':
      return charCount(String(block.text ?? ''));
    case 'tool_use':
      return charCount(String(block.name ?? '') + JSON.stringify(block.input ?? {}));
    case 'tool_result':
      return charCount(typeof block.content === 'string' ? block.content : contentText(block.content));
    case 'thinking':
      return charCount(String(block.thinking ?? ''));
    default:
      return 0;
  }
}

/** The block as JSON without its `cache_control`: a breakpoint does not change the content it marks. */
function contentJson(block: Record<string, unknown>): string {
  const { cache_control: _control, ...content } = block;
  return JSON.stringify(content);
}

/**
 * The prompt as blocks in the order Anthropic caches it: each tool (its JSON counted), each system block, then each
 * message's blocks, the first of each message carrying 3 tokens of message overhead.
 */
export function promptBlocks(request: MessagesRequest): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  for (const tool of request.rawTools) {
    const json = contentJson(tool);
    blocks.push({ tokens: estimateTokens(charCount(json)), key: `tool:${json}`, cacheTtl: cacheTtl(tool) });
  }
  for (const block of request.system) {
    blocks.push({ tokens: estimateTokens(blockChars(block)), key: `system:${contentJson(block)}`, cacheTtl: cacheTtl(block) });
  }
  for (const message of request.messages) {
    message.content.forEach((block, index) => {
      const overhead = index === 0 ? 3 : 0;
      blocks.push({ tokens: estimateTokens(blockChars(block)) + overhead, key: `${message.role}:${contentJson(block)}`, cacheTtl: cacheTtl(block) });
    });
  }
  return blocks;
}

/** Every token of the prompt, cached or not: what count_tokens answers. */
export function promptTokens(blocks: PromptBlock[]): number {
  return blocks.reduce((sum, block) => sum + block.tokens, 0);
}
