import { describe, expect, it } from 'vitest';
import { authorize, parseRamPolicy, type RamPolicy, wildcardMatch } from '../../src/emulator/index.js';
import { LEAST_PRIVILEGE, MANAGED_TAG } from '../support/least-privilege.js';

const instance = (id: string, tags: { key: string; value: string }[] = []) => ({
  arn: `acs:ecs:cn-hangzhou:1:instance/${id}`,
  tags,
});
const disk = (id: string, tags: { key: string; value: string }[] = []) => ({
  arn: `acs:ecs:cn-hangzhou:1:disk/${id}`,
  tags,
});
const ask = (action: string, resources: ReturnType<typeof instance>[], requestTags = []) =>
  authorize(LEAST_PRIVILEGE, { action, resources, requestTags });

describe('emulated RAM authorization', () => {
  it('matches RAM wildcards: * any run, ? one character; actions ignore case', () => {
    expect(wildcardMatch('acs:ecs:*:*:instance/*', 'acs:ecs:cn-hangzhou:1:instance/i-1')).toBe(true);
    expect(wildcardMatch('acs:ecs:*:*:disk/*', 'acs:ecs:cn-hangzhou:1:instance/i-1')).toBe(false);
    expect(wildcardMatch('acs:ecs:*:*:disk/*', '*')).toBe(false);
    expect(wildcardMatch('i-?', 'i-12')).toBe(false);
    expect(wildcardMatch('ecs:describe*', 'ecs:DescribeDisks', true)).toBe(true);
  });

  it('allows a disk call only when the instance and the disk both carry the managed tag', () => {
    const tagged = [MANAGED_TAG];
    expect(ask('ecs:AttachDisk', [instance('i-1', tagged), disk('d-1', tagged)])).toEqual({ allowed: true });
    expect(ask('ecs:AttachDisk', [instance('i-1'), disk('d-1', tagged)])).toEqual({
      allowed: false,
      explicit: false,
      resource: 'acs:ecs:cn-hangzhou:1:instance/i-1',
    });
    expect(
      ask('ecs:AttachDisk', [
        instance('i-1', [{ key: MANAGED_TAG.key, value: 'false' }]),
        disk('d-1', tagged),
      ]).allowed,
    ).toBe(false);
  });

  it('grants no RunCommand, on any resource', () => {
    expect(ask('ecs:RunCommand', [instance('i-1', [MANAGED_TAG])]).allowed).toBe(false);
    expect(ask('ecs:DescribeDisks', [{ arn: '*', tags: [] }])).toEqual({ allowed: true });
  });

  it('an explicit Deny wins over any Allow', () => {
    const policy: RamPolicy = {
      ...LEAST_PRIVILEGE,
      Statement: [
        ...LEAST_PRIVILEGE.Statement,
        { Effect: 'Deny', Action: 'ecs:DetachDisk', Resource: 'acs:ecs:*:*:disk/d-keep' },
      ],
    };
    const decision = authorize(policy, {
      action: 'ecs:DetachDisk',
      resources: [instance('i-1', [MANAGED_TAG]), disk('d-keep', [MANAGED_TAG])],
      requestTags: [],
    });
    expect(decision).toEqual({
      allowed: false,
      explicit: true,
      resource: 'acs:ecs:cn-hangzhou:1:disk/d-keep',
    });
  });

  it('checks request tags (acs:RequestTag) and StringLike patterns', () => {
    const policy = parseRamPolicy({
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ecs:CreateDisk',
          Resource: 'acs:ecs:*:*:disk/*',
          Condition: { StringLike: { 'acs:RequestTag/shared-disk-bot:managed': 'tru*' } },
        },
      ],
    });
    const create = (tags: { key: string; value: string }[]) =>
      authorize(policy, { action: 'ecs:CreateDisk', resources: [disk('*')], requestTags: tags }).allowed;
    expect(create([MANAGED_TAG])).toBe(true);
    expect(create([])).toBe(false);
  });

  it('refuses a document that is not a RAM policy, naming the problem', () => {
    expect(() => parseRamPolicy('{"Version":"2","Statement":[]}')).toThrow(/Version/);
  });
});
