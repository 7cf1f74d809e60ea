// The shared behaviour suite through koa, every supported major version.
import { behaviourSuite } from '../../core/test/support/behaviour-suite.js';
import { factories } from './factories.js';

for (const f of factories) behaviourSuite(f);
