// Loop detection through the express adapter.
import { loopSuite } from '../../core/test/support/loop-suite.js';
import { factories } from './factories.js';

for (const f of factories) loopSuite(f);
