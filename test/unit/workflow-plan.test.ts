import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, planHash } from '../../src/workflow/plan.js';
import type { PlanStep, RequestParams } from '../../src/workflow/request.js';

/** Rebuilds every object with its keys in a random order. */
function shuffleKeys(value: unknown, rand: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, rand));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [entries[i], entries[j]] = [entries[j] as [string, unknown], entries[i] as [string, unknown]];
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, rand)]));
}

const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean());
const stepArb = fc.record({
  action: fc.constantFrom('CreateDisk', 'AttachDisk', 'DetachDisk') as fc.Arbitrary<PlanStep['action']>,
  params: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), scalar),
});
const paramsArb = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.jsonValue({ maxDepth: 3 }),
) as fc.Arbitrary<RequestParams>;

describe('planHash', () => {
  const plan: PlanStep[] = [
    { action: 'AttachDisk', params: { DiskId: 'd-1', InstanceId: 'i-1', DeleteWithInstance: false } },
    { action: 'AttachDisk', params: { DiskId: 'd-1', InstanceId: 'i-2', DeleteWithInstance: false } },
  ];
  const params: RequestParams = { diskId: 'd-1', instances: ['i-1', 'i-2'], region: 'cn-hangzhou' };

  it('is a stable sha256 hex digest', () => {
    const hash = planHash(plan, params);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash(plan, params)).toBe(hash);
  });

  it('ignores key order at every level (property)', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 5 }), paramsArb, fc.integer(), (steps, p, seed) => {
        let s = seed;
        const rand = () => {
          s = (s * 1103515245 + 12345) & 0x7fffffff;
          return s / 0x80000000;
        };
        const shuffledPlan = shuffleKeys(steps, rand) as PlanStep[];
        const shuffledParams = shuffleKeys(p, rand) as RequestParams;
        expect(planHash(shuffledPlan, shuffledParams)).toBe(planHash(steps, p));
      }),
    );
  });

  it('changes with step order, any parameter value or the params', () => {
    const reversed = [...plan].reverse();
    expect(planHash(reversed, params)).not.toBe(planHash(plan, params));
    const other = [
      plan[0] as PlanStep,
      { action: 'AttachDisk' as const, params: { DiskId: 'd-1', InstanceId: 'i-3' } },
    ];
    expect(planHash(other, params)).not.toBe(planHash(plan, params));
    expect(planHash(plan, { ...params, region: 'cn-shanghai' })).not.toBe(planHash(plan, params));
  });

  it('canonical JSON sorts keys, keeps arrays, drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: 1, c: undefined }] })).toBe('{"a":[3,{"d":1}],"b":1}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError);
  });
});
