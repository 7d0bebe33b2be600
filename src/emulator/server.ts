/**
 * The HTTP front of the emulator: `POST /?<params>` speaks the ECS OpenAPI wire protocol
 * (docs/ecs-wire-protocol.md), `/_emulator/*` is the loopback-only admin API.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { assistantActions } from './actions/assistant.js';
import { catalogActions } from './actions/catalog.js';
import { commandActions } from './actions/commands.js';
import type { ActionHandler } from './actions/common.js';
import { describeDiskActions } from './actions/describe-disks.js';
import { diskActions } from './actions/disks.js';
import { instanceActions } from './actions/instances.js';
import { snapshotActions } from './actions/snapshots.js';
import { type AdminTarget, handleAdmin } from './admin.js';
import { type AccountsTarget, handleAccountsAdmin, inAccount } from './admin-accounts.js';
import { handleRamAdmin, type RamTarget } from './admin-ram.js';
import { CallLog } from './calllog.js';
import { EcsError, missing } from './errors.js';
import { drawFault, type FaultConfig, faultConfigSchema, QuotaWindows } from './faults.js';
import { Params, parseQuery, type RawParams } from './params.js';
import { authorize, type RamPolicy } from './ram.js';
import { authRequestFor, EMULATOR_ACCOUNT_ID } from './ram-resources.js';
import { applySeed, type SeedName } from './seed.js';
import { NonceCache, verifySignature } from './signature.js';
import { type EmulatorAccount, type Principal, STS_API_VERSION, StsIssuer } from './sts.js';
import {
  DEFAULT_LATENCY,
  type LatencyConfig,
  type LatencyKind,
  type LatencySpec,
  type RegionBehaviour,
  World,
} from './world.js';

export const API_VERSION = '2014-05-26';

export interface EmulatorOptions {
  /** 0 (default) picks any free port. */
  port?: number;
  host?: string;
  seed?: SeedName;
  /** id → secret; default `{ sandbox: 'sandbox-secret' }`. They belong to the first account. */
  accessKeys?: Record<string, string>;
  /**
   * One seeded world per account, reached through STS AssumeRole on its roles; omitted, one
   * account (`EMULATOR_ACCOUNT_ID`) whose roles trust anyone.
   */
  accounts?: readonly EmulatorAccount[];
  /** id → RAM policy document: calls outside it are Forbidden.RAM. A key without one may do anything. */
  ramPolicies?: Record<string, RamPolicy>;
  latency?: Partial<Record<LatencyKind, LatencySpec>>;
  faults?: FaultConfig;
  /** Clock for state transitions and the call log (signature dates are always checked on wall time). */
  now?: () => number;
  /** In [0, 1): jitter and fault draws. */
  random?: () => number;
  /** False plays a region on the 2021 API: a multi-attach disk resizes offline only. Default true. */
  onlineMultiAttachResize?: boolean;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, what the SDK's `Config.endpoint` wants. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

const ACTIONS = new Map<string, ActionHandler>(
  Object.entries({
    ...diskActions,
    ...describeDiskActions,
    ...instanceActions,
    ...catalogActions,
    ...assistantActions,
    ...commandActions,
    ...snapshotActions,
  }),
);

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (/^(::ffff:)?127\./.test(address) || address === '::1');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

class Emulator implements AdminTarget, RamTarget, AccountsTarget {
  readonly calls = new CallLog();
  readonly ramPolicies: Record<string, RamPolicy>;
  readonly faults: FaultConfig;
  readonly latency: LatencyConfig;
  /** Shared with every world, so a reset keeps it (configuration, like faults and latencies). */
  readonly behaviour: RegionBehaviour;
  private readonly baseLatency: LatencyConfig;
  private readonly nonces = new NonceCache();
  private readonly quotas = new QuotaWindows();
  private readonly accessKeys: Record<string, string>;
  private readonly now: () => number;
  private readonly random: () => number;
  readonly accountIds: readonly string[];
  private readonly sts: StsIssuer;
  private worlds = new Map<string, World>();
  hostId = '127.0.0.1';

