/**
 * The sandbox tour in a real browser: `npm start`'s entry point with no token, credentials or Redis
 * configured (at the quick pace: the same steps with short emulated latencies), Debian Chromium
 * driven by playwright-core, and every step done the way a person does it in the console (pick a
 * user, type `/disk …`, click, confirm, submit). Screenshots go to test/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { USERS } from '../../src/sandbox/people.js';
import { ConsolePage, type ConsoleSession, openSandboxConsole } from '../support/console-page.js';
import { portIsOpen } from '../support/sandbox-browser.js';

const [one, two, three, four, five] = SEED.instances.nvmeI.map((i) => i.id);
const [six, seven] = SEED.instances.nvmeI.slice(5, 7);
const STEP_MS = 20_000;

let session: ConsoleSession;
let ui: ConsolePage;

beforeAll(async () => {
  session = await openSandboxConsole({ pace: 'quick' });
  ui = new ConsolePage(session.page, STEP_MS);
}, 45_000);

afterAll(async () => {
  await session?.close();
});

describe('sandbox tour in Chromium', () => {
  let diskId = '';

  it('starts from npm start with no token, credentials or Redis configured and prints the console URL within 20 s', () => {
    expect(session.sandbox.startedInMs).toBeLessThan(20_000);
    expect(session.sandbox.output()).toMatch(/Tour[\s\S]*\/disk create[\s\S]*Ctrl-C/);
  });

  it('engineer creates a disk; approver approves through the confirm dialog; it is created', async () => {
    await ui.actAs(USERS.engineer);
    const id = await ui.openRequest(
      '/disk create tour-db --size 100 --zone cn-hangzhou-i --reason "sandbox tour"',
    );
    await ui.sees(ui.card(id), 'Waiting for approval');
    await ui.sees(ui.card(id), 'CreateDisk');
    const text = await ui.approve(id, USERS.approver, '1-approve-confirm');
    expect(text).toContain('succeeded');
    diskId = /Created (d-[a-z0-9]+)/.exec(text)?.[1] ?? '';
    expect(diskId).not.toBe('');
    await ui.sees(ui.card(id), 'Succeeded');
  });

  it('a reject goes through the reason modal with inline validation', async () => {
    await ui.actAs(USERS.engineer);
    const id = await ui.openRequest(
      // Mounted read-write at /data there: only --force opens a request (the reject is the point here).
      `/disk detach ${SEED.disks.sharedExt4.diskId} ${SEED.disks.sharedExt4.attachedTo} --force`,
    );
    await ui.actAs(USERS.approver2);
    await ui.card(id).locator('button[data-action-id=request_reject]').click();
    const modal = ui.page.locator('[data-testid=modal]');
    await ui.sees(modal, 'Reject request');
    await modal.locator('textarea').fill('no');
    await modal.locator('[data-testid=modal-submit]').click();
    await ui.sees(modal, 'at least 3 characters');
    await modal.locator('textarea').fill('the database still uses it');
    await modal.locator('[data-testid=modal-submit]').click();
    await modal.waitFor({ state: 'hidden', timeout: STEP_MS });
    await ui.sees(ui.card(id), 'Rejected');
    await ui.sees(ui.card(id), 'the database still uses it');
  });

  it('engineer attaches it to 3 instances; approved; the result table lists all three', async () => {
    await ui.actAs(USERS.engineer);
    const id = await ui.openRequest(`/disk attach ${diskId} ${one} ${two} ${three}`);
    const text = await ui.approve(id, USERS.approver);
    expect(text).toContain('succeeded');
    for (const instance of [one, two, three])
      expect(text).toMatch(new RegExp(`${instance}\\s+attached\\s+/dev/`));
    await ui.card(id).locator('[data-testid=thread-toggle]').click();
    await ui.sees(ui.card(id).locator('[data-testid=thread]'), 'AttachDisk');
    // Tall enough for the whole card and its thread: the README's first screenshot.
    await ui.page.setViewportSize({ width: 1440, height: 1380 });
    await ui.card(id).evaluate((node) => node.scrollIntoView({ block: 'start' }));
    await ui.shot('2-attach-thread');
    await ui.page.setViewportSize({ width: 1440, height: 900 });
  });

  it('/disk status shows the attachment table', async () => {
    await ui.actAs(USERS.engineer);
    await ui.type(`/disk status ${diskId}`);
    const status = ui.page.locator('.message.ephemeral', { hasText: '3/16 attached' });
    await status.waitFor({ timeout: STEP_MS });
    for (const instance of [one, two, three]) await ui.sees(status, instance ?? '');
    await ui.shot('3-status');
  });

  it("/disk status by the disk's name shows the same table, with instance names", async () => {
    await ui.type('/disk status tour-db');
    const statuses = ui.page.locator('.message.ephemeral', { hasText: '3/16 attached' });
    await ui.countOf(statuses, 2);
    const status = statuses.last();
    await ui.sees(status, diskId);
    for (const instance of SEED.instances.nvmeI.slice(0, 3)) {
      await ui.sees(status, instance.name);
      await ui.sees(status, instance.id);
    }
  });

  it('on-call asks for a failover; once approved the old primary is fenced and the timeline posted', async () => {
    await ui.actAs(USERS.oncall);
    const id = await ui.openRequest(`/disk failover ${diskId} --from ${one} --to ${four}`);
    const text = await ui.approve(id, USERS.approver);
    expect(/: (succeeded|partial|failed)\./.exec(text)?.[1]).toBe('succeeded');
    expect(text).toContain('Timeline');
    expect(text).toMatch(new RegExp(`${one}\\s+Running\\s+\\S+\\s+\\S+\\s+\\S+\\s+fenced`));
    await ui.sees(ui.card(id), 'Succeeded');
    await ui.shot('4-failover');
  });

  let pickedId = '';

  it('/disk attach <name> opens the form; the picker offers eligible instances from the bot; the card names the two picked', async () => {
    await ui.actAs(USERS.engineer);
    const before = await ui.requestIds();
    await ui.type('/disk attach tour-db');
    const modal = ui.page.locator('[data-testid=modal]');
    await ui.sees(modal, 'Attach a shared disk');
    await ui.sees(modal, diskId);
    // Every element of the bot's form renders (the single-node fs checkbox too), none left unsupported.
    await ui.sees(
      modal.locator('.input-block[data-block-id=allow_single_node_fs]'),
      '--allow-single-node-fs',
    );
    expect(await modal.locator('.unsupported').count()).toBe(0);
    const field = modal.locator('.input-block[data-block-id=instances]');
    const menu = field.locator('.picker-menu');
    await field.locator('input').fill('nvme-i-0');
    // name · type · id, loaded from the bot's options handler; what the disk already has is not offered.
    await ui.sees(menu, `${six?.name} · ${SEED.instanceTypes.nvme} · ${six?.id}`);
    for (const attached of [two, three, four]) expect(await menu.textContent()).not.toContain(attached);
    await menu.locator('.picker-option', { hasText: six?.id ?? '' }).click();
    await field.locator('input').fill('nvme-i-07');
    await ui.sees(menu, `${seven?.name} · ${SEED.instanceTypes.nvme} · ${seven?.id}`);
    await field.locator('input').fill('nvme-i-0');
    await ui.countOf(menu.locator('.picker-option', { hasText: six?.id ?? '' }), 0);
    await ui.shot('7-attach-picker');
    await menu.locator('.picker-option', { hasText: seven?.id ?? '' }).click();
    await ui.countOf(field.locator('.picker-chip'), 2);
    await modal.locator('[data-testid=modal-submit]').click();
    await modal.waitFor({ state: 'hidden', timeout: STEP_MS });
    pickedId = await ui.newRequestId(before);
    for (const instance of [six, seven]) {
      await ui.sees(ui.card(pickedId), instance?.name ?? '');
      await ui.sees(ui.card(pickedId), instance?.id ?? '');
    }
  });

  it('with AttachDisk failing (Cloud admin), the result is failed with Retry; Retry opens the same request again', async () => {
    await ui.toggleAdmin();
    const admin = ui.page.locator('[data-testid=admin]');
    await ui.sees(admin, 'Faults');
    const faults = admin.locator('.card').first();
    await faults.locator('select').selectOption('AttachDisk');
    await faults.locator('input[placeholder="5xx %"]').fill('100');
    await faults.locator('button', { hasText: 'Apply' }).click();
    await ui.sees(faults, 'AttachDisk: 503 100%');
    const text = await ui.approve(pickedId, USERS.approver);
    expect(/: (succeeded|partial|failed)\./.exec(text)?.[1]).toBe('failed');
    expect(text).toContain('ServiceUnavailable');
    await faults.locator('button', { hasText: 'Clear all' }).click();
    await ui.sees(faults, 'No faults');
    await ui.toggleAdmin();

    await ui.actAs(USERS.engineer);
    const before = await ui.requestIds();
    await ui.result(pickedId).evaluate((node) => node.scrollIntoView({ block: 'end' }));
    await ui.shot('8-failed-retry');
    await ui.result(pickedId).locator('button[data-action-id=request_retry]').click();
    const confirm = ui.page.locator('[data-testid=confirm]');
    await ui.sees(confirm, `same parameters as ${pickedId}`);
    await confirm.locator('[data-testid=confirm-ok]').click();
    const retryId = await ui.newRequestId(before);
    await ui.opened(retryId);
    for (const instance of [six, seven]) await ui.sees(ui.card(retryId), instance?.name ?? '');
    const retried = await ui.approve(retryId, USERS.approver);
    expect(retried).toContain('succeeded');
    for (const instance of [six, seven])
      expect(retried).toMatch(new RegExp(`${instance?.id}\\s+attached\\s+/dev/`));
  });

  it('resize with one node kept on its old size (Cloud admin): partial naming it; Retry after the fix finishes', async () => {
    const row = ui.page.locator(`[data-testid=admin] tr[data-instance-id=${two}]`);
    await ui.toggleAdmin();
    await row.locator('button', { hasText: 'Keep old size' }).click();
    await ui.sees(row, 'keeps old disk sizes');
    await ui.toggleAdmin();
    await ui.actAs(USERS.engineer);
    const id = await ui.openRequest(`/disk resize ${diskId} --size 200 --reason "tour"`);
    const text = await ui.approve(id, USERS.approver);
    expect(/: (succeeded|partial|failed)\./.exec(text)?.[1]).toBe('partial');
    expect(text).toContain(`(${two}) does not see 200 GiB yet`);

    await ui.toggleAdmin();
    await row.locator('button', { hasText: 'Rescan works' }).click();
    await ui.countOf(row.locator('button', { hasText: 'Keep old size' }), 1);
    await ui.toggleAdmin();
    await ui.actAs(USERS.engineer);
    const before = await ui.requestIds();
    await ui.result(id).locator('button[data-action-id=request_retry]').click();
    const confirm = ui.page.locator('[data-testid=confirm]');
    await ui.sees(confirm, `same parameters as ${id}`);
    await confirm.locator('[data-testid=confirm-ok]').click();
    const retryId = await ui.newRequestId(before);
    await ui.opened(retryId);
    await ui.sees(ui.card(retryId), 'verify and grow only');
    const done = await ui.approve(retryId, USERS.approver);
    expect(/: (succeeded|partial|failed)\./.exec(done)?.[1]).toBe('succeeded');
    expect(done).toContain('is now 200 GiB; every node sees it');
  });

  it('App Home lists what awaits the approver', async () => {
    await ui.actAs(USERS.engineer);
    // `four` holds the disk since the failover: attaching it again would change nothing (no request).
    await ui.openRequest(`/disk attach ${diskId} ${five}`);
    await ui.actAs(USERS.approver2);
    await ui.page.locator('[data-testid=home-link]').click();
    const home = ui.page.locator('[data-testid=home]');
    await ui.sees(home, 'Awaiting your approval');
    await ui.countOf(home.locator('button[data-action-id=request_approve]'), 1);
    await ui.toggleAdmin();
    await ui.sees(ui.page.locator('[data-testid=admin]'), diskId);
    await ui.shot('5-home-and-admin');
  });

  it('/disk create with no arguments opens the form; required fields are checked; the requester cancels', async () => {
    await ui.toggleAdmin();
    await ui.page.locator('[data-testid=channel-storage-ops]').click();
    await ui.actAs(USERS.engineer);
    const before = await ui.requestIds();
    await ui.type('/disk create');
    const modal = ui.page.locator('[data-testid=modal]');
    await ui.sees(modal, 'Create a shared disk');
    await modal.locator('[data-testid=modal-submit]').click();
    await ui.sees(modal, 'Please fill out this field.');
    await modal.locator('[data-block-id=name] input').fill('form-db');
    await modal.locator('[data-block-id=size] input').fill('50');
    await modal.locator('[data-block-id=pl] select').selectOption('PL0');
    await modal.locator('[data-block-id=zone] input').fill('cn-hangzhou-j');
    await ui.shot('6-create-form');
    await modal.locator('[data-testid=modal-submit]').click();
    await modal.waitFor({ state: 'hidden', timeout: STEP_MS });
    const id = await ui.newRequestId(before);
    await ui.sees(ui.card(id), 'PerformanceLevel=PL0');
    await ui.card(id).locator('button[data-action-id=request_cancel]').click();
    await ui.sees(ui.card(id), 'Cancelled by the requester');
  });

  it('stops cleanly on SIGTERM: exit 0, private Redis and the console closed', async () => {
    expect(session.pageErrors).toEqual([]);
    const consolePort = Number(new URL(session.sandbox.consoleUrl).port);
    expect(await portIsOpen(session.sandbox.redisPort)).toBe(true);
    expect(await session.sandbox.stop()).toBe(0);
    expect(await portIsOpen(session.sandbox.redisPort)).toBe(false);
    expect(await portIsOpen(consolePort)).toBe(false);
  });
});
