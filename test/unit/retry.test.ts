import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.js';
import type { EcsGateway } from '../../src/cloud/gateway.js';
import {
  backoffDelay,
  callClassOf,
  DEFAULT_RETRY,
  type RateLimiter,
  ResilientGateway,
} from '../../src/cloud/resilient-gateway.js';

const cloud = (
  cloudCode: string,
  retryable: boolean,
  extra: { retryAfterMs?: number; httpStatus?: number } = {},
) => new CloudError({ cloudCode, message: cloudCode, retryable, action: 'X', ...extra });

/** A gateway whose describeImages, attachDisk and runCommand answer with the queued outcomes, one per call. */
function scripted(outcomes: (Error | 'ok')[]): { gateway: EcsGateway; calls: () => number } {
  let calls = 0;
  const next = async () => {
    const outcome = outcomes[calls++] ?? 'ok';
    if (outcome !== 'ok') throw outcome;
  };
  const gateway = {
    describeImages: async () => {
      await next();
      return [{ imageId: 'img', nvmeSupport: 'supported' }];
    },
    attachDisk: async () => {
      await next();
      return { value: undefined, requestId: 'rq' };
    },
    runCommand: async () => {
      await next();
      return { value: { invokeId: 't-1' }, requestId: 'rq' };
    },
  } as unknown as EcsGateway;
  return { gateway, calls: () => calls };
}

function harness(outcomes: (Error | 'ok')[], options: { limiter?: RateLimiter; maxAttempts?: number } = {}) {
  const { gateway, calls } = scripted(outcomes);
  const sleeps: number[] = [];
  const retries: string[] = [];
  let clock = 0;
  const resilient = new ResilientGateway(gateway, {
    retry: {
      maxAttempts: options.maxAttempts ?? 5,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      throttledForMs: 10_000,
    },
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    ...(options.limiter ? { limiter: options.limiter } : {}),
    onRetry: (e) => retries.push(`${e.action}#${e.attempt}:${e.error.cloudCode}`),
  });
  /** Moves the gateway's clock on. */
  const advanceClock = (ms: number) => {
    clock += ms;
  };
  return { resilient, calls, sleeps, retries, advanceClock };
}

describe('backoffDelay (full jitter)', () => {
  it('stays within [0, min(max, base·2^(n−1))) and honours retry-after as a floor', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (retry, r) => {
          const d = backoffDelay(DEFAULT_RETRY, retry, () => r);
          const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (retry - 1));
          return (
            d >= 0 && d < Math.max(1, ceiling) && backoffDelay(DEFAULT_RETRY, retry, () => r, 1_200) >= 1_200
          );
        },
      ),
    );
    expect(backoffDelay({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 }, 3, () => 0.5)).toBe(200);
    expect(backoffDelay({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 }, 9, () => 0.5)).toBe(500);
  });
});

