/**
 * `/disk init --fs ocfs2` (issue 14): cluster description + o2cb online on every node → signatures
 * re-checked on every guest immediately before the format → format on node 0 only → mount on every
 * node (fstab `_netdev`) → verified with inspect. Each of the three writes follows its own
 * re-check (`ctx.recheck`), on resume too. Anything failing before the format stops there
 * (`failed`, nothing formatted); after it, what was done is reported (`partial`). The cursor makes
 * a resumed request skip what is done; the format script recognises its own UUID, so a disk is
 * never formatted twice.
 */
import type { TargetOutcome } from '../../cloud/assistant.js';
import type { DiskInfo } from '../../cloud/gateway.js';
import { readMounts } from '../../cloud/mounts.js';
import { formatOcfs2, mountOcfs2, writeCluster } from '../../cloud/ocfs2/run.js';
import { GUARD_CHANGED, type WorldSnapshot } from '../../cloud/preflight/index.js';
import { planNodes } from '../../cloud/preflight/init-rules.js';
import { nodesParam } from '../../workflow/ocfs2-cluster.js';
import type { Check } from '../../workflow/request.js';
import type { ExecutionResult, InstanceFailure } from '../ports.js';
import { type StepContext, type StepRunner, stoppedBy } from './context.js';

/** After CURSOR.CHECKED (1): the stack is online everywhere, the disk is formatted, mounted everywhere. */
export const INIT_CURSOR = { ONLINE: 2, FORMATTED: 3, MOUNTED: 4 } as const;

type Ctx = StepContext<'init'>;

const failuresOf = (outcomes: readonly TargetOutcome<unknown>[]): InstanceFailure[] =>
  outcomes.flatMap((o) => (o.ok ? [] : [{ instanceId: o.instanceId, code: o.code, message: o.message }]));

const rows = (disk: DiskInfo) =>
  disk.attachments.map((a) => ({ instanceId: a.instanceId, device: a.device, state: 'attached' as const }));

function end(
  state: ExecutionResult['state'],
  code: string,
  message: string,
  disk?: DiskInfo,
  failures: InstanceFailure[] = [],
): ExecutionResult {
  return { state, outcome: { code, message }, attachments: disk ? rows(disk) : [], failures };
}

/**
 * Once the stack is online, an OCFS2 signature alone may be this request's own format interrupted
 * by a crash (ocfs2-format tells by the UUID, or refuses itself); after the format it is ours.
 */
const ownFormat =
  (cursor: number) =>
  (check: Check, world: WorldSnapshot): boolean =>
    check.code === 'init_signature' &&
    cursor >= INIT_CURSOR.ONLINE &&
    (world.ocfs2?.outcomes ?? []).every((o) => !o.ok || o.value.signatures.every((s) => s.type === 'ocfs2'));

const BEFORE_FORMAT = 'Stopped before the format; nothing was formatted.';

const nodeList = (nodes: readonly { number: number; hostname: string; ip: string; instanceId: string }[]) =>
  nodes.map((n) => `node ${n.number} ${n.hostname} ${n.ip} (${n.instanceId})`).join(', ');

