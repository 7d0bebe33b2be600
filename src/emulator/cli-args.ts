/** Flags of `npm run emulator`, parsed into EmulatorOptions; pure so the parsing is unit-tested. */
import { parseArgs } from 'node:util';
import type { FaultRule } from './faults.js';
import type { EmulatorOptions } from './server.js';
import type { EmulatorAccount } from './sts.js';
import { LATENCY_KINDS, type LatencyKind, type LatencySpec } from './world.js';

export const USAGE = `usage: emulator [--port N] [--host H] [--seed default|empty|large]
                [--access-key-id ID --access-key-secret SECRET]
                [--accounts ID[:EXTERNAL_ID],ID[:EXTERNAL_ID]...]
                [--latency-ms N] [--jitter-ms N] [--throttle-rate R] [--error-rate R]`;

export class UsageError extends Error {}

function number(name: string, raw: string | undefined, range: { min: number; max: number; int: boolean }) {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (
    raw.trim() === '' ||
    Number.isNaN(n) ||
    n < range.min ||
    n > range.max ||
    (range.int && !Number.isInteger(n))
  ) {
    throw new UsageError(
      `--${name} must be ${range.int ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`,
    );
  }
  return n;
}

const ACCOUNT = /^(\d{16})(?::([\w+=,.@:/-]{2,1224}))?$/;

/** `1111111111111111,2222222222222222:ext-id`: 16-digit account ids, each with an optional external id. */
function parseAccounts(raw: string): EmulatorAccount[] {
  const accounts = raw.split(',').map((entry) => {
    const m = ACCOUNT.exec(entry.trim());
    if (!m?.[1]) {
      throw new UsageError(`--accounts: "${entry}" is not a 16-digit account id (optionally :external-id)`);
    }
    return m[2] === undefined ? { accountId: m[1] } : { accountId: m[1], externalId: m[2] };
  });
  const ids = accounts.map((a) => a.accountId);
  if (new Set(ids).size !== ids.length) throw new UsageError('--accounts: an account id is repeated');
  return accounts;
}

/** @throws UsageError for any flag the emulator cannot honour. */
export function parseCli(argv: string[]): EmulatorOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'access-key-id': { type: 'string' },
        'access-key-secret': { type: 'string' },
        accounts: { type: 'string' },
        'latency-ms': { type: 'string' },
        'jitter-ms': { type: 'string' },
        'throttle-rate': { type: 'string' },
        'error-rate': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const options: EmulatorOptions = {};
  const port = number('port', values.port, { min: 0, max: 65535, int: true });
  if (port !== undefined) options.port = port;
  if (values.host !== undefined) options.host = values.host;
  if (values.seed !== undefined) {
    if (values.seed !== 'default' && values.seed !== 'empty' && values.seed !== 'large')
      throw new UsageError('--seed must be default, empty or large');
    options.seed = values.seed;
  }
  const id = values['access-key-id'];
  const secret = values['access-key-secret'];
  if ((id === undefined) !== (secret === undefined)) {
    throw new UsageError('--access-key-id and --access-key-secret go together');
  }
  if (id !== undefined && secret !== undefined) options.accessKeys = { [id]: secret };
  if (values.accounts !== undefined) options.accounts = parseAccounts(values.accounts);
  const baseMs = number('latency-ms', values['latency-ms'], { min: 0, max: 600_000, int: true });
  const jitterMs = number('jitter-ms', values['jitter-ms'], { min: 0, max: 600_000, int: true });
  if (baseMs !== undefined || jitterMs !== undefined) {
    const spec: LatencySpec = { baseMs: baseMs ?? 200, jitterMs: jitterMs ?? 0 };
    options.latency = Object.fromEntries(LATENCY_KINDS.map((k) => [k, spec])) as Record<
      LatencyKind,
      LatencySpec
    >;
  }
  const rule: FaultRule = {};
  const throttleRate = number('throttle-rate', values['throttle-rate'], { min: 0, max: 1, int: false });
  const errorRate = number('error-rate', values['error-rate'], { min: 0, max: 1, int: false });
  if (throttleRate !== undefined) rule.throttleRate = throttleRate;
  if (errorRate !== undefined) rule.internalErrorRate = errorRate;
  if (Object.keys(rule).length > 0) options.faults = { '*': rule };
  return options;
}
