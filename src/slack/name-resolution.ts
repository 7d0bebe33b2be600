/**
 * Disk and instance names → ids, before anything is filed or read. A name must be unique in the
 * region: an unknown name is refused, an ambiguous one is answered with its candidates and their
 * ids. Ids stay as typed; the names of everything a command names are looked up too, so requests
 * store ids for the cloud and names for people.
 */
import type { KnownBlock } from '@slack/types';
import { describeFailure } from '../cloud/explain.js';
import type { DiskInfo, EcsGateway, InstanceInfo } from '../cloud/gateway.js';
import { type DiskCommand, isDiskId, isInstanceId, type NameMap } from '../commands/index.js';
import { closestNamed, type NamedResource } from '../commands/name-suggest.js';
import { escapeMrkdwn } from './blocks/escape.js';
import type { CommandHandler, CommandHandlers, CommandKind, CommandReply } from './ports.js';

export type Resolved<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reply: CommandReply };

/** At most this many candidates are listed for an ambiguous name (a section holds 3,000 characters). */
const MAX_CANDIDATES = 10;

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text.slice(0, 3000) },
});

function reply(text: string): CommandReply {
  return { text, blocks: [section(text)] };
}

const diskLine = (d: DiskInfo): string =>
  `• \`${d.diskId}\` · ${d.zoneId || d.regionId} · ${d.category} · ${d.sizeGiB} GiB · ${d.status} · ` +
  `${d.attachments.length} attached`;
const instanceLine = (i: InstanceInfo): string =>
  `• \`${i.instanceId}\` · ${i.zoneId} · ${i.instanceType} · ${i.status}`;

function candidates<T>(
  what: string,
  name: string,
  region: string,
  items: readonly T[],
  line: (t: T) => string,
) {
  const shown = items.slice(0, MAX_CANDIDATES).map(line);
  const more = items.length > shown.length ? `\n… and ${items.length - shown.length} more` : '';
  return reply(
    `:grey_question: *${escapeMrkdwn(name)}* names ${items.length} ${what}s in ${region}; nothing was done. ` +
      `Use the id of the one you mean:\n${shown.join('\n')}${more}`,
  );
}

const unknown = (what: string, name: string, region: string, hint: string): CommandReply =>
  reply(
    `:grey_question: No ${what} is named *${escapeMrkdwn(name)}* in ${region}; nothing was done. ${hint}`,
  );

function cloudFailed(error: unknown): CommandReply {
  const { code, message } = describeFailure(error);
  return reply(`:x: Names could not be looked up (*${escapeMrkdwn(code)}*): ${escapeMrkdwn(message)}`);
}

/** "Did you mean …?" from the names the region has; nothing when none is close or the list fails. */
async function nearName(typed: string, known: Promise<NamedResource[]>): Promise<string | undefined> {
  const near = closestNamed(typed, await known.catch(() => []));
  return near && `Did you mean *${escapeMrkdwn(near.name)}* (\`${near.id}\`)?`;
}

/** Keeps the first of each id, in order (a name and the id of the same instance count once). */
const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

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
      return { ok: false, reply: cloudFailed(error) };
    }
    const [only] = found;
    if (found.length === 1 && only) return { ok: true, value: { diskId: only.diskId, disk: only } };
    if (found.length === 0)
      return {
        ok: false,
        reply: unknown(
          'disk',
          ref,
          this.regionId,
          (await nearName(
            ref,
            this.gateway
              .describeDisks({ regionId: this.regionId, multiAttach: true })
              .then((all) => all.map((d) => ({ id: d.diskId, name: d.diskName }))),
          )) ?? '`/disk list` shows the multi-attach disks.',
        ),
      };
    return { ok: false, reply: candidates('disk', ref, this.regionId, found, diskLine) };
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
      return { ok: false, reply: cloudFailed(error) };
    }
    const resolved = new Map<string, string>();
    for (const [k, name] of named.entries()) {
      const found = byName[k] ?? [];
      const [only] = found;
      if (found.length === 0) {
        return {
          ok: false,
          reply: unknown(
            'instance',
            name,
            this.regionId,
            (await nearName(
              name,
              this.gateway
                .describeInstances({ regionId: this.regionId })
                .then((all) => all.map((i) => ({ id: i.instanceId, name: i.instanceName }))),
            )) ?? 'Instance names are exact and case-sensitive.',
          ),
        };
      }
      if (found.length > 1 || !only)
        return { ok: false, reply: candidates('instance', name, this.regionId, found, instanceLine) };
      resolved.set(name, only.instanceId);
    }
    const names: Record<string, string> = {};
    for (const i of [...byName.flat(), ...byId]) if (i.instanceName) names[i.instanceId] = i.instanceName;
    return { ok: true, value: { ids: unique(refs.map((r) => resolved.get(r) ?? r)), names } };
  }

  /**
   * The command with every disk and instance as an id, and `names` for display; or the reply that
   * explains why not (unknown or ambiguous name, cloud unreachable). Other commands pass through.
   */
  async resolve(command: DiskCommand): Promise<Resolved<DiskCommand>> {
    switch (command.kind) {
      case 'status':
      case 'init':
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
      case 'attach':
      case 'detach': {
        const [disk, instances] = await Promise.all([
          this.disk(command.diskId),
          this.instances(command.instanceIds),
        ]);
        if (!disk.ok) return disk;
        if (!instances.ok) return instances;
        const names = { ...instances.value.names, ...diskName(disk.value.disk) };
        return {
          ok: true,
          value: { ...command, diskId: disk.value.diskId, instanceIds: instances.value.ids, names },
        };
      }
      case 'failover': {
        const [disk, instances] = await Promise.all([
          this.disk(command.diskId),
          this.instances([command.fromInstanceId, command.toInstanceId]),
        ]);
        if (!disk.ok) return disk;
        if (!instances.ok) return instances;
        const [from, to] = instances.value.ids;
        if (from === undefined) return { ok: true, value: command };
        const names = { ...instances.value.names, ...diskName(disk.value.disk) };
        return {
          ok: true,
          value: {
            ...command,
            diskId: disk.value.diskId,
            fromInstanceId: from,
            toInstanceId: to ?? from,
            names,
          },
        };
      }
      default:
        return { ok: true, value: command };
    }
  }
}

const diskName = (disk: DiskInfo | undefined): NameMap =>
  disk?.diskName ? { [disk.diskId]: disk.diskName } : {};

const RESOLVED_KINDS = ['status', 'attach', 'detach', 'failover', 'init', 'watch', 'unwatch'] as const;

/** Wraps the handlers that take disks or instances so they only ever see ids. */
export function withNameResolution(handlers: CommandHandlers, resolver: NameResolver): CommandHandlers {
  const wrapped: { -readonly [K in CommandKind]?: CommandHandler<K> } = { ...handlers };
  for (const kind of RESOLVED_KINDS) {
    const inner = handlers[kind] as CommandHandler<typeof kind> | undefined;
    if (!inner) continue;
    const handler: CommandHandler<typeof kind> = async (command, context) => {
      const resolved = await resolver.resolve(command);
      if (!resolved.ok) return resolved.reply;
      return inner(resolved.value as typeof command, context);
    };
    (wrapped as Record<string, unknown>)[kind] = handler;
  }
  return wrapped;
}
