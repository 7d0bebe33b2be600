/**
 * Issue 18: adding a request kind (one line in the kinds list, src/kinds/kinds.ts) fails to compile
 * until every part exists. Checked by the compiler (`npm run typecheck` covers test/): each
 * `@ts-expect-error` below must stay an error.
 */
import { expect, it } from 'vitest';
import { z } from 'zod';
import type { KindDomain } from '../../src/kinds/domain.js';
import { KIND_DOMAINS, type KindDomains } from '../../src/kinds/domain-registry.js';
import type { KindExecution } from '../../src/kinds/execution.js';
import type { KindGrammar } from '../../src/kinds/grammar.js';
import { KINDS, type KindDeclaration } from '../../src/kinds/kinds.js';
import { KIND_EXECUTIONS, type KindExecutions } from '../../src/kinds/registry.js';
import type { ResizeCommand } from '../../src/kinds/resize/command.js';

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

it('a kind missing from the domain registry, or without its builder or Retry mapping, does not compile', () => {
  const { unfreeze: _unfreeze, ...withoutUnfreeze } = KIND_DOMAINS;
  // @ts-expect-error unfreeze is missing from the domain registry
  const missingKind: KindDomains = withoutUnfreeze;
  const { build: _build, ...noBuilder } = KIND_DOMAINS.attach;
  // @ts-expect-error attach's entry has no builder
  const withoutBuilder: KindDomain<'attach'> = noBuilder;
  const { retry: _retry, ...noRetry } = KIND_DOMAINS.attach;
  // @ts-expect-error attach's entry has no Retry mapping
  const withoutRetry: KindDomain<'attach'> = noRetry;
  // @ts-expect-error one kind's module cannot stand in for another's (params and commands differ)
  const swapped: KindDomains = { ...KIND_DOMAINS, detach: KIND_DOMAINS.attach };
  expect(Object.keys(missingKind)).not.toContain('unfreeze');
  expect(Object.keys(withoutBuilder)).not.toContain('build');
  expect(Object.keys(withoutRetry)).not.toContain('retry');
  expect(swapped.detach).toBe(KIND_DOMAINS.attach);
});

it('a line of the kinds list without a grammar or without a policy section does not compile', () => {
  const { grammar: _grammar, ...noGrammar } = KINDS.resize;
  // @ts-expect-error resize's line has no grammar
  const withoutGrammar: KindDeclaration = noGrammar;
  const { policy: _policy, ...noPolicy } = KINDS.resize;
  // @ts-expect-error resize's line has no policy section
  const withoutPolicy: KindDeclaration = noPolicy;
  const notASection = { ...KINDS.resize, policy: z.object({ offlineWait: z.number() }) };
  // @ts-expect-error a policy section must hold the approvals' fields (approvers, quorum, expiresIn)
  const sectionWithoutQuorum: KindDeclaration = notASection;
  const { render: _render, ...noRender } = KINDS.resize.grammar;
  // @ts-expect-error resize's grammar without its canonical text
  const withoutRender: KindGrammar<ResizeCommand> = noRender;
  expect(Object.keys(withoutGrammar)).not.toContain('grammar');
  expect(Object.keys(withoutPolicy)).not.toContain('policy');
  expect(Object.keys(sectionWithoutQuorum)).toContain('policy');
  expect(Object.keys(withoutRender)).not.toContain('render');
});
