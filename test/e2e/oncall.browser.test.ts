/**
 * Issue 21's on-call walk in the sandbox console, in headless Chromium: a "Primary down" alert
 * raised by the watch after the primary crashes (Cloud admin), followed from its button to the
 * failover; once the watch sees the new primary the alert loses its buttons and names the outcome
 * and the request that resolved it. Then the newcomer's double submit: `/disk create` with a name a
 * disk already has is refused, naming that disk's id.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { type SandboxUser, USERS } from '../../src/sandbox/people.js';
import {
  type Browser,
  launchChromium,
  type SandboxProcess,
  startSandboxProcess,
} from '../support/sandbox-browser.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const [primary, standby] = SEED.instances.nvmeI;
const REQUEST_ID = /R-[0-9A-Z]{10}/g;
// Generous: the machine this runs on is shared, and a slow step is not what this test is about.
const STEP_MS = 40_000;
/** Two silent watch cycles of 10 s, and the cycle that sees the new primary. */
const WATCH_MS = 90_000;

let sandbox: SandboxProcess;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
  sandbox = await startSandboxProcess(REPO, 60_000);
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(sandbox.consoleUrl);
  await page.locator('[data-testid=composer]').waitFor();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

const messages = () => page.locator('[data-testid=messages]');

async function sees(locator: Locator, text: string | RegExp, timeout = STEP_MS): Promise<void> {
  await expect
    .poll(async () => ((await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : ''), {
      timeout,
    })
    .toMatch(text);
}

async function actAs(user: SandboxUser): Promise<void> {
  await page.locator('[data-testid=user-select]').selectOption(user.id);
  await sees(page.locator('#view-header'), user.name);
}

const requestIds = async () => new Set(((await messages().textContent()) ?? '').match(REQUEST_ID) ?? []);

async function newRequestId(before: Set<string>): Promise<string> {
  let id = '';
  await expect
    .poll(async () => (id = [...(await requestIds())].find((r) => !before.has(r)) ?? ''), {
      timeout: STEP_MS,
    })
    .not.toBe('');
  return id;
}

async function type(text: string): Promise<void> {
  await page.locator('[data-testid=composer]').fill(text);
  await page.locator('[data-testid=composer]').press('Enter');
}

const card = (id: string): Locator =>
  page.locator('#messages > .message', { has: page.locator('.block-header', { hasText: id }) });
const result = (id: string): Locator =>
  page.locator('#messages > .message', {
    has: page.locator('.broadcast-note'),
    hasText: new RegExp(`${id} .*: (succeeded|partial|failed)\\.`),
  });

async function approve(id: string, user: SandboxUser): Promise<string> {
  await actAs(user);
  await card(id).locator('button[data-action-id=request_approve]').click();
  await page.locator('[data-testid=confirm] [data-testid=confirm-ok]').click();
  await result(id).waitFor({ timeout: STEP_MS });
  return (await result(id).textContent()) ?? '';
}

describe('on-call in Chromium: a resolved alert, a duplicate name', () => {
  let diskId = '';

  it('a disk is created and attached to a primary and a standby, and watched', async () => {
    await actAs(USERS.engineer);
    let before = await requestIds();
    await type('/disk create oncall-db --size 40 --pl PL0 --zone cn-hangzhou-i --reason "on-call drill"');
    const create = await newRequestId(before);
    diskId = /Created (d-[a-z0-9]+)/.exec(await approve(create, USERS.approver))?.[1] ?? '';
    expect(diskId).not.toBe('');
    await actAs(USERS.engineer);
    before = await requestIds();
    await type(`/disk attach oncall-db ${primary?.id} ${standby?.id}`);
    const attach = await newRequestId(before);
    expect(await approve(attach, USERS.approver)).toContain('succeeded');
  }, 180_000);

  it('the primary crashes: the alert, its button, the failover, then the alert ends without buttons', async () => {
    await page.locator('[data-testid=admin-toggle]').click();
    const row = page.locator(`[data-testid=admin] tr[data-instance-id="${primary?.id}"]`);
    await row.locator('button', { hasText: 'Crash' }).click();
    await sees(row, 'crashed');
    await page.locator('[data-testid=admin-toggle]').click();

    const alert = page.locator('#messages > .message', { hasText: 'Primary down' });
    await alert.first().waitFor({ timeout: WATCH_MS });
    await sees(alert, `${primary?.name} (${primary?.id})`);
    await actAs(USERS.oncall);
    const before = await requestIds();
    await alert.first().locator('button[data-action-id=watch_failover]').click();
    const failover = await newRequestId(before);
    try {
      expect(await approve(failover, USERS.approver)).toContain('succeeded');
      // The alert message itself is edited once the watch sees the new primary.
      await sees(alert, 'Resolved', WATCH_MS);
      await expect.poll(() => alert.first().locator('button').count(), { timeout: STEP_MS }).toBe(0);
      const ended = (await alert.first().textContent()) ?? '';
      expect(ended).toContain(`Ended by ${failover}`);
      expect(ended).toMatch(/failover by .*succeeded/);
      expect(ended).toContain('oncall-db');
      await alert.first().evaluate((node) => node.scrollIntoView({ block: 'center' }));
      await page.screenshot({ path: `${ARTIFACTS}9-resolved-alert.png` });
    } finally {
      await page.locator('[data-testid=admin-toggle]').click();
      await row.locator('button', { hasText: 'Recover' }).click();
      await page.locator('[data-testid=admin-toggle]').click();
    }
  }, 300_000);

  it('a second /disk create with the same name is refused, naming the disk that has it', async () => {
    await actAs(USERS.engineer);
    await type('/disk create oncall-db --size 40 --pl PL0 --zone cn-hangzhou-i');
    const refusal = page.locator('.message.ephemeral', { hasText: 'already has the name oncall-db' });
    await refusal.waitFor({ timeout: STEP_MS });
    await sees(refusal, diskId);
    await sees(refusal, '--allow-duplicate-name');
    expect(await card('oncall-db').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
