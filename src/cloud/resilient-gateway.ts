import { CatalogCache } from './catalog-cache.js';
import { CloudError } from './errors.js';
import type {
  CreateDiskInput,
  CreateSnapshotInput,
  EcsGateway,
  ImageInfo,
  InstanceTypeInfo,
  ResizeDiskInput,
  RunCommandInput,
} from './gateway.js';

/**
 * ECS throttles each API on its own, so the budget has one bucket per class of call: Cloud
 * Assistant (RunCommand, InvokeCommand, DescribeInvocationResults, …), reads (Describe*, List*)
 * and mutations (everything else: CreateDisk, AttachDisk, DetachDisk, …).
 */
export const ECS_CALL_CLASSES = ['read', 'mutate', 'assistant'] as const;
export type EcsCallClass = (typeof ECS_CALL_CLASSES)[number];

const ASSISTANT_ACTIONS = new Set([
  'RunCommand',
  'InvokeCommand',
  'CreateCommand',
  'DeleteCommand',
  'ModifyCommand',
  'DescribeCommands',
  'DescribeInvocations',
  'DescribeInvocationResults',
  'StopInvocation',
  'DescribeCloudAssistantStatus',
]);

export function callClassOf(action: string): EcsCallClass {
  if (ASSISTANT_ACTIONS.has(action)) return 'assistant';
  return /^(Describe|List)/.test(action) ? 'read' : 'mutate';
}

/** `Throttling.User`, `Throttling.Api`, `Rejected.Throttling`, …: the account or API is over its quota. */
export function isThrottling(error: CloudError): boolean {
  return /throttling/i.test(error.cloudCode);
}

/**
 * Port: the ECS call budget shared by every replica. `reserve()` books the next slot of a class and
 * says how long to wait before using it (0 = now); `throttled()` tells the budget the cloud refused
 * a call for rate, so every replica slows that class down. The Redis adapter is `RedisRateLimiter`.
 */
export interface RateLimiter {
  reserve(callClass: EcsCallClass): Promise<number>;
  throttled(callClass: EcsCallClass, retryAfterMs?: number): Promise<unknown>;
}

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** Full-jitter exponential backoff: the n-th retry sleeps random() × min(maxDelayMs, baseDelayMs × 2^(n−1)). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * Throttling answers do not use up `maxAttempts`: with a limiter the budget has already slowed
   * down, so the call keeps retrying for this long (ECS lifts a throttle at the next minute).
   */
  readonly throttledForMs: number;
}

/**
 * Defaults: 5 attempts spread over ≈ 0.2 + 0.4 + 0.8 + 1.6 s (at most, before jitter), so a burst of
 * throttling or a brief 5xx spell is absorbed within the time a person waits for a Slack reply, and
 * a real outage surfaces in a few seconds instead of hanging the request.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  throttledForMs: 120_000,
};

/**
 * How long to sleep before retry number `retry` (1-based). A throttling answer's retry-after hint is
 * a floor: sleeping less would only earn another throttle.
 */
export function backoffDelay(
  policy: Pick<RetryPolicy, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>,
  retry: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}

export interface ResilientGatewayOptions {
  readonly limiter?: RateLimiter;
  readonly retry?: Partial<RetryPolicy>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Told about every retry, for logs and metrics. */
  readonly onRetry?: (event: { action: string; attempt: number; delayMs: number; error: CloudError }) => void;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How long an instance type's or an image's NVMe support is taken as read (catalog-cache.ts). */
const CATALOG_TTL_MS = 60 * 60_000;

/**
 * `EcsGateway` decorator: every call waits for a slot of its class in the shared rate limiter, and
 * retryable failures (throttling, 5xx, timeouts, no response) are retried with full-jitter backoff.
 * A throttling answer also tells the limiter, which slows the class down for every replica, and is
 * retried for `throttledForMs` rather than `maxAttempts` times: a busy account slows requests down
 * instead of failing them. Business errors (4xx) are thrown at once: repeating them cannot help and
 * would only burn the budget.
 *
 * Retrying a mutation is safe here because every mutation the bot sends is idempotent on the
 * cloud's side or checked by the caller: CreateDisk carries a ClientToken, and a repeated
 * AttachDisk/DetachDisk answers `InvalidDisk.InUse` / `DependencyViolation`, which the step
 * runner reads as "already done".
 */
export class ResilientGateway implements EcsGateway {
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly instanceTypes: CatalogCache<InstanceTypeInfo>;
  private readonly images = new Map<string, CatalogCache<ImageInfo>>();

