/**
 * Architecture rules checked in CI (`npm run deps:check`):
 * - domain code (src/commands, src/workflow) imports no Slack, Redis or cloud SDK;
 * - SDK types stay behind their adapters;
 * - the Slack adapter renders what the application services (src/app) answer: it reaches no job and
 *   no concrete store, and the services know nothing of Slack;
 * - no circular imports anywhere;
 * - the console's browser code (bundled for the page) imports only itself, and nothing imports it.
 */
/** The pure half of a request kind (src/kinds): what domain code and the Slack adapter may import. */
const PURE_KIND =
  '^src/kinds/([a-z-]+/params|[a-z-]+/domain|[a-z-]+/grammar|[a-z-]+/command|[a-z-]+/policy|kinds|grammar|domain|names|domain-registry)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular imports make start-up order and testing fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'src/commands and src/workflow are pure domain code: no Bolt, ioredis, BullMQ or Alibaba Cloud SDK.',
      from: { path: '^src/(commands|workflow)/' },
      to: { path: '(^|/)node_modules/(@slack/|ioredis|bullmq|@alicloud/|@darabonba/)' },
    },
    {
      name: 'domain-does-not-reach-adapters',
      severity: 'error',
      comment: 'Domain code depends on ports, never on the adapters that implement them.',
      from: { path: '^src/(commands|workflow)/' },
      to: { path: '^src/(slack|store|cloud|jobs|emulator)/' },
    },
    {
      name: 'domain-reaches-only-the-pure-half-of-a-kind',
      severity: 'error',
      comment:
        "src/commands and src/workflow may ask a kind's pure half (the kinds list, params, grammar, policy section, domain.ts, the domain registry), never its execution half (facts, rules, steps).",
      from: { path: '^src/(commands|workflow)/' },
      to: { path: '^src/kinds/', pathNot: PURE_KIND },
    },
    {
      name: 'kind-domain-is-pure',
      severity: 'error',
      comment:
        "A kind's pure half (the kinds list, params, grammar, policy section, domain.ts, the domain registry) obeys domain purity: no adapter, no execution half, no Slack, Redis or SDK.",
      from: { path: PURE_KIND },
      to: {
        path: [
          '^src/(slack|store|cloud|jobs|emulator|app|wiring)/',
          '^src/kinds/(registry|execution)\\.ts$',
          '^src/kinds/[^/]+/execution\\.ts$',
          '(^|/)node_modules/(@slack/|ioredis|bullmq|@alicloud/|@darabonba/)',
        ],
      },
    },
    {
      name: 'slack-reaches-only-the-pure-half-of-a-kind',
      severity: 'error',
      comment:
        "src/slack renders: a kind's card text and Retry mapping, never its steps (they reach jobs and stores).",
      from: { path: '^src/slack/' },
      to: { path: '^src/kinds/', pathNot: PURE_KIND },
    },
    {
      name: 'slack-is-a-thin-adapter',
      severity: 'error',
      comment:
        'src/slack calls the application services (src/app) and the workflow, and renders: no job module, no concrete store.',
      from: { path: '^src/slack/' },
      to: { path: '^src/(jobs|store)/' },
    },
    {
      name: 'app-knows-no-slack',
      severity: 'error',
      comment:
        'Application services (src/app) depend on ports: no Bolt, no Slack adapter, no composition root.',
      from: { path: '^src/app/' },
      to: { path: ['(^|/)node_modules/@slack/', '^src/(slack|wiring)/', '^src/bot\\.ts$'] },
    },
    {
      name: 'cloud-sdk-behind-gateway',
      severity: 'error',
      comment: 'Only src/cloud talks to the Alibaba Cloud SDK.',
      from: { path: '^src/', pathNot: '^src/cloud/' },
      to: { path: '(^|/)node_modules/(@alicloud/|@darabonba/)' },
    },
    {
      name: 'emulator-is-standalone',
      severity: 'error',
      comment: 'The emulator is a separate program; the bot must not depend on it.',
      from: { path: '^src/', pathNot: '^src/(emulator|sandbox)/' },
      to: { path: '^src/emulator/' },
    },
    {
      name: 'browser-code-is-self-contained',
      severity: 'error',
      comment: 'src/sandbox/console/browser runs in the page: no Node built-ins, packages or server modules.',
      from: { path: '^src/sandbox/console/browser/' },
      to: { pathNot: '^src/sandbox/console/browser/' },
    },
    {
      name: 'browser-code-only-in-the-bundle',
      severity: 'error',
      comment:
        'Node code reaches the page code only through esbuild (console/bundle.ts), so DOM types never leak into it.',
      from: { pathNot: '^src/sandbox/console/browser/' },
      to: { path: '^src/sandbox/console/browser/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
