import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type EcsModule from '@alicloud/ecs20140526';
import { EcsSdkGateway } from '../../src/cloud/ecs-sdk-gateway.js';
import type { EcsGateway } from '../../src/cloud/gateway.js';
import {
  type FaultConfig,
  type LatencyKind,
  type LatencySpec,
  parseRamPolicy,
  type RamPolicy,
  type RunningEmulator,
  SEED,
  startEmulator,
} from '../../src/emulator/index.js';
import { CREATED_BLANK_TAG } from '../../src/workflow/request-builder.js';

/** One emulator for a test file, plus the admin calls the execution tests make. */
export interface EmulatorHarness {
  readonly emu: RunningEmulator;
  gateway(options?: { timeoutMs?: number }): EcsSdkGateway;
  calls(action?: string): Promise<CallEntry[]>;
  clearCalls(): Promise<void>;
  setFaults(faults: FaultConfig): Promise<void>;
  setLatency(latency: Record<string, LatencySpec>): Promise<void>;
  reset(seed?: 'default' | 'empty'): Promise<void>;
  state(): Promise<EmulatorState>;
  admin(path: string, body?: unknown): Promise<unknown>;
  /** StopInstance over the signed API: the instance is `Stopping` for the emulator's stop latency. */
  stopInstance(instanceId: string): Promise<void>;
  close(): Promise<void>;
}

export interface CallEntry {
  seq: number;
  /** ISO time on the emulator clock. */
  time: string;
  action: string;
  code: string;
  status: number;
  params: Record<string, string>;
}

export interface EmulatorState {
  disks: {
    diskId: string;
    name: string;
    status: string;
    multiAttach: string;
    attachments: { instanceId: string; device: string }[];
  }[];
  instances: { instanceId: string; status: string }[];
}

const Ecs = createRequire(import.meta.url)('@alicloud/ecs20140526') as typeof EcsModule;

export const FAST_LATENCY: Record<string, LatencySpec> = {
  create: { baseMs: 100, jitterMs: 50 },
  attach: { baseMs: 200, jitterMs: 100 },
  detach: { baseMs: 200, jitterMs: 100 },
};

/**
 * Every slow operation in tens of milliseconds, for tests that are not about its duration: still
 * asynchronous (a request waits for each change to show, as against ECS), in a fraction of the
 * defaults' 200–500 ms. Pair it with EMULATOR_ASSISTANT_POLLING (QUICK_RUN on the execution harness).
 */
export const QUICK_LATENCY: Record<LatencyKind, LatencySpec> = {
  create: { baseMs: 50, jitterMs: 25 },
  attach: { baseMs: 100, jitterMs: 50 },
  detach: { baseMs: 100, jitterMs: 50 },
  delete: { baseMs: 0, jitterMs: 0 },
  resize: { baseMs: 50, jitterMs: 25 },
  snapshot: { baseMs: 100, jitterMs: 50 },
  start: { baseMs: 100, jitterMs: 50 },
  stop: { baseMs: 100, jitterMs: 50 },
  command: { baseMs: 30, jitterMs: 15 },
};

/**
 * Cloud Assistant polling for the emulator, whose scripts take tens of milliseconds where a real
 * guest takes hundreds: the first look once a short script is done, then every 20–250 ms
 * (production: 300 ms, then 100 ms–2 s), so a test does not wait out polls sized for real guests.
 */
export const EMULATOR_ASSISTANT_POLLING = { firstPollMs: 40, pollMinMs: 20, pollMaxMs: 250 } as const;

