// Public entry of the example support package.
export { exampleConfigFromEnv, GUIDE_DEV_KEY, type ExampleConfig } from './env-config.js';
export { closeGracefully, serveExample } from './serve.js';