  constructor(options: EmulatorOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.accessKeys = options.accessKeys ?? { sandbox: 'sandbox-secret' };
    this.ramPolicies = { ...options.ramPolicies };
    this.baseLatency = { ...DEFAULT_LATENCY, ...options.latency };
    this.latency = { ...this.baseLatency };
    this.faults = faultConfigSchema.parse(options.faults ?? {});
    this.behaviour = { onlineMultiAttachResize: options.onlineMultiAttachResize ?? true };
    const accounts = options.accounts?.length ? options.accounts : [{ accountId: EMULATOR_ACCOUNT_ID }];
    this.accountIds = accounts.map((a) => a.accountId);
    this.sts = new StsIssuer(accounts, this.now);
    this.seedWorlds(options.seed ?? 'default');
  }

  /** Every account gets the same seed; ids of resources created later differ between accounts. */
  private seedWorlds(seed: SeedName): void {
    this.worlds = new Map(
      this.accountIds.map((accountId, i) => {
        const timing = { now: this.now, random: this.random, latency: this.latency };
        const world = new World(timing, this.behaviour, i === 0 ? '' : accountId);
        applySeed(world, seed);
        return [accountId, world];
      }),
    );
  }

  /** The first account's world: the one the static keys and the admin API act on by default. */
  world(): World {
    return this.worldOf(this.accountIds[0] ?? EMULATOR_ACCOUNT_ID);
  }

  worldOf(accountId: string): World {
    const world = this.worlds.get(accountId);
    if (!world) throw new Error(`no emulated account ${accountId}`);
    return world;
  }

  expireStsSessions(): number {
    return this.sts.expireAll();
  }

  /** Fresh worlds and call log; faults, latencies and issued STS tokens are configuration and stay. */
  reset(seed: SeedName): void {
    this.seedWorlds(seed);
    this.calls.clear();
  }

  /** Latencies not named go back to their startup values. */
  setLatency(overrides: Partial<Record<LatencyKind, LatencySpec>>): void {
    Object.assign(this.latency, this.baseLatency, overrides);
  }

