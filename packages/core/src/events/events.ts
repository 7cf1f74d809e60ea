// Observability as events: one per settled step and one per refusal, on node:diagnostics_channel and as options.
import diagnostics_channel from 'node:diagnostics_channel';
import type { StepRecord } from '../store/store.js';

/** The `node:diagnostics_channel` names AgentWall publishes on. Free when nobody subscribes. */
export const CHANNELS = Object.freeze({ step: 'agentwall:step', refusal: 'agentwall:refusal' });

/**
 * A step that was admitted and settled: what it cost and how it ended. Published once per admitted request,
 * whether the answer completed, failed or was cut off, after the store recorded it (or failed to).
 *
 * @example
 * diagnostics_channel.subscribe('agentwall:step', (e) => metrics.observe((e as StepEvent).record.costMicros));
 */
export interface StepEvent {
  /** The protocol of the route, e.g. `openai-chat`. */
  protocol: string;
  keyId: string;
  runId: string;
  /** The step number in its run (0 when the store was down and the request went through untracked). */
  step: number;
  model: string;
  /** The record as the run summary shows it: status, tokens, cost in micro-dollars, latency. */
  record: StepRecord;
  /** The `agentwall` object the client got (cost, run totals, loop and DLP findings). */
  metadata: Record<string, unknown>;
  /** False when the store was unreachable and the step went through untracked. */
  tracked: boolean;
}

/**
 * A request AgentWall refused with one of its own errors (SPEC section 4).
 *
 * @example
 * diagnostics_channel.subscribe('agentwall:refusal', (e) => log.warn((e as RefusalEvent).code));
 */
export interface RefusalEvent {
  protocol: string | undefined;
  /** The route's path below the mount point. */
  path: string;
  /** The error code, e.g. `loop_detected`. */
  code: string;
  status: number;
  /** The guard or stage that refused: `auth`, `validation`, `models`, `dlp`, `run`, `loop`, `budget`, `store`, `upstream`, `route`. */
  guard: string | undefined;
  /** Absent when the key was not authenticated. */
  keyId: string | undefined;
  runId: string | undefined;
}

const stepChannel = diagnostics_channel.channel(CHANNELS.step);
const refusalChannel = diagnostics_channel.channel(CHANNELS.refusal);

/** The option callbacks; a throwing callback is logged, never breaks a request. */
export interface EventHandlers {
  onStep: ((event: StepEvent) => void) | undefined;
  onRefusal: ((event: RefusalEvent) => void) | undefined;
  onError: (err: unknown, which: 'onStep' | 'onRefusal') => void;
}

/**
 * Publishes events to the channels and the option callbacks. Building an event costs nothing when neither has
 * a listener: callers ask `wantsSteps` / `wantsRefusals` first.
 *
 * @example
 * const events = new Events({ onStep: (e) => console.log(e.record.costMicros), onRefusal: undefined, onError });
 */
export class Events {
  constructor(private readonly handlers: EventHandlers) {}

  /** True when a step event has a listener. */
  get wantsSteps(): boolean {
    return this.handlers.onStep !== undefined || stepChannel.hasSubscribers;
  }

  /** True when a refusal event has a listener. */
  get wantsRefusals(): boolean {
    return this.handlers.onRefusal !== undefined || refusalChannel.hasSubscribers;
  }

  step(event: StepEvent): void {
    if (stepChannel.hasSubscribers) stepChannel.publish(event);
    const on = this.handlers.onStep;
    if (on) {
      try {
        on(event);
      } catch (err) {
        this.handlers.onError(err, 'onStep');
      }
    }
  }

  refusal(event: RefusalEvent): void {
    if (refusalChannel.hasSubscribers) refusalChannel.publish(event);
    const on = this.handlers.onRefusal;
    if (on) {
      try {
        on(event);
      } catch (err) {
        this.handlers.onError(err, 'onRefusal');
      }
    }
  }
}
