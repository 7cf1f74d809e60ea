// Cost metering and budgets through the express adapter.
import { budgetSuite } from '../../core/test/support/budget-suite.js';
import { factories } from './factories.js';

for (const f of factories) budgetSuite(f);