  /** RAM, checked after authentication and before anything happens, as ECS does. */
  private authorize(accessKeyId: string, action: string, params: Params, world: World): void {
    const policy = this.ramPolicies[accessKeyId];
    if (!policy) return;
    world.settle();
    const decision = authorize(policy, authRequestFor(action, params, world));
    if (decision.allowed) return;
    throw new EcsError('Forbidden.RAM', undefined, {
      body: {
        AccessDeniedDetail: {
          AuthAction: `ecs:${action}`,
          AuthPrincipalType: 'SubUser',
          AuthPrincipalOwnerId: EMULATOR_ACCOUNT_ID,
          AuthPrincipalDisplayName: accessKeyId,
          PolicyType: 'AccountLevelIdentityBasedPolicy',
          NoPermissionType: decision.explicit ? 'ExplicitDeny' : 'ImplicitDeny',
          // Real ECS encodes this; the emulator says it plainly so tests and operators can read it.
          EncodedDiagnosticMessage: Buffer.from(`resource ${decision.resource}`).toString('base64'),
        },
      },
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const query = q < 0 ? '' : raw.slice(q + 1);
    const body = await readBody(req);
    if (path === '/_emulator' || path.startsWith('/_emulator/')) {
      this.handleAdmin(req, res, path.slice('/_emulator'.length), query, body);
      return;
    }
    await this.handleApi(req, res, path, query, body);
  }

  private handleAdmin(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: string,
    body: Buffer,
  ): void {
    if (!isLoopback(req.socket.remoteAddress)) {
      send(res, 403, { error: 'the admin API answers loopback callers only' });
      return;
    }
    let parsed: unknown = {};
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body.toString());
      } catch {
        send(res, 400, { error: 'body is not JSON' });
        return;
      }
    }
    const search = new URLSearchParams(query);
    const account = search.get('account');
    const target = account === null ? this : inAccount(this, account);
    if (!target) {
      send(res, 404, { error: `no emulated account ${account}`, accounts: this.accountIds });
      return;
    }
    const method = req.method ?? 'GET';
    const reply =
      handleAccountsAdmin(target, method, path) ??
      handleRamAdmin(target, method, path, parsed) ??
      handleAdmin(target, method, path, search, parsed);
    send(res, reply.status, reply.body);
  }

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: string,
    body: Buffer,
  ): Promise<void> {
    const requestId = randomUUID().toUpperCase();
    let action = header(req, 'x-acs-action') ?? '';
    let params: RawParams = {};
    let accessKeyId: string | null = null;
    let principal: Principal | null = null;
    let status = 200;
    let code = 'OK';
    try {
      params = parseQuery(query);
      if (header(req, 'content-type')?.startsWith('application/x-www-form-urlencoded')) {
        params = { ...parseQuery(body.toString()), ...params };
      }
      action ||= params.Action ?? '';
      if (path !== '/') throw new EcsError('InvalidAction.NotFound');
      if (!action) throw missing('Action');
      const version = header(req, 'x-acs-version') ?? params.Version;
      if (!version) throw missing('Version');
      if (version !== API_VERSION && version !== STS_API_VERSION) throw new EcsError('InvalidVersion');
      const caller = verifySignature(
        { method: req.method ?? 'POST', path, params, headers: req.headers, body },
        (id) => (Object.hasOwn(this.accessKeys, id) ? this.accessKeys[id] : this.sts.secretOf(id)),
        Date.now(),
      );
      accessKeyId = caller.accessKeyId;
      if (!this.nonces.remember(caller.accessKeyId, caller.nonce, Date.now())) {
        throw new EcsError('SignatureNonceUsed');
      }
      const securityToken = header(req, 'x-acs-security-token') ?? params.SecurityToken;
      principal = this.sts.principalOf(caller.accessKeyId, securityToken, this.accountIds[0] ?? '');
      if (version === STS_API_VERSION) {
        if (action !== 'AssumeRole') throw new EcsError('InvalidAction.NotFound');
        const result = this.sts.assumeRole(principal, new Params(params));
        send(res, 200, { RequestId: requestId, ...result }, { 'x-acs-request-id': requestId });
        return;
      }
      const world = this.worldOf(principal.accountId);
      const handler = ACTIONS.get(action);
      if (!handler) throw new EcsError('InvalidAction.NotFound');
      this.authorize(caller.accessKeyId, action, new Params(params), world);
      const fault = drawFault(this.faults, action, this.random, {
        windows: this.quotas,
        nowMs: Date.now(),
      });
      if (fault.delayMs > 0) await sleep(fault.delayMs);
      if (fault.error) throw fault.error;
      world.settle();
      const result = handler({ params: new Params(params), world });
      send(res, 200, { RequestId: requestId, ...result }, { 'x-acs-request-id': requestId });
    } catch (error) {
      const e =
        error instanceof EcsError
          ? error
          : new EcsError(
              'InternalError',
              `Emulator bug: ${error instanceof Error ? error.message : String(error)}`,
            );
      status = e.status;
      code = e.code;
      send(
        res,
        e.status,
        {
          RequestId: requestId,
          HostId: this.hostId,
          Code: e.code,
          Message: e.message,
          Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(e.code)}&product=Ecs`,
          ...e.body,
        },
        { 'x-acs-request-id': requestId, ...e.headers },
      );
    } finally {
      this.calls.record({
        time: new Date(this.now()).toISOString(),
        action,
        params,
        code,
        status,
        requestId,
        accessKeyId,
        accountId: principal?.accountId ?? null,
        roleSessionName: principal?.roleSessionName ?? null,
      });
    }
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = new Emulator(options);
  // RPC parameters travel in the query string: a RunCommand near its 24 KB content limit needs
  // more than Node's default 16 KB of request head.
  const server = createServer({ maxHeaderSize: 128 * 1024 }, (req, res) => {
    emulator.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(error) });
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  emulator.hostId = `${shownHost}:${port}`;
  return {
    url: `http://${shownHost}:${port}`,
    endpoint: `${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
