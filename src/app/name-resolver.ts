/**
 * Disk and instance names → ids, before anything is filed or read. A name must be unique in the
 * region: an unknown name is refused, an ambiguous one is answered with its candidates and their
 * ids. Ids stay as typed; the names of everything a command names are looked up too, so requests
 * store ids for the cloud and names for people.
 */
import { describeFailure } from '../cloud/explain.js';
import type { DiskInfo, EcsGateway, InstanceInfo } from '../cloud/gateway.js';
import { type DiskCommand, isDiskId, isInstanceId, type NameMap } from '../commands/index.js';
import { closestNamed, type NamedResource } from '../commands/name-suggest.js';
import type { CommandOf } from '../kinds/domain.js';
import { domainOf, isRequestCommand } from '../kinds/domain-registry.js';
import type { RequestKind } from '../kinds/kinds.js';
import type { CloudFailure } from './ports.js';

/** Why a name did not resolve to one id. */
export type NameProblem =
  | {
      readonly reason: 'unknown';
      readonly what: 'disk' | 'instance';
      readonly name: string;
      readonly regionId: string;
      /** The region's closest name, for "did you mean" (absent when none is close or the list failed). */
      readonly near?: NamedResource;
    }
  | {
      readonly reason: 'ambiguous';
      readonly what: 'disk';
      readonly name: string;
      readonly regionId: string;
      readonly candidates: readonly DiskInfo[];
    }
  | {
      readonly reason: 'ambiguous';
      readonly what: 'instance';
      readonly name: string;
      readonly regionId: string;
      readonly candidates: readonly InstanceInfo[];
    }
  | { readonly reason: 'cloud_failed'; readonly failure: CloudFailure };

export type Resolved<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: NameProblem };

/** Keeps the first of each id, in order (a name and the id of the same instance count once). */
const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

/** The closest known name; nothing when none is close or the list cannot be read. */
async function nearName(typed: string, known: Promise<NamedResource[]>): Promise<{ near?: NamedResource }> {
  const near = closestNamed(typed, await known.catch(() => []));
  return near ? { near } : {};
}

export class NameResolver {
  constructor(
    private readonly gateway: EcsGateway,
    readonly regionId: string,
  ) {}

  /** A disk by id (as typed, looked up only for its name) or by a name unique in the region. */
  async disk(ref: string): Promise<Resolved<{ diskId: string; disk?: DiskInfo }>> {
    if (isDiskId(ref)) {
      const [disk] = await this.gateway
        .describeDisks({ regionId: this.regionId, diskIds: [ref] })
        .catch(() => [] as DiskInfo[]);
      return { ok: true, value: { diskId: ref, ...(disk ? { disk } : {}) } };
    }
    let found: DiskInfo[];
    try {
      found = await this.gateway.describeDisks({ regionId: this.regionId, diskName: ref });
    } catch (error) {
      return { ok: false, problem: { reason: 'cloud_failed', failure: describeFailure(error) } };
    }
    const [only] = found;
    if (found.length === 1 && only) return { ok: true, value: { diskId: only.diskId, disk: only } };
    if (found.length === 0) {
      const near = await nearName(
        ref,
        this.gateway
          .describeDisks({ regionId: this.regionId, multiAttach: true })
          .then((all) => all.map((d) => ({ id: d.diskId, name: d.diskName }))),
      );
      return {
        ok: false,
        problem: { reason: 'unknown', what: 'disk', name: ref, regionId: this.regionId, ...near },
      };
    }
    return {
      ok: false,
      problem: { reason: 'ambiguous', what: 'disk', name: ref, regionId: this.regionId, candidates: found },
    };
  }

