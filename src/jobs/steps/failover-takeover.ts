/**
 * Takeover on the standby after a verified fence: the policy's built-in mount (`fencing.takeover`,
 * the `takeover-mount` script) and/or its free-form hook (`actions.failover.takeoverHook`). The
 * mount is verified afterwards by the final inspection (see `failover.ts`).
 */
import { jsonLine, type OutputParser, runOnInstances } from '../../cloud/assistant.js';
import type { DiskInfo, EcsGateway } from '../../cloud/gateway.js';
import type { MountRow } from '../../cloud/mounts.js';
import {
  SAFE_MOUNT_OPTIONS,
  SAFE_SERIAL,
  scriptText,
  serialFor,
  takeoverReportSchema,
} from '../../cloud/scripts/index.js';
import { MOUNTPOINT_PATTERN } from '../../commands/index.js';
import type { StepContext } from './context.js';
import type { StepOutcome } from './failover-timeline.js';

type Ctx = StepContext<'failover'>;

const refused = (code: string, message: string): StepOutcome => ({ ok: false, code, message });

/** The hook's stdout is free text: its first line is shown. */
const anyText: OutputParser<string> = (output) => ({ ok: true, value: output.trim().split('\n')[0] ?? '' });

export async function runHook(ctx: Ctx, gateway: EcsGateway, disk: DiskInfo): Promise<StepOutcome> {
  const hook = ctx.params.takeoverHook;
  if (!hook) return { ok: true, detail: 'none configured' };
  ctx.assertHeld();
  // Cloud Assistant rejects parameters a script does not reference, so serial is sent only when used.
  const parameters: Record<string, string> = hook.script.includes('{{serial}}')
    ? { serial: serialFor(disk) }
    : {};
  const [outcome] = await runOnInstances(
    gateway,
    {
      regionId: ctx.params.regionId,
      instanceIds: [ctx.params.toInstanceId],
      script: hook.script,
      parameters,
      timeoutSec: hook.timeoutSec,
      name: 'shared-disk-bot takeover hook',
    },
    anyText,
    ctx.assistantTiming,
  );
  if (outcome?.ok) return { ok: true, detail: outcome.value || 'exit 0' };
  return refused(outcome?.code ?? 'no_answer', outcome && !outcome.ok ? outcome.message : 'no result');
}

/**
 * Mounts the file system on the standby. Refused while any instance other than the standby can
 * still write (`writers`): a single-node file system is safe to mount only when there is one writer.
 */
export async function mountOnStandby(
  ctx: Ctx,
  gateway: EcsGateway,
  disk: DiskInfo,
  writers: readonly string[],
): Promise<StepOutcome> {
  const mount = ctx.params.takeoverMount;
  const to = ctx.params.toInstanceId;
  if (!mount) return { ok: true, detail: 'none configured' };
  const others = writers.filter((id) => id !== to);
  if (others.length > 0)
    return refused(
      'takeover_refused',
      `${others.join(', ')} can still write to the disk, so mounting it on ${to} too could corrupt a single-node file system; mount it by hand once ${to} is the only writer`,
    );
  const serial = serialFor(disk);
  if (
    !SAFE_SERIAL.test(serial) ||
    !MOUNTPOINT_PATTERN.test(mount.mount) ||
    !SAFE_MOUNT_OPTIONS.test(mount.options)
  )
    return refused('unsafe_parameter', 'the serial, mount point or options cannot be put in a script');
  ctx.assertHeld();
  const [outcome] = await runOnInstances(
    gateway,
    {
      regionId: ctx.params.regionId,
      instanceIds: [to],
      script: scriptText('takeover-mount'),
      parameters: { serial, mountpoint: mount.mount, options: mount.options },
      timeoutSec: ctx.assistantTimeoutSec,
      name: 'shared-disk-bot takeover-mount',
    },
    jsonLine(takeoverReportSchema),
    ctx.assistantTiming,
  );
  if (!outcome?.ok)
    return refused(outcome?.code ?? 'no_answer', outcome && !outcome.ok ? outcome.message : 'no result');
  const r = outcome.value;
  return {
    ok: true,
    detail: `${r.already ? 'already mounted' : 'mounted'} ${r.device} (${r.fstype}) at ${r.mountpoint} with ${r.options}`,
  };
}

/** The final inspection must show the mount on the standby, writable unless asked read-only. */
export function verifyMount(ctx: Ctx, row: MountRow | undefined): StepOutcome {
  const mount = ctx.params.takeoverMount;
  if (!mount) return { ok: true, detail: 'nothing to verify' };
  const to = ctx.params.toInstanceId;
  if (!row || row.access === 'unknown')
    return refused(
      'takeover_unverified',
      `the inspection of ${to} did not answer${row?.why ? ` (${row.why})` : ''}`,
    );
  if (!row.mountpoints.includes(mount.mount))
    return refused(
      'takeover_unverified',
      `the inspection of ${to} does not show ${mount.mount} mounted (mounted at: ${row.mountpoints.join(', ') || 'nothing'})`,
    );
  const wantRo = mount.options.split(',').includes('ro');
  if ((row.access === 'ro') !== wantRo)
    return refused(
      'takeover_unverified',
      `${mount.mount} on ${to} is ${row.access}, expected ${wantRo ? 'ro' : 'rw'}`,
    );
  return {
    ok: true,
    detail: `${row.fstype ?? 'file system'} at ${mount.mount} (${row.access}) on ${to}, verified by inspect`,
  };
}