export const runInit: StepRunner<'init'> = async (ctx) => {
  const p = ctx.params;
  const opts = { regionId: p.regionId, timeoutSec: ctx.assistantTimeoutSec, timing: ctx.assistantTiming };
  // Finishing a partial init: its cluster is online and the volume formatted (the filing and every
  // moment's re-check verified the volume is this init's own UUID), so only the mount runs.
  let cursor = p.finishes ? Math.max(ctx.cursor, INIT_CURSOR.FORMATTED) : ctx.cursor;
  const advance = async (to: number, details: Record<string, unknown>) => {
    await ctx.advance(to, details);
    cursor = Math.max(cursor, to);
  };
  const disk = ctx.world.disk;
  if (!disk) return end('failed', 'disk_not_found', `${p.diskId} no longer exists; nothing was changed.`);
  const { nodes } = planNodes(disk, ctx.world.instances, ctx.world.ocfs2?.outcomes ?? []);
  const ids = nodes.map((n) => n.instanceId);
  let started = ctx.clock.now();

  if (cursor < INIT_CURSOR.ONLINE) {
    const moment = await ctx.recheck('ocfs2-cluster', { expected: ownFormat(cursor) });
    if (!moment.ok) return stoppedBy(moment.change, BEFORE_FORMAT);
    const install = (moment.world.ocfs2?.outcomes ?? []).some(
      (o) => o.ok && (!o.value.tools.mkfs || !o.value.tools.o2cb),
    );
    ctx.assertHeld();
    const out = await writeCluster(
      moment.gateway,
      ids,
      { cluster: p.cluster, nodes: nodesParam(nodes), install },
      opts,
    );
    const failures = failuresOf(out);
    await ctx.report({
      label: 'Cluster description written, o2cb online',
      status: failures.length === 0 ? 'ok' : 'failed',
      detail:
        failures.length === 0
          ? `${p.cluster}: ${nodeList(nodes)}`
          : failures.map((f) => `${f.instanceId}: ${f.message}`).join('; '),
      durationMs: ctx.clock.now() - started,
    });
    if (failures.length > 0) return end('failed', 'init_cluster_failed', BEFORE_FORMAT, disk, failures);
    await advance(INIT_CURSOR.ONLINE, { nodes: nodesParam(nodes) });
  }

  if (cursor < INIT_CURSOR.FORMATTED) {
    started = ctx.clock.now();
    const moment = await ctx.recheck('ocfs2-format', { expected: ownFormat(cursor) });
    if (!moment.ok) return stoppedBy(moment.change, BEFORE_FORMAT);
    await ctx.report({
      label: 'Signatures re-checked on every guest',
      status: 'ok',
      detail: `${ids.length} guest(s) blank (blkid -p, wipefs --no-act)`,
      durationMs: ctx.clock.now() - started,
    });
    const on = nodes[0]?.instanceId ?? '';
    started = ctx.clock.now();
    ctx.assertHeld();
    const [out] = await formatOcfs2(moment.gateway, disk, on, p, opts);
    const ok = out?.ok === true;
    await ctx.report({
      label: `Formatted OCFS2 once, on ${on}`,
      status: ok ? 'ok' : 'failed',
      detail: out?.ok
        ? `${out.value.already ? 'already formatted by this request: ' : ''}mkfs.ocfs2 -N ${p.slots} -L ${p.label} -U ${p.uuid} ${out.value.device}`
        : (out?.message ?? 'no answer'),
      durationMs: ctx.clock.now() - started,
    });
    if (!out?.ok)
      return end(
        'failed',
        'init_format_failed',
        'The format did not complete; nothing was mounted.',
        disk,
        failuresOf(out ? [out] : []),
      );
    await advance(INIT_CURSOR.FORMATTED, { formattedOn: on, uuid: p.uuid });
  }

  if (cursor < INIT_CURSOR.MOUNTED) {
    started = ctx.clock.now();
    const moment = await ctx.recheck('ocfs2-mount', { expected: ownFormat(cursor) });
    if (!moment.ok)
      return end('partial', GUARD_CHANGED, `Formatted, but not mounted: ${moment.change.message}`, disk);
    ctx.assertHeld();
    const out = await mountOcfs2(moment.gateway, disk, ids, p, opts);
    const failures = failuresOf(out);
    await ctx.report({
      label: `Mounted at ${p.mountpoint} (fstab _netdev)`,
      status: failures.length === 0 ? 'ok' : 'failed',
      detail: `${ids.length - failures.length} of ${ids.length} instance(s)${failures.length ? `; ${failures.map((f) => `${f.instanceId}: ${f.message}`).join('; ')}` : ''}`,
      durationMs: ctx.clock.now() - started,
    });
    if (failures.length > 0)
      return end('partial', 'init_mount_failed', `Formatted, but not mounted everywhere.`, disk, failures);
    await advance(INIT_CURSOR.MOUNTED, { mounted: ids });
  }
  return verify(ctx, disk);
};

/** Every attached instance must show ocfs2 mounted read-write at the path. */
async function verify(ctx: Ctx, disk: DiskInfo): Promise<ExecutionResult> {
  const p = ctx.params;
  const started = ctx.clock.now();
  const mounts = await readMounts(ctx.gateway, disk, {
    regionId: p.regionId,
    timeoutSec: ctx.assistantTimeoutSec,
    timing: ctx.assistantTiming,
  });
  const bad = mounts.rows.filter(
    (r) => r.fstype !== 'ocfs2' || !r.mountpoints.includes(p.mountpoint) || r.access !== 'rw',
  );
  const failures = bad.map((r) => ({
    instanceId: r.instanceId,
    code: 'not_verified',
    message: `shows ${r.fstype ?? 'no file system'} at ${r.mountpoints.join(', ') || 'no mount point'} (${r.access})`,
  }));
  await ctx.report({
    label: 'Verified with inspect',
    status: bad.length === 0 ? 'ok' : 'failed',
    detail:
      bad.length === 0
        ? `ocfs2 rw at ${p.mountpoint} on ${mounts.rows.length} instance(s)`
        : failures.map((f) => `${f.instanceId} ${f.message}`).join('; '),
    durationMs: ctx.clock.now() - started,
  });
  const result =
    bad.length === 0
      ? end(
          'succeeded',
          'ok',
          `OCFS2 formatted once and mounted read-write at ${p.mountpoint} on ${mounts.rows.length} instance(s).`,
          disk,
        )
      : end(
          'partial',
          'init_not_verified',
          'Formatted and mounted, but not every instance shows it.',
          disk,
          failures,
        );
  return { ...result, mounts };
}
