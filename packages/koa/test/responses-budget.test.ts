// The budget race on /v1/responses through the koa adapter, on the memory store.
import { responsesBudgetSuite } from '../../core/test/support/responses-budget-suite.js';
import { factories } from './factories.js';

for (const f of factories) responsesBudgetSuite(f);
