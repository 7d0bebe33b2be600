/**
 * The console's external selects in Chromium, in front of a stub Bolt app of the test's own (the
 * bot's attach form and options handler land separately): typing asks the app for options through
 * a signed `block_suggestion`, the options and option groups are shown, and the choices reach the
 * app's `view_submission` as `selected_options` / `selected_option`, as Slack sends them.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS } from '../../src/sandbox/people.js';
import { instanceOptions, type StubConsole, startStubConsole } from '../support/console-stub.js';
import { type Browser, launchChromium } from '../support/sandbox-browser.js';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const STEP_MS = 20_000;
const USER = USERS.engineer.id;
const INSTANCES = instanceOptions(130);
const ZONES = {
  i: INSTANCES.slice(0, 2).map((o) => ({ ...o, text: { ...o.text, text: `zone i · ${o.text.text}` } })),
  j: [{ text: { type: 'plain_text' as const, text: 'cn-hangzhou-j' }, value: 'cn-hangzhou-j' }],
};

const form = {
  type: 'modal',
  callback_id: 'picker_form',
  title: { type: 'plain_text', text: 'Attach' },
  submit: { type: 'plain_text', text: 'Request' },
  blocks: [
    {
      type: 'input',
      block_id: 'instances',
      label: { type: 'plain_text', text: 'Instances' },
      element: {
        type: 'multi_external_select',
        action_id: 'pick',
        placeholder: { type: 'plain_text', text: 'Type a name or id' },
      },
    },
    {
      type: 'input',
      block_id: 'target',
      label: { type: 'plain_text', text: 'Target' },
      element: { type: 'external_select', action_id: 'zone', min_query_length: 0 },
    },
  ],
};

let stub: StubConsole;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const suggestions: { action_id: string; value: string; view: { state: { values: unknown } } }[] = [];
const submissions: unknown[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Chromium and the stub app start at once; either failing fails the file (afterAll stops the other).
  const launching = launchChromium();
  const starting = startStubConsole({
    register: (app) => {
      app.options('pick', async ({ body, ack }) => {
        suggestions.push(body as (typeof suggestions)[number]);
        await ack({ options: INSTANCES.filter((o) => o.text.text.includes(body.value)).slice(0, 100) });
      });
      app.options('zone', async ({ body, ack }) => {
        suggestions.push(body as (typeof suggestions)[number]);
        await ack({
          option_groups: [
            { label: { type: 'plain_text', text: 'Multi-attach zone i' }, options: ZONES.i },
            { label: { type: 'plain_text', text: 'Multi-attach zone j' }, options: ZONES.j },
          ],
        });
      });
      app.view('picker_form', async ({ view, ack }) => {
        submissions.push(view.state.values);
        await ack();
      });
    },
  });
  const [launched, started] = await Promise.allSettled([launching, starting]);
  if (launched.status === 'fulfilled') browser = launched.value;
  if (started.status === 'fulfilled') stub = started.value;
  if (launched.status === 'rejected') throw launched.reason;
  if (started.status === 'rejected') throw started.reason;
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${stub.console.url}/?user=${USER}`);
  await page.locator('[data-testid=composer]').waitFor();
}, 45_000);

afterAll(async () => {
  await browser?.close();
  await stub?.stop();
});

async function sees(locator: Locator, text: string): Promise<void> {
  await expect.poll(async () => (await locator.textContent()) ?? '', { timeout: STEP_MS }).toContain(text);
}

describe('console external selects in Chromium', () => {
  it('loads options as the user types, shows groups, and submits selected_options as Slack does', async () => {
    stub.workspace.openView(USER, form);
    const modal = page.locator('[data-testid=modal]');
    await sees(modal, 'Instances');
    const instances = modal.locator('.input-block[data-block-id=instances]');
    const menu = instances.locator('.picker-menu');
    const input = instances.locator('input');

    // Submitting the empty form is refused on the field; clicked again until the refusal shows, since
    // on a busy machine the first click can land before the modal's handlers are in place.
    await expect
      .poll(
        async () => {
          await modal.locator('[data-testid=modal-submit]').click();
          return (await instances.textContent()) ?? '';
        },
        { timeout: STEP_MS },
      )
      .toContain('Please select an option.');

    await input.fill('i-');
    await sees(menu, 'Type at least 3 characters');
    await input.fill('nvme');
    await expect.poll(() => menu.locator('.picker-option').count(), { timeout: STEP_MS }).toBe(100);
    await input.fill('i-12');
    await expect.poll(() => menu.locator('.picker-option').count(), { timeout: STEP_MS }).toBe(10);
    await menu.locator('.picker-option', { hasText: 'nvme-i-120' }).click();
    await expect.poll(() => instances.locator('.picker-chip').count(), { timeout: STEP_MS }).toBe(1);
    // What is already chosen is not offered again.
    await input.fill('i-12');
    await expect.poll(() => menu.locator('.picker-option').count(), { timeout: STEP_MS }).toBe(9);
    await input.fill('i-01');
    await expect.poll(() => menu.locator('.picker-option').count(), { timeout: STEP_MS }).toBe(10);
    // Escape closes the menu, not the modal; typing opens it again.
    await input.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: STEP_MS });
    expect(await modal.isVisible()).toBe(true);
    await input.press('Backspace');
    await input.press('1');
    await expect.poll(() => menu.locator('.picker-option').count(), { timeout: STEP_MS }).toBe(10);
    await menu.locator('.picker-option', { hasText: 'nvme-i-012' }).click();
    await expect.poll(() => instances.locator('.picker-chip').count(), { timeout: STEP_MS }).toBe(2);
    // The last request carried the view's state as it was: the first choice already in it.
    expect(suggestions.at(-1)).toMatchObject({
      action_id: 'pick',
      value: 'i-01',
      view: {
        state: {
          values: {
            instances: { pick: { type: 'multi_external_select', selected_options: [{ value: 'i-120' }] } },
          },
        },
      },
    });

    const target = modal.locator('.input-block[data-block-id=target]');
    await target.locator('input').focus();
    await sees(target.locator('.picker-menu'), 'Multi-attach zone j');
    await expect.poll(() => target.locator('.picker-group').count(), { timeout: STEP_MS }).toBe(2);
    await page.screenshot({ path: `${ARTIFACTS}7-picker.png` });
    await target.locator('.picker-option', { hasText: 'cn-hangzhou-j' }).click();
    await sees(target.locator('.picker-chips'), 'cn-hangzhou-j');

    await modal.locator('[data-testid=modal-submit]').click();
    await modal.waitFor({ state: 'hidden', timeout: STEP_MS });
    expect(submissions).toEqual([
      {
        instances: {
          pick: {
            type: 'multi_external_select',
            selected_options: [INSTANCES[119], INSTANCES[11]],
          },
        },
        target: { zone: { type: 'external_select', selected_option: ZONES.j[0] } },
      },
    ]);
    expect(pageErrors).toEqual([]);
  });
});
