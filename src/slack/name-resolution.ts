/**
 * What a user is told when a name does not resolve (src/app/name-resolver.ts resolves them), and the
 * wrapper that gives the handlers taking disks or instances ids only.
 */

import type { KnownBlock } from '@slack/types';
import type { NameProblem, NameResolver } from '../app/name-resolver.js';
import type { CloudFailure } from '../app/ports.js';
import type { DiskInfo, InstanceInfo } from '../cloud/gateway.js';
import { domainOf } from '../kinds/domain-registry.js';
import { REQUEST_KINDS } from '../kinds/kinds.js';
import { escapeMrkdwn } from './blocks/escape.js';
import type { CommandHandler, CommandHandlers, CommandKind, CommandReply } from './ports.js';

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

function cloudFailed({ code, message }: CloudFailure): CommandReply {
  return reply(`:x: Names could not be looked up (*${escapeMrkdwn(code)}*): ${escapeMrkdwn(message)}`);
}

/** The reply that explains why a name did not resolve, and what to type instead. */
export function nameProblemReply(problem: NameProblem): CommandReply {
  switch (problem.reason) {
    case 'cloud_failed':
      return cloudFailed(problem.failure);
    case 'unknown': {
      const near = problem.near
        ? `Did you mean *${escapeMrkdwn(problem.near.name)}* (\`${problem.near.id}\`)?`
        : undefined;
      return problem.what === 'disk'
        ? unknown(
            'disk',
            problem.name,
            problem.regionId,
            near ?? '`/disk list` shows the multi-attach disks.',
          )
        : unknown(
            'instance',
            problem.name,
            problem.regionId,
            near ?? 'Instance names are exact and case-sensitive.',
          );
    }
    case 'ambiguous':
      return problem.what === 'disk'
        ? candidates('disk', problem.name, problem.regionId, problem.candidates, diskLine)
        : candidates('instance', problem.name, problem.regionId, problem.candidates, instanceLine);
  }
}

/** The subcommands that name a disk, and every request kind whose module resolves names. */
const RESOLVED_KINDS: readonly CommandKind[] = [
  'status',
  'watch',
  'unwatch',
  ...REQUEST_KINDS.filter((kind) => domainOf(kind).names !== undefined),
];

/** Wraps the handlers that take disks or instances so they only ever see ids. */
export function withNameResolution(handlers: CommandHandlers, resolver: NameResolver): CommandHandlers {
  const wrapped: { -readonly [K in CommandKind]?: CommandHandler<K> } = { ...handlers };
  for (const kind of RESOLVED_KINDS) {
    const inner = handlers[kind] as CommandHandler<typeof kind> | undefined;
    if (!inner) continue;
    const handler: CommandHandler<typeof kind> = async (command, context) => {
      const resolved = await resolver.resolve(command);
      if (!resolved.ok) return nameProblemReply(resolved.problem);
      return inner(resolved.value as typeof command, context);
    };
    (wrapped as Record<string, unknown>)[kind] = handler;
  }
  return wrapped;
}
