/**
 * The sandbox console in headless Chromium as the browser tests drive it: `npm start` and Chromium
 * started together, one page, and the steps a person takes there (pick a user, type a command,
 * click Approve and confirm). Every wait ends as soon as the page shows what it waits for.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { SandboxUser } from '../../src/sandbox/people.js';
import {
  launchChromium,
  type SandboxProcess,
  type SandboxStart,
  startSandboxProcess,
} from './sandbox-browser.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const REQUEST_ID = /R-[0-9A-Z]{10}/g;

export interface ConsoleSession {
  readonly sandbox: SandboxProcess;
  readonly page: Page;
  /** Uncaught errors of the page's own code. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Chromium and `npm start` at once (each takes seconds); the page open on the console. If either
 * fails to start, whatever did start is stopped and the error is thrown: never a skip.
 */
export async function openSandboxConsole(start: SandboxStart): Promise<ConsoleSession> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const [browser, sandbox] = await Promise.allSettled([launchChromium(), startSandboxProcess(REPO, start)]);
  if (browser.status === 'rejected' || sandbox.status === 'rejected') {
    if (browser.status === 'fulfilled') await browser.value.close();
    if (sandbox.status === 'fulfilled') await sandbox.value.stop();
    throw browser.status === 'rejected' ? browser.reason : (sandbox as PromiseRejectedResult).reason;
  }
  const pageErrors: string[] = [];
  const context = browser.value.context;
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(sandbox.value.consoleUrl);
  await page.locator('[data-testid=composer]').waitFor();
  return {
    sandbox: sandbox.value,
    page,
    pageErrors,
    async close() {
      await browser.value.close();
      await sandbox.value.stop();
    },
  };
}

/** What a person does and sees in the console; `stepMs` bounds each wait. */
export class ConsolePage {
  constructor(
    readonly page: Page,
    private readonly stepMs: number,
  ) {}

  /** Waits until the element's text matches (vitest has no Playwright matchers). */
  async sees(locator: Locator, text: string | RegExp, timeout = this.stepMs): Promise<void> {
    await expect
      .poll(async () => ((await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : ''), {
        timeout,
      })
      .toMatch(text);
  }

  async countOf(locator: Locator, expected: number): Promise<void> {
    await expect.poll(() => locator.count(), { timeout: this.stepMs }).toBe(expected);
  }

  async actAs(user: SandboxUser): Promise<void> {
    await this.page.locator('[data-testid=user-select]').selectOption(user.id);
    await this.sees(this.page.locator('#view-header'), user.name);
  }

  async requestIds(): Promise<Set<string>> {
    const text = (await this.page.locator('[data-testid=messages]').textContent()) ?? '';
    return new Set(text.match(REQUEST_ID) ?? []);
  }

  /** The id of the first request on the page that is not in `before`, once one shows up. */
  async newRequestId(before: Set<string>): Promise<string> {
    let id = '';
    await expect
      .poll(async () => (id = [...(await this.requestIds())].find((r) => !before.has(r)) ?? ''), {
        timeout: this.stepMs,
      })
      .not.toBe('');
    return id;
  }

  /** Types a line in the composer and sends it. */
  async type(text: string): Promise<void> {
    await this.page.locator('[data-testid=composer]').fill(text);
    await this.page.locator('[data-testid=composer]').press('Enter');
  }

  /** Types a `/disk` command and returns the id of the request it opened, once its requester is told. */
  async openRequest(text: string): Promise<string> {
    const before = await this.requestIds();
    await this.type(text);
    const id = await this.newRequestId(before);
    await this.opened(id);
    return id;
  }

  /** The requester's "Request <id> opened". */
  async opened(id: string): Promise<void> {
    await this.page
      .locator('.message.ephemeral', { hasText: `Request ${id} opened` })
      .waitFor({ timeout: this.stepMs });
  }

  card(id: string): Locator {
    return this.page.locator('#messages > .message', {
      has: this.page.locator('.block-header', { hasText: id }),
    });
  }

  /** The request's result, broadcast to the channel. */
  result(id: string): Locator {
    return this.page.locator('#messages > .message', {
      has: this.page.locator('.broadcast-note'),
      hasText: new RegExp(`${id} .*: (succeeded|partial|failed)\\.`),
    });
  }

  /**
   * Clicks Approve on the card as `user`, confirms the dialog, waits for the broadcast result and
   * for the card to lose its Approve button; returns the result's text.
   */
  async approve(id: string, user: SandboxUser, screenshot?: string): Promise<string> {
    await this.actAs(user);
    await this.card(id).locator('button[data-action-id=request_approve]').click();
    const confirm = this.page.locator('[data-testid=confirm]');
    await this.sees(confirm, 'Approve this change?');
    if (screenshot) await this.shot(screenshot);
    await confirm.locator('[data-testid=confirm-ok]').click();
    await this.result(id).waitFor({ timeout: this.stepMs });
    await this.countOf(this.card(id).locator('button[data-action-id=request_approve]'), 0);
    return (await this.result(id).textContent()) ?? '';
  }

  /** Opens or closes the Cloud admin panel. */
  async toggleAdmin(): Promise<void> {
    await this.page.locator('[data-testid=admin-toggle]').click();
  }

  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: `${ARTIFACTS}${name}.png` });
  }
}
