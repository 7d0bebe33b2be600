/**
 * How a failover tells what happened: a timeline whose steps are back to back from the decision
 * (the approval click, or the emergency command's request) to the final message, so they add up
 * to the total; and the old primary's guest, watched without ever holding the result up.
 */
import type { TargetOutcome } from '../../cloud/assistant.js';
import type { DiskInfo } from '../../cloud/gateway.js';
import { inspectDisk } from '../../cloud/mounts.js';
import type { InspectReport } from '../../cloud/scripts/index.js';
import type { StepReport } from '../ports.js';
import type { StepContext } from './context.js';

type Ctx = StepContext<'failover'>;
export type StepOutcome = { ok: true; detail: string } | { ok: false; code: string; message: string };

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Steps back to back: each one lasts from the end of the previous one to its own end, so the
 * bookkeeping between cloud calls (cursor writes, audit) is inside a step, never lost.
 */
export class Timeline {
  readonly steps: StepReport[] = [];
  private readonly origin: number;
  private mark: number;

  constructor(private readonly ctx: Ctx) {
    const now = ctx.clock.now();
    this.origin = Math.min(now, ctx.request.decision?.at ?? ctx.request.createdAt);
    this.mark = this.origin;
  }

  /** Records the time since the previous step as one step (e.g. queue, locks, preflight). */
  async since(label: string, status: StepReport['status'], detail: string): Promise<void> {
    await this.push({ label, status, detail });
  }

  async step(label: string, run: () => Promise<StepOutcome>): Promise<StepOutcome> {
    const outcome = await run();
    await this.push({
      label,
      status: outcome.ok ? 'ok' : 'failed',
      detail: outcome.ok ? outcome.detail : `${outcome.code}: ${outcome.message}`,
    });
    return outcome;
  }

  /** From the decision to now; the sum of the steps. */
  get totalMs(): number {
    return this.mark - this.origin;
  }

  private async push(step: Omit<StepReport, 'durationMs'>): Promise<void> {
    const now = this.ctx.clock.now();
    const report: StepReport = { ...step, durationMs: Math.max(0, now - this.mark) };
    this.mark = Math.max(this.mark, now);
    this.steps.push(report);
    await this.ctx.report(report);
  }
}

/**
 * The old primary's inspection, started before anything is changed and never awaited by the
 * result: when it has not answered by the time the result is ready (a hung guest answers only
 * with a timeout), its row follows in the thread through `ctx.defer`.
 */
export class OldPrimaryWatch {
  private settled: TargetOutcome<InspectReport> | undefined;
  private readonly started: number;
  readonly answer: Promise<TargetOutcome<InspectReport>>;

  constructor(ctx: Ctx, disk: DiskInfo) {
    const from = ctx.params.fromInstanceId;
    this.started = ctx.clock.now();
    this.answer = inspectDisk(ctx.gateway, disk, [from], {
      regionId: ctx.params.regionId,
      timeoutSec: ctx.assistantTimeoutSec,
      timing: ctx.assistantTiming,
    })
      .then(([o]) => o ?? failedOutcome(from, 'no result'))
      .catch((error: unknown) => failedOutcome(from, error instanceof Error ? error.message : String(error)));
    void this.answer.then((o) => {
      this.settled = o;
    });
  }

  /** The answer if it is in, else `pending`. */
  now(): TargetOutcome<InspectReport> | 'pending' {
    return this.settled ?? 'pending';
  }

  /** Posts `describe(answer)` in the thread once the guest answers or times out (after the result). */
  followUp(ctx: Ctx, label: string, describe: (o: TargetOutcome<InspectReport>) => StepOutcome): void {
    ctx.defer(async () => {
      const o = await this.answer;
      const said = describe(o);
      await ctx.report({
        label,
        status: said.ok ? 'ok' : 'failed',
        detail: said.ok ? said.detail : `${said.code}: ${said.message}`,
        durationMs: Math.max(0, ctx.clock.now() - this.started),
      });
    });
  }
}

const failedOutcome = (instanceId: string, message: string): TargetOutcome<InspectReport> => ({
  ok: false,
  instanceId,
  state: 'error',
  code: 'inspect_failed',
  message,
});

/** One line for what a guest had mounted (the guest check of detach mode, the follow-up row). */
export function mountedText(r: InspectReport): string {
  if (!r.attached) return 'the disk is not visible in its guest';
  return r.mountpoints.length > 0
    ? `${r.fstype ?? 'unknown fs'} mounted at ${r.mountpoints.join(', ')} (${r.readOnly ? 'ro' : 'rw'})`
    : `nothing mounted${r.fstype ? ` (${r.fstype} on the disk)` : ''}`;
}
