// The fault suite (upstream and client faults) through express, every supported major version.
import { faultSuite } from '../../core/test/support/fault-suite.js';
import { factories } from './factories.js';

for (const f of factories) faultSuite(f);
