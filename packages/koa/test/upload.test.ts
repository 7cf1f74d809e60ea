// Refused and abandoned uploads through koa, every supported major version.
import { uploadSuite } from '../../core/test/support/upload-suite.js';
import { factories } from './factories.js';

for (const f of factories) uploadSuite(f);
