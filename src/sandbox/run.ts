/**
 * `npm start` with nothing configured: start the sandbox, print the console URL and a short tour,
 * and stop everything on SIGINT/SIGTERM. Only the few variables that make sense without accounts
 * are read (./env.ts): REDIS_URL, PORT (the console), LOG_LEVEL and SANDBOX_PACE.
 */
import { join } from 'node:path';
import { SEED } from '../emulator/index.js';
import { STOP_DEADLINE_MS, stopOnSignals, stopWithParent } from '../shutdown.js';
import type { SandboxEnv } from './env.js';
import { RedisUnavailableError, type RunningSandbox, startSandbox } from './index.js';
import { USERS } from './people.js';

const DEFAULT_CONSOLE_PORT = 3000;

function tour(sandbox: RunningSandbox, seconds: string): string {
  const [one, two, three, four] = SEED.instances.nvmeI.map((i) => i.name);
  const redis = `${sandbox.redis.url}${sandbox.redis.private ? ' (private redis-server, .data/redis)' : ''}`;
  return `
shared-disk-bot sandbox ready in ${seconds} s → open ${sandbox.consoleUrl}

Tour (pick who you are at the top of the page; type in #storage-ops):
  1. As ${USERS.engineer.name}: /disk create shared-db --size 100 --zone cn-hangzhou-i
  2. As ${USERS.approver.name}: Approve the card; the thread shows progress and the new d-… id
  3. As ${USERS.engineer.name}: /disk attach shared-db ${one} ${two} ${three}   (names or ids; approve as ${USERS.approver.name})
     or /disk attach shared-db to pick instances in a form
  4. As ${USERS.engineer.name}: /disk init shared-db --fs ocfs2 --mount /shared   (approve as ${USERS.approver.name} and ${USERS.approver2.name}):
     formatted once, mounted on every instance; /disk status shared-db shows ocfs2 rw at /shared on each
  5. /disk status shared-db; Cloud admin: inject throttling, crash an instance, format & mount a file system
  6. As ${USERS.oncall.name}: /disk failover shared-db --from ${one} --to ${four} --emergency "drill"
  7. Cloud admin: crash the primary; the watch alerts "Primary down" with a Fail over button, and
     once resolved the alert is edited to name the request that resolved it (its buttons gone)
  8. Cloud admin: Recover the crashed instance (it comes back fenced out of the reservation: it cannot write)
  9. As ${USERS.engineer.name}: /disk snapshot shared-db --reason "before the cleanup"   (approve as ${USERS.approver.name}):
     the result names the s-… id; /disk status shared-db lists the disk's latest snapshots
 10. As ${USERS.engineer.name}: /disk delete shared-db   → refused while attached, naming the /disk detach to run;
     run that detach with --force (OCFS2 is unmounted first; approve as ${USERS.approver.name} and ${USERS.approver2.name}), then
     /disk delete shared-db again (approve as ${USERS.approver.name} and ${USERS.approver2.name}): the final snapshot first, then
     the disk is gone; the result names the snapshot to restore from
Bot log: ${sandbox.logFile} · Redis: ${redis}
Ctrl-C (or SIGTERM to pid ${process.pid}) stops everything.
`;
}

/** Starts the sandbox with settings `parseSandboxEnv` accepted. */
export async function runSandbox(settings: SandboxEnv): Promise<void> {
  process.stdout.write(
    'No Slack token and no Alibaba Cloud credentials: starting the local sandbox (README → Sandbox)…\n',
  );
  const starting = startSandbox({
    ...(settings.REDIS_URL ? { redisUrl: settings.REDIS_URL } : {}),
    consolePort: settings.PORT ?? DEFAULT_CONSOLE_PORT,
    anyPortIfTaken: settings.PORT === undefined,
    dataDir: join(process.cwd(), '.data'),
    logLevel: settings.LOG_LEVEL,
    pace: settings.SANDBOX_PACE,
  });
  // Installed before the start finishes: a signal during the start stops what has started so far.
  let stopping = false;
  const trigger = stopOnSignals(async () => (await starting.catch(() => undefined))?.stop(), {
    deadlineMs: STOP_DEADLINE_MS,
    onStopping: (reason) => {
      stopping = true;
      process.stdout.write(`\n${reason}: stopping the sandbox…\n`);
    },
    onProblem: (message, error) =>
      process.stderr.write(`sandbox did not stop cleanly: ${message}${error ? ` (${String(error)})` : ''}\n`),
  });
  stopWithParent(trigger);
  let sandbox: RunningSandbox;
  try {
    sandbox = await starting;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof RedisUnavailableError ? '' : '\n  Details may be in .data/sandbox.log.';
    process.stderr.write(`shared-disk-bot sandbox could not start: ${message}${hint}\n`);
    process.exit(1);
  }
  // Since the process started, so the number includes loading the code, as a newcomer waits for it.
  if (!stopping) process.stdout.write(tour(sandbox, process.uptime().toFixed(1)));
}
