// The budget race on /v1/messages through the express adapter, memory store.
import { messagesBudgetSuite } from '../../core/test/support/messages-budget-suite.js';
import { factories } from './factories.js';

for (const f of factories) messagesBudgetSuite(f);