describe('ResilientGateway', () => {
  it('asks the catalog about an image once per region and hour, not at every rule check', async () => {
    const h = harness([]);
    const images = (regionId: string) => h.resilient.describeImages({ regionId, imageIds: ['img'] });
    await images('r');
    await images('r');
    expect(h.calls()).toBe(1);
    await images('other');
    expect(h.calls()).toBe(2);
    h.advanceClock(60 * 60_000);
    await images('r');
    expect(h.calls()).toBe(3);
  });

  it('retries throttling, 5xx and network errors with jittered exponential backoff, then succeeds', async () => {
    const h = harness([
      cloud('Throttling.User', true),
      cloud('InternalError', true, { httpStatus: 500 }),
      cloud('NetworkError', true),
    ]);
    expect(await h.resilient.describeImages({ regionId: 'r', imageIds: ['img'] })).toHaveLength(1);
    expect(h.calls()).toBe(4);
    expect(h.sleeps).toEqual([50, 100, 200]);
    expect(h.retries).toEqual([
      'DescribeImages#1:Throttling.User',
      'DescribeImages#2:InternalError',
      'DescribeImages#3:NetworkError',
    ]);
  });

  it('waits at least the retry-after hint of a throttling answer', async () => {
    const h = harness([cloud('Throttling.User', true, { retryAfterMs: 1_200 })]);
    await h.resilient.attachDisk({ diskId: 'd', instanceId: 'i' });
    expect(h.sleeps).toEqual([1_200]);
  });

  it('never retries a 4xx business error', async () => {
    const refusal = cloud('DiskAttachedNumberExceeded', false, { httpStatus: 403 });
    const h = harness([refusal]);
    await expect(h.resilient.attachDisk({ diskId: 'd', instanceId: 'i' })).rejects.toBe(refusal);
    expect([h.calls(), h.sleeps]).toEqual([1, []]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const last = cloud('ServiceUnavailable', true, { httpStatus: 503 });
    const h = harness([cloud('Throttling.User', true), cloud('Throttling.User', true), last], {
      maxAttempts: 3,
    });
    await expect(h.resilient.describeImages({ regionId: 'r', imageIds: ['img'] })).rejects.toBe(last);
    expect(h.calls()).toBe(3);
  });

  it('does not retry what is not a CloudError (a bug)', async () => {
    const bug = new TypeError('boom');
    const h = harness([bug]);
    await expect(h.resilient.describeImages({ regionId: 'r', imageIds: ['img'] })).rejects.toBe(bug);
    expect(h.calls()).toBe(1);
  });

  it('every attempt, retries included, takes a slot of the shared limiter and waits as told', async () => {
    const waits = [0, 250, 0];
    let reserved = 0;
    const classes: string[] = [];
    const limiter: RateLimiter = {
      reserve: async (callClass) => {
        classes.push(callClass);
        return waits[reserved++] ?? 0;
      },
      throttled: async () => undefined,
    };
    const h = harness([cloud('Throttling.User', true), cloud('InternalError', true)], { limiter });
    await h.resilient.describeImages({ regionId: 'r', imageIds: ['img'] });
    expect(reserved).toBe(3);
    expect(classes).toEqual(['read', 'read', 'read']);
    expect(h.sleeps).toEqual([50, 250, 100]);
  });

  it('with a limiter, throttling slows the class down and is retried for throttledForMs, not maxAttempts', async () => {
    const throttles: string[] = [];
    const limiter: RateLimiter = {
      reserve: async () => 0,
      throttled: async (callClass, retryAfterMs) => {
        throttles.push(`${callClass}:${retryAfterMs}`);
      },
    };
    const throttle = cloud('Throttling.User', true, { retryAfterMs: 1_200 });
    // Six throttles with maxAttempts 2: the call still succeeds, and the limiter heard each one.
    const h = harness([throttle, throttle, throttle, throttle, throttle, throttle], {
      limiter,
      maxAttempts: 2,
    });
    await h.resilient.attachDisk({ diskId: 'd', instanceId: 'i' });
    expect(h.calls()).toBe(7);
    expect(throttles).toEqual(Array(6).fill('mutate:1200'));
    // The limiter holds the whole class back for the hint, so the caller only adds jitter.
    expect(h.sleeps).toEqual([50, 100, 200, 400, 500, 500]);

    // A throttling spell longer than throttledForMs (10 s here) fails with the throttling error.
    const long = harness(Array(40).fill(cloud('Throttling.Api', true)), { limiter, maxAttempts: 2 });
    await expect(long.resilient.runCommand({} as never)).rejects.toMatchObject({
      cloudCode: 'Throttling.Api',
    });
    expect(long.calls()).toBeGreaterThan(10);
    expect(long.calls()).toBeLessThan(40);
    expect(throttles.at(-1)).toBe('assistant:undefined');
  });

  it('5xx answers still give up after maxAttempts with a limiter', async () => {
    const limiter: RateLimiter = { reserve: async () => 0, throttled: async () => undefined };
    const last = cloud('ServiceUnavailable', true, { httpStatus: 503 });
    const h = harness([cloud('InternalError', true), last], { limiter, maxAttempts: 2 });
    await expect(h.resilient.describeImages({ regionId: 'r', imageIds: ['img'] })).rejects.toBe(last);
    expect(h.calls()).toBe(2);
  });
});

describe('callClassOf (the budget bucket of an ECS action)', () => {
  it('puts Cloud Assistant calls, reads and mutations each in their own bucket', () => {
    expect(
      ['RunCommand', 'InvokeCommand', 'DescribeInvocationResults', 'DescribeInvocations'].map(callClassOf),
    ).toEqual(['assistant', 'assistant', 'assistant', 'assistant']);
    expect(
      ['DescribeDisks', 'DescribeInstances', 'DescribeInstanceTypes', 'DescribeImages'].map(callClassOf),
    ).toEqual(['read', 'read', 'read', 'read']);
    expect(['CreateDisk', 'AttachDisk', 'DetachDisk', 'StopInstance'].map(callClassOf)).toEqual([
      'mutate',
      'mutate',
      'mutate',
      'mutate',
    ]);
  });
});
