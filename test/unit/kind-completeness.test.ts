/**
 * Issue 18: adding a request kind fails to compile until every part exists. Checked by the
 * compiler (`npm run typecheck` covers test/): each `@ts-expect-error` below must stay an error.
 */
import { expect, it } from 'vitest';
import type { KindExecution } from '../../src/kinds/execution.js';
import { KIND_EXECUTIONS, type KindExecutions } from '../../src/kinds/registry.js';

it('a kind missing from the registry, or an entry without steps or without rules, does not compile', () => {
  const { init: _init, ...withoutInit } = KIND_EXECUTIONS;
  // @ts-expect-error init is missing from the registry
  const missingKind: KindExecutions = withoutInit;
  const { steps: _steps, ...noSteps } = KIND_EXECUTIONS.detach;
  // @ts-expect-error detach's entry has no steps
  const withoutSteps: KindExecution<'detach'> = noSteps;
  const { rules: _rules, ...noRules } = KIND_EXECUTIONS.detach;
  // @ts-expect-error detach's entry has no rules
  const withoutRules: KindExecution<'detach'> = noRules;
  expect(Object.keys(missingKind)).not.toContain('init');
  expect(Object.keys(withoutSteps)).not.toContain('steps');
  expect(Object.keys(withoutRules)).not.toContain('rules');
});
