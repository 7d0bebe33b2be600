/**
 * The sandbox tour in a real browser: `npm start`'s entry point with nothing configured, Debian
 * Chromium driven by playwright-core, and every step done the way a person does it in the console
 * (pick a user, type `/disk …`, click, confirm, submit). Screenshots go to test/artifacts/.
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
  portIsOpen,
  type SandboxProcess,
  startSandboxProcess,
} from '../support/sandbox-browser.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const [one, two, three, four, five] = SEED.instances.nvmeI.map((i) => i.id);
const [six, seven] = SEED.instances.nvmeI.slice(5, 7);
const REQUEST_ID = /R-[0-9A-Z]{10}/g;
const STEP_MS = 20_000;

let sandbox: SandboxProcess;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The browser first: if it cannot start, the suite fails here, loudly.
  browser = await launchChromium();
  sandbox = await startSandboxProcess(REPO);
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(sandbox.consoleUrl);
  await page.locator('[data-testid=composer]').waitFor();
}, 45_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

const messages = () => page.locator('[data-testid=messages]');

/** Waits until the element's text contains `text` (vitest has no Playwright matchers). */
async function sees(locator: Locator, text: string, timeout = STEP_MS): Promise<void> {
  await expect
    .poll(async () => ((await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : ''), {
      timeout,
    })
    .toContain(text);
}

async function countOf(locator: Locator, expected: number): Promise<void> {
  await expect.poll(() => locator.count(), { timeout: STEP_MS }).toBe(expected);
}

async function actAs(user: SandboxUser): Promise<void> {
  await page.locator('[data-testid=user-select]').selectOption(user.id);
  await sees(page.locator('#view-header'), user.name);
}

async function requestIds(): Promise<Set<string>> {
  return new Set(((await messages().textContent()) ?? '').match(REQUEST_ID) ?? []);
}

/** The id of the first request on the page that is not in `before`, once one shows up. */
async function newRequestId(before: Set<string>): Promise<string> {
  let id = '';
  await expect
    .poll(async () => (id = [...(await requestIds())].find((r) => !before.has(r)) ?? ''), {
      timeout: STEP_MS,
    })
    .not.toBe('');
  return id;
}

/** Types a `/disk` command and returns the id of the request it opened. */
async function openRequest(text: string): Promise<string> {
  const before = await requestIds();
  await page.locator('[data-testid=composer]').fill(text);
  await page.locator('[data-testid=composer]').press('Enter');
  const id = await newRequestId(before);
  await page.locator('.message.ephemeral', { hasText: `Request ${id} opened` }).waitFor({ timeout: STEP_MS });
  return id;
}

const card = (id: string): Locator =>
  page.locator('#messages > .message', { has: page.locator('.block-header', { hasText: id }) });

const result = (id: string): Locator =>
  page.locator('#messages > .message', {
    has: page.locator('.broadcast-note'),
    hasText: new RegExp(`${id} .*: (succeeded|partial|failed)\\.`),
  });

/** Clicks Approve on the card as `user`, confirms the dialog, and waits for the broadcast result. */
async function approve(id: string, user: SandboxUser, screenshot?: string): Promise<string> {
  await actAs(user);
  await card(id).locator('button[data-action-id=request_approve]').click();
  const confirm = page.locator('[data-testid=confirm]');
  await sees(confirm, 'Approve this change?');
  if (screenshot) await shot(screenshot);
  await confirm.locator('[data-testid=confirm-ok]').click();
  await result(id).waitFor({ timeout: STEP_MS });
  await countOf(card(id).locator('button[data-action-id=request_approve]'), 0);
  return (await result(id).textContent()) ?? '';
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}

describe('sandbox tour in Chromium', () => {
  let diskId = '';

  it('starts from npm start with nothing configured and prints the console URL within 20 s', () => {
    expect(sandbox.startedInMs).toBeLessThan(20_000);
    expect(sandbox.output()).toMatch(/Tour[\s\S]*\/disk create[\s\S]*Ctrl-C/);
  });

  it('engineer creates a disk; approver approves through the confirm dialog; it is created', async () => {
    await actAs(USERS.engineer);
    const id = await openRequest(
      '/disk create tour-db --size 100 --zone cn-hangzhou-i --reason "sandbox tour"',
    );
    await sees(card(id), 'Waiting for approval');
    await sees(card(id), 'CreateDisk');
    const text = await approve(id, USERS.approver, '1-approve-confirm');
    expect(text).toContain('succeeded');
    diskId = /Created (d-[a-z0-9]+)/.exec(text)?.[1] ?? '';
    expect(diskId).not.toBe('');
    await sees(card(id), 'Succeeded');
  });

  it('a reject goes through the reason modal with inline validation', async () => {
    await actAs(USERS.engineer);
    const id = await openRequest(
      // Mounted read-write at /data there: only --force opens a request (the reject is the point here).
      `/disk detach ${SEED.disks.sharedExt4.diskId} ${SEED.disks.sharedExt4.attachedTo} --force`,
    );
    await actAs(USERS.approver2);
    await card(id).locator('button[data-action-id=request_reject]').click();
    const modal = page.locator('[data-testid=modal]');
    await sees(modal, 'Reject request');
    await modal.locator('textarea').fill('no');
    await modal.locator('[data-testid=modal-submit]').click();
    await sees(modal, 'at least 3 characters');
    await modal.locator('textarea').fill('the database still uses it');
    await modal.locator('[data-testid=modal-submit]').click();
    await modal.waitFor({ state: 'hidden', timeout: STEP_MS });
    await sees(card(id), 'Rejected');
    await sees(card(id), 'the database still uses it');
  });

  it('engineer attaches it to 3 instances; approved; the result table lists all three', async () => {
    await actAs(USERS.engineer);
    const id = await openRequest(`/disk attach ${diskId} ${one} ${two} ${three}`);
    const text = await approve(id, USERS.approver);
    expect(text).toContain('succeeded');
    for (const instance of [one, two, three])
      expect(text).toMatch(new RegExp(`${instance}\\s+attached\\s+/dev/`));
    await card(id).locator('[data-testid=thread-toggle]').click();
    await sees(card(id).locator('[data-testid=thread]'), 'AttachDisk');
    // Tall enough for the whole card and its thread: the README's first screenshot.
    await page.setViewportSize({ width: 1440, height: 1380 });
    await card(id).evaluate((node) => node.scrollIntoView({ block: 'start' }));
    await shot('2-attach-thread');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('/disk status shows the attachment table', async () => {
    await actAs(USERS.engineer);
    await page.locator('[data-testid=composer]').fill(`/disk status ${diskId}`);
    await page.locator('[data-testid=composer]').press('Enter');
    const status = page.locator('.message.ephemeral', { hasText: '3/16 attached' });
    await status.waitFor({ timeout: STEP_MS });
    for (const instance of [one, two, three]) await sees(status, instance ?? '');
    await shot('3-status');
  });

  it("/disk status by the disk's name shows the same table, with instance names", async () => {
    await page.locator('[data-testid=composer]').fill('/disk status tour-db');
    await page.locator('[data-testid=composer]').press('Enter');
    const statuses = page.locator('.message.ephemeral', { hasText: '3/16 attached' });
    await countOf(statuses, 2);
    const status = statuses.last();
    await sees(status, diskId);
    for (const instance of SEED.instances.nvmeI.slice(0, 3)) {
      await sees(status, instance.name);
      await sees(status, instance.id);
    }
  });

  it('on-call asks for a failover; once approved the old primary is fenced and the timeline posted', async () => {
    await actAs(USERS.oncall);
    const id = await openRequest(`/disk failover ${diskId} --from ${one} --to ${four}`);
    const text = await approve(id, USERS.approver);
    expect(/: (succeeded|partial|failed)\./.exec(text)?.[1]).toBe('succeeded');
    expect(text).toContain('Timeline');
    expect(text).toMatch(new RegExp(`${one}\\s+Running\\s+\\S+\\s+\\S+\\s+\\S+\\s+fenced`));
    await sees(card(id), 'Succeeded');
    await shot('4-failover');
  });

  let pickedId = '';

  it('/disk attach <name> opens the form; the picker offers eligible instances from the bot; the card names the two picked', async () => {
    await actAs(USERS.engineer);
    const before = await requestIds();
    await page.locator('[data-testid=composer]').fill('/disk attach tour-db');
    await page.locator('[data-testid=composer]').press('Enter');
    const modal = page.locator('[data-testid=modal]');
    await sees(modal, 'Attach a shared disk');
    await sees(modal, diskId);
    // Every element of the bot's form renders (the single-node fs checkbox too), none left unsupported.
    await sees(modal.locator('.input-block[data-block-id=allow_single_node_fs]'), '--allow-single-node-fs');
    expect(await modal.locator('.unsupported').count()).toBe(0);
    const field = modal.locator('.input-block[data-block-id=instances]');
    const menu = field.locator('.picker-menu');
    await field.locator('input').fill('nvme-i-0');
    // name · type · id, loaded from the bot's options handler; what the disk already has is not offered.
    await sees(menu, `${six?.name} · ${SEED.instanceTypes.nvme} · ${six?.id}`);
    for (const attached of [two, three, four]) expect(await menu.textContent()).not.toContain(attached);
    await menu.locator('.picker-option', { hasText: six?.id ?? '' }).click();
    await field.locator('input').fill('nvme-i-07');
    await sees(menu, `${seven?.name} · ${SEED.instanceTypes.nvme} · ${seven?.id}`);
    await field.locator('input').fill('nvme-i-0');
    await countOf(menu.locator('.picker-option', { hasText: six?.id ?? '' }), 0);
    await shot('7-attach-picker');
    await menu.locator('.picker-option', { hasText: seven?.id ?? '' }).click();
    await countOf(field.locator('.picker-chip'), 2);
    await modal.locator('[data-testid=modal-submit]').click();
    await modal.waitFor({ state: 'hidden', timeout: STEP_MS });
    pickedId = await newRequestId(before);
    for (const instance of [six, seven]) {
      await sees(card(pickedId), instance?.name ?? '');
      await sees(card(pickedId), instance?.id ?? '');
    }
  });

  it('with AttachDisk failing (Cloud admin), the result is failed with Retry; Retry opens the same request again', async () => {
    await page.locator('[data-testid=admin-toggle]').click();
    const admin = page.locator('[data-testid=admin]');
    await sees(admin, 'Faults');
    const faults = admin.locator('.card').first();
    await faults.locator('select').selectOption('AttachDisk');
    await faults.locator('input[placeholder="5xx %"]').fill('100');
    await faults.locator('button', { hasText: 'Apply' }).click();
    await sees(faults, 'AttachDisk: 503 100%');
    const text = await approve(pickedId, USERS.approver);
    expect(/: (succeeded|partial|failed)\./.exec(text)?.[1]).toBe('failed');
    expect(text).toContain('ServiceUnavailable');
    await faults.locator('button', { hasText: 'Clear all' }).click();
    await sees(faults, 'No faults');
    await page.locator('[data-testid=admin-toggle]').click();

    await actAs(USERS.engineer);
    const before = await requestIds();
    await result(pickedId).evaluate((node) => node.scrollIntoView({ block: 'end' }));
    await shot('8-failed-retry');
    await result(pickedId).locator('button[data-action-id=request_retry]').click();
    const confirm = page.locator('[data-testid=confirm]');
    await sees(confirm, `same parameters as ${pickedId}`);
    await confirm.locator('[data-testid=confirm-ok]').click();
    const retryId = await newRequestId(before);
    await page
      .locator('.message.ephemeral', { hasText: `Request ${retryId} opened` })
      .waitFor({ timeout: STEP_MS });
    for (const instance of [six, seven]) await sees(card(retryId), instance?.name ?? '');
    const retried = await approve(retryId, USERS.approver);
    expect(retried).toContain('succeeded');
    for (const instance of [six, seven])
      expect(retried).toMatch(new RegExp(`${instance?.id}\\s+attached\\s+/dev/`));
  });

  it('resize with one node kept on its old size (Cloud admin): partial naming it; Retry after the fix finishes', async () => {
    const toggle = page.locator('[data-testid=admin-toggle]');
    const row = page.locator(`[data-testid=admin] tr[data-instance-id=${two}]`);
    await toggle.click();
    await row.locator('button', { hasText: 'Keep old size' }).click();
    await sees(row, 'keeps old disk sizes');
    await toggle.click();
    await actAs(USERS.engineer);
    const id = await openRequest(`/disk resize ${diskId} --size 200 --reason "tour"`);
    const text = await approve(id, USERS.approver);
    expect(/: (succeeded|partial|failed)\./.exec(text)?.[1]).toBe('partial');
    expect(text).toContain(`(${two}) does not see 200 GiB yet`);

    await toggle.click();
    await row.locator('button', { hasText: 'Rescan works' }).click();
    await countOf(row.locator('button', { hasText: 'Keep old size' }), 1);
    await toggle.click();
    await actAs(USERS.engineer);
    const before = await requestIds();
    await result(id).locator('button[data-action-id=request_retry]').click();
    const confirm = page.locator('[data-testid=confirm]');
    await sees(confirm, `same parameters as ${id}`);
    await confirm.locator('[data-testid=confirm-ok]').click();
    const retryId = await newRequestId(before);
    await page
      .locator('.message.ephemeral', { hasText: `Request ${retryId} opened` })
      .waitFor({ timeout: STEP_MS });
    await sees(card(retryId), 'verify and grow only');
    const done = await approve(retryId, USERS.approver);
    expect(/: (succeeded|partial|failed)\./.exec(done)?.[1]).toBe('succeeded');
    expect(done).toContain('is now 200 GiB; every node sees it');
  });

  it('App Home lists what awaits the approver', async () => {
    await actAs(USERS.engineer);
    // `four` holds the disk since the failover: attaching it again would change nothing (no request).
    await openRequest(`/disk attach ${diskId} ${five}`);
    await actAs(USERS.approver2);
    await page.locator('[data-testid=home-link]').click();
    const home = page.locator('[data-testid=home]');
    await sees(home, 'Awaiting your approval');
    await countOf(home.locator('button[data-action-id=request_approve]'), 1);
    await page.locator('[data-testid=admin-toggle]').click();
    await sees(page.locator('[data-testid=admin]'), diskId);
    await shot('5-home-and-admin');
  });

  it('/disk create with no arguments opens the form; required fields are checked; the requester cancels', async () => {
    await page.locator('[data-testid=admin-toggle]').click();
    await page.locator('[data-testid=channel-storage-ops]').click();
    await actAs(USERS.engineer);
    const before = await requestIds();
    await page.locator('[data-testid=composer]').fill('/disk create');
    await page.locator('[data-testid=composer]').press('Enter');
    const modal = page.locator('[data-testid=modal]');
    await sees(modal, 'Create a shared disk');
    await modal.locator('[data-testid=modal-submit]').click();
    await sees(modal, 'Please fill out this field.');
    await modal.locator('[data-block-id=name] input').fill('form-db');
    await modal.locator('[data-block-id=size] input').fill('50');
    await modal.locator('[data-block-id=pl] select').selectOption('PL0');
    await modal.locator('[data-block-id=zone] input').fill('cn-hangzhou-j');
    await shot('6-create-form');
    await modal.locator('[data-testid=modal-submit]').click();
    await modal.waitFor({ state: 'hidden', timeout: STEP_MS });
    const id = await newRequestId(before);
    await sees(card(id), 'PerformanceLevel=PL0');
    await card(id).locator('button[data-action-id=request_cancel]').click();
    await sees(card(id), 'Cancelled by the requester');
  });

  it('stops cleanly on SIGTERM: exit 0, private Redis and the console closed', async () => {
    expect(pageErrors).toEqual([]);
    const consolePort = Number(new URL(sandbox.consoleUrl).port);
    expect(await portIsOpen(sandbox.redisPort)).toBe(true);
    expect(await sandbox.stop()).toBe(0);
    expect(await portIsOpen(sandbox.redisPort)).toBe(false);
    expect(await portIsOpen(consolePort)).toBe(false);
  });
});
