/**
 * The bot's scripts as registered Cloud Assistant commands: each script is created once per
 * version (`CreateCommand`, `EnableParameter=true`) under a name from its marker
 * (`shared-disk-bot-inspect-v1`) and run with `InvokeCommand` and Parameters, so the bot's RAM
 * policy can grant `InvokeCommand` and no `RunCommand` (README, Security). A script without a
 * marker (an operator's takeover hook) is named by the hash of its text.
 */
import { createHash } from 'node:crypto';
import { SCRIPTS, type ScriptName } from './scripts/contract.js';

export const COMMAND_PREFIX = 'shared-disk-bot-';

/** The tag of what the bot may touch: instances opted in by their owners, disks it created. */
export const MANAGED_TAG = { key: 'shared-disk-bot:managed', value: 'true' } as const;

export interface RegisteredCommand {
  readonly commandId: string;
  readonly name: string;
  /** The script text (decoded). */
  readonly script: string;
  readonly invokeTimes: number;
}

/** The Cloud Assistant calls the registry needs; the SDK gateway implements them. */
export interface CommandApi {
  describeCommands(query: { regionId: string; name?: string }): Promise<RegisteredCommand[]>;
  createCommand(input: {
    regionId: string;
    name: string;
    script: string;
    timeoutSec: number;
    description: string;
  }): Promise<string>;
  deleteCommand(query: { regionId: string; commandId: string }): Promise<void>;
}

const MARKER = /^# shared-disk-bot:([a-z0-9-]+):(\d+)$/m;

/** `shared-disk-bot-<name>-v<version>`, or `shared-disk-bot-custom-<sha256 prefix>` for other text. */
export function commandNameFor(script: string): string {
  const marker = MARKER.exec(script);
  if (marker) return `${COMMAND_PREFIX}${marker[1]}-v${marker[2]}`;
  return `${COMMAND_PREFIX}custom-${createHash('sha256').update(script).digest('hex').slice(0, 16)}`;
}

/** The names of the versions this build runs; any other `shared-disk-bot-*` command is stale. */
export function currentCommandNames(): Set<string> {
  return new Set(
    (Object.keys(SCRIPTS) as ScriptName[]).map((n) => `${COMMAND_PREFIX}${n}-v${SCRIPTS[n].version}`),
  );
}

/**
 * Finds or creates the command of a script, once per process and script text (concurrent callers
 * share one lookup). Two replicas starting together may each create one; both work, and the
 * duplicate is listed as stale by `staleCommands` only once the version changes.
 */
export class CommandRegistry {
  private readonly known = new Map<string, Promise<string>>();

  constructor(private readonly api: CommandApi) {}

  ensure(regionId: string, script: string, timeoutSec: number): Promise<string> {
    const name = commandNameFor(script);
    const key = `${regionId}\n${name}\n${createHash('sha256').update(script).digest('hex')}`;
    let pending = this.known.get(key);
    if (!pending) {
      pending = this.findOrCreate(regionId, name, script, timeoutSec);
      this.known.set(key, pending);
      // A failed lookup is not remembered: the next run asks again.
      pending.catch(() => this.known.delete(key));
    }
    return pending;
  }

  /** After `InvalidCommandId.NotFound` (someone deleted it): the next `ensure` looks again. */
  forget(regionId: string, script: string): void {
    const prefix = `${regionId}\n${commandNameFor(script)}\n`;
    for (const key of this.known.keys()) if (key.startsWith(prefix)) this.known.delete(key);
  }

  private async findOrCreate(regionId: string, name: string, script: string, timeoutSec: number) {
    const existing = (await this.api.describeCommands({ regionId, name })).find((c) => c.script === script);
    if (existing) return existing.commandId;
    return this.api.createCommand({
      regionId,
      name,
      script,
      timeoutSec,
      description: 'shared-disk-bot script (created by the bot; see its README, Security)',
    });
  }
}

/** The bot's commands that no current version uses (older versions, replaced hooks). */
export async function staleCommands(api: CommandApi, regionId: string): Promise<RegisteredCommand[]> {
  const current = currentCommandNames();
  const all = await api.describeCommands({ regionId });
  return all.filter(
    (c) =>
      c.name.startsWith(COMMAND_PREFIX) &&
      !current.has(c.name) &&
      !c.name.startsWith(`${COMMAND_PREFIX}custom-`),
  );
}