  /** Instances by id or by names unique in the region; one DescribeInstances per name, in parallel. */
  async instances(refs: readonly string[]): Promise<Resolved<{ ids: string[]; names: NameMap }>> {
    const ids = refs.filter(isInstanceId);
    const named = refs.filter((r) => !isInstanceId(r));
    let byName: InstanceInfo[][];
    let byId: InstanceInfo[];
    try {
      [byName, byId] = await Promise.all([
        Promise.all(
          named.map((name) =>
            this.gateway.describeInstances({ regionId: this.regionId, instanceName: name }),
          ),
        ),
        ids.length > 0
          ? this.gateway.describeInstances({ regionId: this.regionId, instanceIds: ids }).catch(() => [])
          : Promise.resolve([] as InstanceInfo[]),
      ]);
    } catch (error) {
      return { ok: false, problem: { reason: 'cloud_failed', failure: describeFailure(error) } };
    }
    const resolved = new Map<string, string>();
    for (const [k, name] of named.entries()) {
      const found = byName[k] ?? [];
      const [only] = found;
      if (found.length === 0) {
        const near = await nearName(
          name,
          this.gateway
            .describeInstances({ regionId: this.regionId })
            .then((all) => all.map((i) => ({ id: i.instanceId, name: i.instanceName }))),
        );
        return {
          ok: false,
          problem: { reason: 'unknown', what: 'instance', name, regionId: this.regionId, ...near },
        };
      }
      if (found.length > 1 || !only)
        return {
          ok: false,
          problem: {
            reason: 'ambiguous',
            what: 'instance',
            name,
            regionId: this.regionId,
            candidates: found,
          },
        };
      resolved.set(name, only.instanceId);
    }
    const names: Record<string, string> = {};
    for (const i of [...byName.flat(), ...byId]) if (i.instanceName) names[i.instanceId] = i.instanceName;
    return { ok: true, value: { ids: unique(refs.map((r) => resolved.get(r) ?? r)), names } };
  }

  /**
   * The command with every disk and instance as an id, and `names` for display; or the problem that
   * explains why not (unknown or ambiguous name, cloud unreachable). Other commands pass through.
   */
  async resolve(command: DiskCommand): Promise<Resolved<DiskCommand>> {
    switch (command.kind) {
      case 'status':
      case 'attach_form': {
        // Status reads the disk itself (and shows its name): an id needs no lookup here.
        if (isDiskId(command.diskId)) return { ok: true, value: command };
        const disk = await this.disk(command.diskId);
        return disk.ok ? { ok: true, value: { ...command, diskId: disk.value.diskId } } : disk;
      }
      case 'watch':
      case 'unwatch': {
        if ('list' in command && command.list) return { ok: true, value: command };
        if (isDiskId(command.diskId)) return { ok: true, value: command };
        const disk = await this.disk(command.diskId);
        return disk.ok ? { ok: true, value: { ...command, diskId: disk.value.diskId } } : disk;
      }
      default:
        return isRequestCommand(command)
          ? this.resolveKind(command.kind, command)
          : { ok: true, value: command };
    }
  }

  /** A request's disk and instances, as its kind names them (src/kinds/<kind>/domain.ts). */
  private async resolveKind<K extends RequestKind>(
    kind: K,
    command: CommandOf<K>,
  ): Promise<Resolved<CommandOf<K>>> {
    const names = domainOf(kind).names;
    if (!names) return { ok: true, value: command };
    const refs = names.refs(command);
    const [disk, named] = await Promise.all([
      this.disk(refs.disk),
      refs.instances.length > 0 ? this.instances(refs.instances) : NO_INSTANCES,
    ]);
    if (!disk.ok) return disk;
    const ofDisk = names.instancesOfDisk ? (disk.value.disk?.attachments.map((a) => a.instanceId) ?? []) : [];
    const instances = ofDisk.length > 0 ? await this.instances(ofDisk) : named;
    if (!instances.ok) return instances;
    const attached = names.namesAttached ? await this.attachedNames(disk.value.disk) : {};
    const shown = { ...attached, ...instances.value.names, ...diskName(disk.value.disk) };
    return {
      ok: true,
      value: names.withIds(command, {
        diskId: disk.value.diskId,
        instanceIds: instances.value.ids,
        names: shown,
      }),
    };
  }

  /** Names of the instances `disk` is attached to; none when it has none or they cannot be read. */
  private async attachedNames(disk: DiskInfo | undefined): Promise<NameMap> {
    const nodes = disk?.attachments.map((a) => a.instanceId) ?? [];
    if (nodes.length === 0) return {};
    const instances = await this.instances(nodes);
    return instances.ok ? instances.value.names : {};
  }
}

const NO_INSTANCES: Resolved<{ ids: string[]; names: NameMap }> = { ok: true, value: { ids: [], names: {} } };

const diskName = (disk: DiskInfo | undefined): NameMap =>
  disk?.diskName ? { [disk.diskId]: disk.diskName } : {};
