// The model allow-list of a key: a model outside it is refused with 403 before anything else is done.
import { AgentWallError } from '../errors.js';
import type { Guard } from './guard.js';

/**
 * Refuses a model the key's `models` list does not allow (403 `model_not_allowed`). Nothing is recorded.
 *
 * @example
 * modelsGuard() // always on; a key without `models` allows every model
 */
export function modelsGuard(): Guard {
  return {
    name: 'models',
    check(call) {
      const allowed = call.policy.models;
      const model = call.request.model;
      if (!allowed || allowed.some((p) => p.test(model))) return undefined;
      return { error: new AgentWallError('model_not_allowed', `This key may not use the model "${model}".`, { model }, { headers: call.headers, guard: 'models' }) };
    },
  };
}
