/**
 * Issue 21's on-call walk in the sandbox console, in headless Chromium: a "Primary down" alert
 * raised by the watch after the primary crashes (Cloud admin), followed from its button to the
 * failover; once the watch sees the new primary the alert loses its buttons and names the outcome
 * and the request that resolved it. Then the newcomer's double submit: `/disk create` with a name a
 * disk already has is refused, naming that disk's id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { USERS } from '../../src/sandbox/people.js';
import { ConsolePage, type ConsoleSession, openSandboxConsole } from '../support/console-page.js';

const [primary, standby] = SEED.instances.nvmeI;
// Generous: the machine this runs on is shared, and a slow step is not what this test is about.
const STEP_MS = 40_000;
/** The quick pace's watch looks every 2 s: two silent cycles, then the cycle that sees the new primary. */
const WATCH_MS = 30_000;

let session: ConsoleSession;
let ui: ConsolePage;

beforeAll(async () => {
  session = await openSandboxConsole({ timeoutMs: 60_000, pace: 'quick' });
  ui = new ConsolePage(session.page, STEP_MS);
}, 90_000);

afterAll(async () => {
  await session?.close();
});

describe('on-call in Chromium: a resolved alert, a duplicate name', () => {
  let diskId = '';

  it('a disk is created and attached to a primary and a standby, and watched', async () => {
    await ui.actAs(USERS.engineer);
    const create = await ui.openRequest(
      '/disk create oncall-db --size 40 --pl PL0 --zone cn-hangzhou-i --reason "on-call drill"',
    );
    diskId = /Created (d-[a-z0-9]+)/.exec(await ui.approve(create, USERS.approver))?.[1] ?? '';
    expect(diskId).not.toBe('');
    await ui.actAs(USERS.engineer);
    const attach = await ui.openRequest(`/disk attach oncall-db ${primary?.id} ${standby?.id}`);
    expect(await ui.approve(attach, USERS.approver)).toContain('succeeded');
  }, 180_000);

  it('the primary crashes: the alert, its button, the failover, then the alert ends without buttons', async () => {
    await ui.toggleAdmin();
    const row = ui.page.locator(`[data-testid=admin] tr[data-instance-id="${primary?.id}"]`);
    await row.locator('button', { hasText: 'Crash' }).click();
    await ui.sees(row, 'crashed');
    await ui.toggleAdmin();

    const alert = ui.page.locator('#messages > .message', { hasText: 'Primary down' });
    await alert.first().waitFor({ timeout: WATCH_MS });
    await ui.sees(alert, `${primary?.name} (${primary?.id})`);
    await ui.actAs(USERS.oncall);
    const before = await ui.requestIds();
    await alert.first().locator('button[data-action-id=watch_failover]').click();
    const failover = await ui.newRequestId(before);
    try {
      expect(await ui.approve(failover, USERS.approver)).toContain('succeeded');
      // The alert message itself is edited once the watch sees the new primary.
      await ui.sees(alert, 'Resolved', WATCH_MS);
      await expect.poll(() => alert.first().locator('button').count(), { timeout: STEP_MS }).toBe(0);
      const ended = (await alert.first().textContent()) ?? '';
      expect(ended).toContain(`Ended by ${failover}`);
      expect(ended).toMatch(/failover by .*succeeded/);
      expect(ended).toContain('oncall-db');
      await alert.first().evaluate((node) => node.scrollIntoView({ block: 'center' }));
      await ui.shot('9-resolved-alert');
    } finally {
      await ui.toggleAdmin();
      await row.locator('button', { hasText: 'Recover' }).click();
      await ui.toggleAdmin();
    }
  }, 300_000);

  it('a second /disk create with the same name is refused, naming the disk that has it', async () => {
    await ui.actAs(USERS.engineer);
    await ui.type('/disk create oncall-db --size 40 --pl PL0 --zone cn-hangzhou-i');
    const refusal = ui.page.locator('.message.ephemeral', { hasText: 'already has the name oncall-db' });
    await refusal.waitFor({ timeout: STEP_MS });
    await ui.sees(refusal, diskId);
    await ui.sees(refusal, '--allow-duplicate-name');
    expect(await ui.card('oncall-db').count()).toBe(0);
    expect(session.pageErrors).toEqual([]);
  }, 60_000);
});