  constructor(
    private readonly inner: EcsGateway,
    private readonly options: ResilientGatewayOptions = {},
  ) {
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.instanceTypes = new CatalogCache(CATALOG_TTL_MS, this.now);
  }

  private async call<T>(action: string, run: () => Promise<T>): Promise<T> {
    const callClass = callClassOf(action);
    const limiter = this.options.limiter;
    let failures = 0;
    let firstThrottle: number | undefined;
    for (let attempt = 1; ; attempt++) {
      if (limiter) {
        const wait = await limiter.reserve(callClass);
        if (wait > 0) await this.sleep(wait);
      }
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof CloudError) || !error.retryable) throw error;
        const throttled = isThrottling(error);
        if (throttled) {
          firstThrottle ??= this.now();
          if (limiter) await limiter.throttled(callClass, error.retryAfterMs);
        } else failures += 1;
        const giveUp = throttled
          ? this.now() - (firstThrottle ?? 0) >= this.policy.throttledForMs
          : failures >= this.policy.maxAttempts;
        if (giveUp || (!limiter && attempt >= this.policy.maxAttempts)) throw error;
        // With a limiter the whole class is already held back for the retry-after hint.
        const hint = throttled && limiter ? undefined : error.retryAfterMs;
        const delayMs = backoffDelay(this.policy, Math.min(attempt, 16), this.random, hint);
        this.options.onRetry?.({ action, attempt, delayMs, error });
        await this.sleep(delayMs);
      }
    }
  }

  describeDisks(query: Parameters<EcsGateway['describeDisks']>[0]) {
    return this.call('DescribeDisks', () => this.inner.describeDisks(query));
  }
  describeInstances(query: Parameters<EcsGateway['describeInstances']>[0]) {
    return this.call('DescribeInstances', () => this.inner.describeInstances(query));
  }
  describeInstanceTypes(ids: readonly string[]) {
    return this.instanceTypes.read(
      ids,
      (missing) => this.call('DescribeInstanceTypes', () => this.inner.describeInstanceTypes(missing)),
      (type) => type.instanceTypeId,
    );
  }
  describeImages(query: Parameters<EcsGateway['describeImages']>[0]) {
    // Images are regional: each region has its own answers.
    let images = this.images.get(query.regionId);
    if (!images) {
      images = new CatalogCache(CATALOG_TTL_MS, this.now);
      this.images.set(query.regionId, images);
    }
    return images.read(
      query.imageIds,
      (missing) =>
        this.call('DescribeImages', () =>
          this.inner.describeImages({ regionId: query.regionId, imageIds: missing }),
        ),
      (image) => image.imageId,
    );
  }
  createDisk(input: CreateDiskInput) {
    return this.call('CreateDisk', () => this.inner.createDisk(input));
  }
  attachDisk(input: { diskId: string; instanceId: string }) {
    return this.call('AttachDisk', () => this.inner.attachDisk(input));
  }
  detachDisk(input: { diskId: string; instanceId: string }) {
    return this.call('DetachDisk', () => this.inner.detachDisk(input));
  }
  /** Retried safely: ResizeDisk carries a ClientToken. */
  resizeDisk(input: ResizeDiskInput) {
    return this.call('ResizeDisk', () => this.inner.resizeDisk(input));
  }
  /** Retried safely: CreateSnapshot carries a ClientToken. */
  createSnapshot(input: CreateSnapshotInput) {
    return this.call('CreateSnapshot', () => this.inner.createSnapshot(input));
  }
  describeSnapshots(query: Parameters<EcsGateway['describeSnapshots']>[0]) {
    return this.call('DescribeSnapshots', () => this.inner.describeSnapshots(query));
  }
  /** A repeated DeleteSnapshot answers InvalidSnapshotId.NotFound, which the caller reads as done. */
  deleteSnapshot(input: { snapshotId: string }) {
    return this.call('DeleteSnapshot', () => this.inner.deleteSnapshot(input));
  }
  /** A repeated DeleteDisk is silently ignored by ECS; the caller verifies with DescribeDisks. */
  deleteDisk(input: { diskId: string }) {
    return this.call('DeleteDisk', () => this.inner.deleteDisk(input));
  }
  /** Retried like the rest: the bot's scripts are idempotent and RunCommand carries a ClientToken. */
  runCommand(input: RunCommandInput) {
    return this.call('RunCommand', () => this.inner.runCommand(input));
  }
  describeInvocationResults(query: Parameters<EcsGateway['describeInvocationResults']>[0]) {
    return this.call('DescribeInvocationResults', () => this.inner.describeInvocationResults(query));
  }
}
