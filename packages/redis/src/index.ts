// Public API of @agentwall/redis: RedisStore, its options, and the key layout it writes.
export { RedisStore } from './redis-store.js';
export { FAIL_FAST_OPTIONS, type RedisStoreOptions } from './options.js';
export { hashTag, keyLayout, type KeyLayout, type RunKeys } from './key-layout.js';
