import { describeFailure, explainCloudCode } from '../../cloud/explain.js';
import { CREATED_BLANK_TAG, DEFAULT_ESSD_PL } from '../../workflow/request-builder.js';
import { CURSOR, type StepRunner, stoppedBy } from './context.js';

/** ≤ 64 ASCII (ECS' limit); the same request id always yields the same token, so a resumed create never makes a second disk. */
export const clientTokenFor = (requestId: string): string => `sdb-create-${requestId}`.slice(0, 64);

/**
 * CreateDisk(MultiAttach=Enabled) with a ClientToken derived from the request id, then wait for
 * `Available`. A resumed request sends the same call again: ECS answers it with the disk the first
 * call created, which is how the disk id is found without storing it first.
 */
export const runCreate: StepRunner<'create'> = async (ctx) => {
  const p = ctx.params;
  // Resumed, CreateDisk may have been sent already: a disk of this name can be this request's own
  // (its ClientToken answers with that disk, never a second one), so it is not a changed fact.
  const resumed = ctx.request.stepCursor > CURSOR.START;
  const moment = await ctx.recheck(
    'CreateDisk',
    resumed ? { expected: (check) => check.code === 'duplicate_name' } : {},
  );
  if (!moment.ok) return stoppedBy(moment.change);
  ctx.assertHeld();
  const started = ctx.clock.now();
  let diskId: string;
  try {
    const created = await moment.gateway.createDisk({
      regionId: p.regionId,
      ...(p.zoneId ? { zoneId: p.zoneId } : {}),
      diskName: p.name,
      category: p.category,
      ...(p.category === 'cloud_essd' ? { performanceLevel: p.performanceLevel ?? DEFAULT_ESSD_PL } : {}),
      sizeGiB: p.sizeGiB,
      ...(p.provisionedIops === undefined ? {} : { provisionedIops: p.provisionedIops }),
      ...(p.burstingEnabled ? { burstingEnabled: true } : {}),
      // Recorded at creation: a disk with this tag that was never attached is known blank.
      tags: [...p.tags, CREATED_BLANK_TAG],
      clientToken: clientTokenFor(ctx.request.id),
    });
    diskId = created.value.diskId;
    await ctx.advance(CURSOR.ISSUED, { action: 'CreateDisk', diskId, cloudRequestId: created.requestId });
  } catch (error) {
    const failure = describeFailure(error);
    await ctx.report({
      label: 'CreateDisk',
      status: 'failed',
      detail: `${failure.code}: ${failure.message}`,
      durationMs: ctx.clock.now() - started,
    });
    return { state: 'failed', outcome: failure, attachments: [], failures: [] };
  }
  await ctx.report({
    label: 'CreateDisk',
    status: 'ok',
    detail: diskId,
    durationMs: ctx.clock.now() - started,
  });
  const waited = await ctx.watcher.watch(p.regionId, diskId, {
    timeoutMs: ctx.waitTimeoutMs,
    learn: 'CreateDisk',
    until: (disk) => disk?.status === 'Available',
  });
  const took = ctx.clock.now() - started;
  if (!waited.done) {
    const status = waited.disk?.status ?? 'unknown';
    await ctx.report({
      label: `Wait for ${diskId} Available`,
      status: 'failed',
      detail: `still ${status}`,
      durationMs: took,
    });
    return {
      state: 'failed',
      outcome: {
        code: 'wait_timeout',
        message: `${diskId} was created but is still ${status}: ${explainCloudCode('wait_timeout')}.`,
      },
      attachments: [],
      failures: [],
    };
  }
  await ctx.report({ label: `Wait for ${diskId} Available`, status: 'ok', durationMs: took });
  const pl = p.category === 'cloud_essd' ? ` ${p.performanceLevel ?? DEFAULT_ESSD_PL}` : '';
  return {
    state: 'succeeded',
    outcome: {
      code: 'created',
      message: `Created ${diskId}: multi-attach ${p.category}${pl}, ${p.sizeGiB} GiB${p.zoneId ? ` in ${p.zoneId}` : ''}.`,
    },
    attachments: [],
    failures: [],
  };
};
