import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PACING, gateOf, WriteGates } from '../../src/slack/outbox/pacing.js';
import { classify } from '../../src/slack/outbox/writes.js';

const post = gateOf('chat.postMessage', 'C1');

describe('write gates', () => {
  it('posts are paced per channel; edits and other methods by method', () => {
    expect(post).toBe('chat.postMessage:C1');
    expect(gateOf('chat.update', 'C1')).toBe('chat.update');
    expect(gateOf('views.publish', undefined)).toBe('views.publish');
  });

  it('a 429 holds its gate for exactly Retry-After, and no other gate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 120 }),
        (now, retryAfter) => {
          const gates = new WriteGates();
          gates.rateLimited(post, retryAfter, now);
          expect(gates.waitMs(post, now)).toBe(retryAfter * 1000);
          expect(gates.waitMs(post, now + retryAfter * 1000 - 1)).toBe(1);
          expect(gates.waitMs(post, now + retryAfter * 1000)).toBe(0);
          expect(gates.waitMs(gateOf('chat.postMessage', 'C2'), now)).toBe(0);
        },
      ),
    );
  });

  it('a burst goes at once, then about one post per second', () => {
    const gates = new WriteGates();
    for (let i = 0; i < DEFAULT_PACING.postBurst; i++) {
      expect(gates.waitMs(post, 0)).toBe(0);
      gates.sent(post, 0);
    }
    expect(gates.waitMs(post, 0)).toBe(1000 / DEFAULT_PACING.postsPerSecond);
  });

  it('a write nobody waits for leaves the last burst slot to one somebody waits for', () => {
    const gates = new WriteGates();
    for (let i = 0; i < DEFAULT_PACING.postBurst - 1; i++) {
      expect(gates.waitMs(post, 0, 1)).toBe(0);
      gates.sent(post, 0);
    }
    expect(gates.waitMs(post, 0, 1)).toBe(1000 / DEFAULT_PACING.postsPerSecond);
    expect(gates.waitMs(post, 0)).toBe(0);
    gates.sent(post, 0);
    expect(gates.waitMs(post, 0)).toBe(1000 / DEFAULT_PACING.postsPerSecond);
    expect(gates.waitMs(post, 0, 1)).toBe(2000 / DEFAULT_PACING.postsPerSecond);
  });

  it('5xx back-off grows, stays under its cap and is jittered; a success resets it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 12 }),
        (rolls) => {
          let i = 0;
          const gates = new WriteGates(DEFAULT_PACING, () => rolls[i++ % rolls.length] ?? 0);
          let ceiling = DEFAULT_PACING.backoffBaseMs;
          for (const _ of rolls) {
            const delay = gates.failed(post, 0);
            expect(delay).toBeGreaterThanOrEqual(Math.min(ceiling, DEFAULT_PACING.backoffCapMs) / 2);
            expect(delay).toBeLessThanOrEqual(DEFAULT_PACING.backoffCapMs);
            ceiling *= 2;
          }
          gates.accepted(post);
          expect(gates.failed(post, 0)).toBeLessThanOrEqual(DEFAULT_PACING.backoffBaseMs);
        },
      ),
    );
  });
});

describe('failure classification', () => {
  it('follows what Slack said', () => {
    expect(classify({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 })).toEqual({
      kind: 'rate_limited',
      retryAfterSec: 7,
    });
    expect(classify({ code: 'slack_webapi_http_error', statusCode: 503 }).kind).toBe('transient');
    expect(classify({ code: 'slack_webapi_request_error' }).kind).toBe('transient');
    expect(classify({ code: 'slack_webapi_platform_error', data: { error: 'invalid_blocks' } }).kind).toBe(
      'refused_payload',
    );
    expect(classify({ code: 'slack_webapi_platform_error', data: { error: 'not_in_channel' } }).kind).toBe(
      'permanent',
    );
  });
});