export function sdkGateway(endpoint: string, timeoutMs?: number): EcsSdkGateway {
  return new EcsSdkGateway({
    regionId: 'cn-hangzhou',
    endpoint,
    protocol: 'http',
    accessKeyId: 'sandbox',
    accessKeySecret: 'sandbox-secret',
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

/** The bot's RAM policy as shipped: every harness enforces it on the bot's key (`sandbox`). */
export const SHIPPED_RAM_POLICY: RamPolicy = parseRamPolicy(
  readFileSync('manifests/ram-policy.json', 'utf8'),
);

/** What the harness does outside the bot's rights (an operator stopping an instance) uses this key. */
const OPERATOR = { accessKeyId: 'operator', accessKeySecret: 'operator-secret' } as const;

export async function startHarness(
  options: {
    latency?: Record<string, LatencySpec>;
    faults?: FaultConfig;
    /** The bot key's policy; `null` lets it do anything (default: manifests/ram-policy.json). */
    ramPolicy?: RamPolicy | null;
  } = {},
): Promise<EmulatorHarness> {
  const policy = options.ramPolicy === undefined ? SHIPPED_RAM_POLICY : options.ramPolicy;
  const emu = await startEmulator({
    port: 0,
    latency: options.latency ?? FAST_LATENCY,
    faults: options.faults ?? {},
    accessKeys: { sandbox: 'sandbox-secret', [OPERATOR.accessKeyId]: OPERATOR.accessKeySecret },
    ...(policy ? { ramPolicies: { sandbox: policy } } : {}),
  });
  const admin = async (path: string, body?: unknown, method?: string): Promise<unknown> => {
    const response = await fetch(`${emu.url}/_emulator/${path}`, {
      method: method ?? (body === undefined ? 'GET' : 'POST'),
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    if (!response.ok) throw new Error(`emulator admin ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    emu,
    gateway: (o = {}) => sdkGateway(emu.endpoint, o.timeoutMs),
    calls: async (action) => {
      const { calls } = (await admin(`calls${action ? `?action=${action}` : ''}`)) as { calls: CallEntry[] };
      if (!calls.some((c) => c.action === 'InvokeCommand')) return calls;
      // An invocation names its registered command; give the helpers the script it ran.
      const { commands } = (await admin('commands')) as {
        commands: { commandId: string; content: string }[];
      };
      const scripts = new Map(commands.map((c) => [c.commandId, Buffer.from(c.content).toString('base64')]));
      return calls.map((c) =>
        c.action === 'InvokeCommand'
          ? {
              ...c,
              params: {
                ...c.params,
                CommandContent: scripts.get(c.params.CommandId ?? '') ?? '',
                ContentEncoding: 'Base64',
              },
            }
          : c,
      );
    },
    clearCalls: async () => {
      await admin('calls', undefined, 'DELETE');
    },
    setFaults: async (faults) => {
      await admin('faults', faults);
    },
    setLatency: async (latency) => {
      await admin('latency', latency);
    },
    reset: async (seed = 'default') => {
      await admin('reset', { seed });
    },
    state: async () => (await admin('state')) as EmulatorState,
    admin: (path, body) => admin(path, body),
    stopInstance: async (instanceId) => {
      const client = new Ecs.default({
        endpoint: emu.endpoint,
        protocol: 'http',
        ...OPERATOR,
      } as ConstructorParameters<typeof Ecs.default>[0]);
      await client.stopInstance(new Ecs.StopInstanceRequest({ instanceId }));
    },
    close: () => emu.close(),
  };
}

/** Successful calls of one mutation per (disk, instance): every value must be ≤ 1 for exactly-once. */
export function successfulMutations(calls: readonly CallEntry[], action: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls) {
    if (c.action !== action || c.code !== 'OK') continue;
    const key = `${c.params.DiskId}/${c.params.InstanceId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * A fresh multi-attach ESSD (PL1, 20 GiB) in the seed's multi-attach zone, returned once the
 * emulator reports it `Available`. The name doubles as the ClientToken, so names must be unique
 * per emulator. `createdBlank` tags it as the bot's CreateDisk does, so the file-system guard knows
 * it is blank (no two-phase attach); without it the disk's content is unknown to the bot.
 */
export async function createAvailableDisk(
  gateway: EcsGateway,
  name: string,
  options: { createdBlank?: boolean } = {},
): Promise<string> {
  const { value } = await gateway.createDisk({
    ...(options.createdBlank ? { tags: [CREATED_BLANK_TAG] } : {}),
    regionId: SEED.regionId,
    zoneId: SEED.zones.multiAttachI,
    diskName: name,
    category: 'cloud_essd',
    performanceLevel: 'PL1',
    sizeGiB: 20,
    clientToken: name,
  });
  for (;;) {
    const [disk] = await gateway.describeDisks({ regionId: SEED.regionId, diskIds: [value.diskId] });
    if (disk?.status === 'Available') return value.diskId;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
