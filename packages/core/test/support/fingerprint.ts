// The loop fingerprint of a chat completion body, as the chat protocol hands it to the detector (for store tests).
import { chatLoopView } from '../../src/protocols/openai-chat/loop-view.js';
import { fingerprintView } from '../../src/loop/fingerprint.js';
import type { StepFingerprint } from '../../src/loop/index.js';

/**
 * The fingerprint the loop guard computes for a chat request.
 *
 * @example
 * const fp = fingerprintChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
 */
export function fingerprintChat(body: { model: string; messages: Array<Record<string, unknown>> }): StepFingerprint {
  return fingerprintView(chatLoopView(body));
}
