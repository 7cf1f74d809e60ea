// Loop detection through the koa adapter.
import { loopSuite } from '../../core/test/support/loop-suite.js';
import { factories } from './factories.js';

for (const f of factories) loopSuite(f);
