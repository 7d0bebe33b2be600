/**
 * Registered Cloud Assistant commands: CreateCommand, DescribeCommands, DeleteCommand and
 * InvokeCommand. A command is stored once and invoked by id with Parameters; custom parameters
 * `{{name}}` and built-in ones (`{{ACS::InstanceId}}`, `{{ACS::InstanceName}}`, `{{ACS::RegionId}}`,
 * `{{ACS::InvokeId}}`, `{{ACS::CommandId}}`) are put into the script per instance before it runs.
 * Commands with the same name are versions of one another (`Version`, `Latest`), as in ECS.
 */
import { BUILTINS, checkCommand, referencedNames, valuesFor } from '../command-params.js';
import { EcsError, invalid, missing } from '../errors.js';
import { EMULATOR_ACCOUNT_ID } from '../ram-resources.js';
import { type Invocation, iso, type World } from '../world.js';
import { pendingTargets, scheduleTarget } from './assistant.js';
import { type ActionHandler, findOr404, idempotent, paginate, requireRegion } from './common.js';

export interface RegisteredCommand {
  commandId: string;
  name: string;
  description: string;
  /** The script in plain text. */
  content: string;
  enableParameter: boolean;
  parameterNames: string[];
  timeoutSec: number;
  workingDir: string;
  creationTime: number;
  invokeTimes: number;
}

/** Per world, so an admin reset forgets them with everything else. */
const registries = new WeakMap<World, Map<string, RegisteredCommand>>();

export function commandsOf(world: World): Map<string, RegisteredCommand> {
  let registry = registries.get(world);
  if (!registry) {
    registry = new Map();
    registries.set(world, registry);
  }
  return registry;
}

/** Custom parameter names of a script (built-ins such as `{{ACS::InstanceId}}` excluded). */
function parameterNames(content: string): string[] {
  return referencedNames(content).filter((n) => !BUILTINS.has(n.toLowerCase()));
}

function findCommand(world: World, id: string): RegisteredCommand {
  const command = commandsOf(world).get(id);
  if (!command) throw new EcsError('InvalidCommandId.NotFound');
  return command;
}

const createCommand: ActionHandler = (ctx) => {
  requireRegion(ctx);
  const { params: p, world } = ctx;
  const name = p.required('Name');
  if (name.length > 128) throw invalid('Name', 'at most 128 characters');
  if (p.required('Type') !== 'RunShellScript')
    throw invalid('Type', 'the emulator supports RunShellScript only');
  const encoding = p.oneOf('ContentEncoding', ['PlainText', 'Base64'] as const, 'Base64');
  const raw = p.required('CommandContent');
  const content = encoding === 'Base64' ? Buffer.from(raw, 'base64').toString() : raw;
  if (Buffer.byteLength(content) > 18 * 1024) throw invalid('CommandContent', 'at most 18 KB');
  const enableParameter = p.bool('EnableParameter') ?? false;
  const names = enableParameter ? parameterNames(content) : [];
  if (names.length > 20) throw invalid('CommandContent', 'at most 20 custom parameters');
  const command: RegisteredCommand = {
    commandId: world.nextId('c-hz'),
    name,
    description: p.str('Description') ?? '',
    content,
    enableParameter,
    parameterNames: names,
    timeoutSec: p.int('Timeout', { min: 1, max: 86_400 }) ?? 60,
    workingDir: p.str('WorkingDir') ?? '',
    creationTime: world.now(),
    invokeTimes: 0,
  };
  commandsOf(world).set(command.commandId, command);
  return { CommandId: command.commandId };
};

const describeCommands: ActionHandler = (ctx) => {
  requireRegion(ctx);
  const { params: p, world } = ctx;
  const id = p.str('CommandId');
  const name = p.str('Name');
  const all = [...commandsOf(world).values()];
  const rows = all
    .filter((c) => (id === undefined || c.commandId === id) && (name === undefined || c.name === name))
    .map((c) => {
      const versions = all.filter((x) => x.name === c.name);
      return {
        CommandId: c.commandId,
        Name: c.name,
        Description: c.description,
        Type: 'RunShellScript',
        CommandContent: Buffer.from(c.content).toString('base64'),
        WorkingDir: c.workingDir,
        Timeout: c.timeoutSec,
        CreationTime: iso(c.creationTime),
        EnableParameter: c.enableParameter,
        ParameterNames: { ParameterName: c.parameterNames },
        InvokeTimes: c.invokeTimes,
        Version: versions.indexOf(c) + 1,
        Latest: versions.at(-1) === c,
        Provider: '',
        Category: '',
        Launcher: '',
        Tags: { Tag: [] },
      };
    });
  const page = paginate(rows, p, { defaultSize: 10, maxPageSize: 50, maxResults: 50 });
  return { ...page.meta, Commands: { Command: page.items } };
};

const deleteCommand: ActionHandler = (ctx) => {
  requireRegion(ctx);
  const id = ctx.params.required('CommandId');
  findCommand(ctx.world, id);
  commandsOf(ctx.world).delete(id);
  return {};
};

const invokeCommand: ActionHandler = (ctx) => {
  requireRegion(ctx);
  return idempotent(ctx, 'InvokeCommand', () => {
    const { params: p, world } = ctx;
    const command = findCommand(world, p.required('CommandId'));
    const ids = p.list('InstanceId');
    if (ids.length === 0) throw missing('InstanceId.1');
    if (ids.length > 100) throw invalid('InstanceId', 'at most 100 instances');
    for (const id of ids) findOr404(world.instances, id, 'InvalidInstanceId.NotFound');
    const given = Object.fromEntries(
      Object.entries(p.jsonMap('Parameters') ?? {}).map(([k, v]) => [k, String(v)]),
    );
    if (!command.enableParameter && Object.keys(given).length > 0) {
      throw invalid('Parameters', 'the command was created without EnableParameter');
    }
    // Emulator choice of code: ECS refuses an invocation that leaves a custom parameter unset.
    const unset = command.parameterNames.filter((n) => given[n] === undefined);
    if (unset.length > 0)
      throw invalid('Parameters', `no value for ${unset.map((n) => `"${n}"`).join(', ')}`);
    checkCommand({
      content: command.content,
      enableParameter: command.enableParameter,
      parameters: given,
      instanceCount: ids.length,
    });
    const now = world.now();
    const inv: Invocation = {
      invokeId: world.nextId('t-hz'),
      commandId: command.commandId,
      name: command.name,
      commandContent: Buffer.from(command.content).toString('base64'),
      parameters: command.enableParameter ? given : null,
      timeoutSec: p.int('Timeout', { min: 1, max: 86_400 }) ?? command.timeoutSec,
      creationTime: now,
      targets: pendingTargets(ids, now),
    };
    command.invokeTimes += 1;
    world.invocations.set(inv.invokeId, inv);
    for (const t of inv.targets) {
      const values = valuesFor(command.content, inv.parameters, {
        regionId: world.regionId,
        accountId: EMULATOR_ACCOUNT_ID,
        instanceId: t.instanceId,
        instanceName: world.instances.get(t.instanceId)?.instanceName ?? '',
        invokeId: inv.invokeId,
        commandId: command.commandId,
      });
      scheduleTarget(world, inv, t, command.content, values);
    }
    return { InvokeId: inv.invokeId };
  });
};

export const commandActions: Record<string, ActionHandler> = {
  CreateCommand: createCommand,
  DescribeCommands: describeCommands,
  DeleteCommand: deleteCommand,
  InvokeCommand: invokeCommand,
};
