/**
 * `npm run commands -- list|prune`: the bot's registered Cloud Assistant commands in the configured
 * region. `list` shows each with `current` or `stale` (a version this build no longer runs);
 * `prune` deletes the stale ones. Uses the bot's own configuration (README, Configuration).
 */
import { loadConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { COMMAND_PREFIX, currentCommandNames, staleCommands } from './command-registry.js';
import { EcsSdkGateway } from './ecs-sdk-gateway.js';
import { describeFailure } from './explain.js';

async function main(verb: string | undefined): Promise<number> {
  if (verb !== 'list' && verb !== 'prune') {
    process.stderr.write('usage: npm run commands -- list|prune\n');
    return 2;
  }
  const result = loadConfig();
  if (result.kind !== 'production') {
    process.stderr.write(`shared-disk-bot commands: no cloud configuration (${result.reason})\n`);
    return 2;
  }
  const { cloud } = result.config;
  const gateway = new EcsSdkGateway({
    regionId: cloud.regionId,
    protocol: cloud.protocol,
    ...(cloud.endpoint ? { endpoint: cloud.endpoint } : {}),
    ...(cloud.credentials.accessKeyId ? { accessKeyId: cloud.credentials.accessKeyId } : {}),
    ...(cloud.credentials.accessKeySecret ? { accessKeySecret: cloud.credentials.accessKeySecret } : {}),
    ...(cloud.credentials.securityToken ? { securityToken: cloud.credentials.securityToken } : {}),
  });
  const stale = await staleCommands(gateway, cloud.regionId);
  if (verb === 'list') {
    const current = currentCommandNames();
    const mine = (await gateway.describeCommands({ regionId: cloud.regionId })).filter((c) =>
      c.name.startsWith(COMMAND_PREFIX),
    );
    for (const c of mine) {
      const state = current.has(c.name)
        ? 'current'
        : stale.some((s) => s.commandId === c.commandId)
          ? 'stale'
          : 'hook';
      process.stdout.write(`${c.commandId}\t${c.name}\t${state}\tinvoked ${c.invokeTimes}×\n`);
    }
    return 0;
  }
  for (const c of stale) {
    await gateway.deleteCommand({ regionId: cloud.regionId, commandId: c.commandId });
    process.stdout.write(`deleted ${c.commandId}\t${c.name}\n`);
  }
  process.stdout.write(`${stale.length} stale command(s) deleted\n`);
  return 0;
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof ConfigError
        ? error.message
        : `${describeFailure(error).code}: ${describeFailure(error).message}`;
    process.stderr.write(`shared-disk-bot commands: ${message}\n`);
    process.exit(1);
  },
);
