/**
 * Issue 18: adding a request kind fails to compile until every part exists. Checked by the
 * compiler (`npm run typecheck` covers test/): each `@ts-expect-error` below must stay an error.
 */
import { expect, it } from 'vitest';
import type { RulesByKind } from '../../src/cloud/preflight/rules-by-kind.js';
import { STEP_RUNNERS, type StepRunners } from '../../src/jobs/steps/index.js';

it('a kind without steps or without rules does not compile', () => {
  const { init: _initSteps, ...withoutInitSteps } = STEP_RUNNERS;
  // @ts-expect-error init has no step runner
  const steps: StepRunners = withoutInitSteps;
  const rules = { create: () => [], attach: () => [], detach: () => [], failover: () => [] };
  // @ts-expect-error init has no rules
  const total: RulesByKind = rules;
  expect(Object.keys(steps)).not.toContain('init');
  expect(Object.keys(total)).toHaveLength(4);
});
