// The Responses API, embeddings and models/{id} through the express adapter.
import { responsesSuite } from '../../core/test/support/responses-suite.js';
import { factories } from './factories.js';

for (const f of factories) responsesSuite(f);
