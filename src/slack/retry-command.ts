import type { DiskRequest } from '../workflow/request.js';
import type { RequestCommand } from '../workflow/request-builder.js';
import { readParams } from '../workflow/request-params.js';

/** A partial attach or init is finished, not re-filed: its retry names it (`finishes`). */
export const finishing = (request: DiskRequest): { finishes?: string } =>
  request.state === 'partial' ? { finishes: request.id } : {};

/**
 * The command that opens a request like `request` again (the Retry button on a failed or partial
 * result): the same parameters, run through today's policy and a fresh cloud preflight like any
 * typed command; a partial attach or init runs only its missing steps. Undefined when the stored
 * parameters do not fit the kind.
 */
export function retryCommand(request: DiskRequest): RequestCommand | undefined {
  switch (request.kind) {
    case 'create': {
      const p = readParams('create', request.params);
      if (!p) return undefined;
      return {
        kind: 'create',
        name: p.name,
        sizeGiB: p.sizeGiB,
        category: p.category,
        ...(p.performanceLevel ? { performanceLevel: p.performanceLevel } : {}),
        ...(p.zoneId ? { zoneId: p.zoneId } : {}),
        regionId: p.regionId,
        ...(p.provisionedIops === undefined ? {} : { provisionedIops: p.provisionedIops }),
        burstingEnabled: p.burstingEnabled,
        allowDuplicateName: p.allowDuplicateName,
        tags: p.tags,
        ...(p.reason ? { reason: p.reason } : {}),
      };
    }
    case 'attach': {
      const p = readParams('attach', request.params);
      if (!p) return undefined;
      return {
        kind: 'attach',
        diskId: p.diskId,
        instanceIds: p.instanceIds,
        allowSingleNodeFs: p.allowSingleNodeFs,
        ...(p.reason ? { reason: p.reason } : {}),
        ...finishing(request),
      };
    }
    case 'detach': {
      const p = readParams('detach', request.params);
      if (!p) return undefined;
      return {
        kind: 'detach',
        diskId: p.diskId,
        instanceIds: p.instanceIds,
        force: p.force,
        ...(p.reason ? { reason: p.reason } : {}),
      };
    }
    case 'failover': {
      const p = readParams('failover', request.params);
      if (!p) return undefined;
      return {
        kind: 'failover',
        diskId: p.diskId,
        fromInstanceId: p.fromInstanceId,
        toInstanceId: p.toInstanceId,
        ...(p.emergencyReason ? { emergencyReason: p.emergencyReason } : {}),
      };
    }
    case 'init': {
      // A failed init stopped before the format and is checked from scratch; a partial one formatted,
      // so its retry only mounts (the filing verifies the volume is this init's own).
      const p = readParams('init', request.params);
      if (!p) return undefined;
      return {
        kind: 'init',
        diskId: p.diskId,
        fs: p.fs,
        mountpoint: p.mountpoint,
        slots: p.slots,
        label: p.label,
        ...(p.reason ? { reason: p.reason } : {}),
        ...finishing(request),
      };
    }
    case 'unfreeze': {
      const p = readParams('unfreeze', request.params);
      if (!p) return undefined;
      return { kind: 'unfreeze', ...(p.reason ? { reason: p.reason } : {}) };
    }
  }
}
