// DLP through the express adapter.
import { dlpSuite } from '../../core/test/support/dlp-suite.js';
import { factories } from './factories.js';

for (const f of factories) dlpSuite(f);
