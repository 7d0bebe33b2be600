/**
 * Issue 18, made structural: a step reads through a gateway without mutations, and mutates only
 * through the gateway of a moment whose re-check ran; guest-changing scripts count as mutations.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { EcsGateway, ReadGateway, RunCommandInput } from '../../src/cloud/gateway.js';
import { SCRIPTS, type ScriptName, scriptChangesGuest } from '../../src/cloud/scripts/contract.js';
import { scriptText } from '../../src/cloud/scripts/index.js';
import { momentGateway, readOnly, UNGUARDED_MUTATION } from '../../src/jobs/steps/guarded-gateway.js';

/** A port that records what reached it (the cloud behind it is not the subject here). */
function recordingPort(): { port: EcsGateway; sent: string[] } {
  const sent: string[] = [];
  const traced = async (what: string) => {
    sent.push(what);
    return { value: undefined, requestId: 'r' };
  };
  const port: EcsGateway = {
    describeDisks: async () => [],
    describeInstances: async () => [],
    describeInstanceTypes: async () => [],
    describeImages: async () => [],
    describeInvocationResults: async () => [],
    createDisk: async () => {
      sent.push('CreateDisk');
      return { value: { diskId: 'd-1' }, requestId: 'r' };
    },
    attachDisk: (input) => traced(`AttachDisk ${input.instanceId}`),
    detachDisk: (input) => traced(`DetachDisk ${input.instanceId}`),
    describeSnapshots: async () => [],
    createSnapshot: async (input) => {
      sent.push(`CreateSnapshot ${input.diskId}`);
      return { value: { snapshotId: 's-1' }, requestId: 'r' };
    },
    deleteSnapshot: (input) => traced(`DeleteSnapshot ${input.snapshotId}`),
    resizeDisk: (input) => traced(`ResizeDisk ${input.diskId}`),
    deleteDisk: (input) => traced(`DeleteDisk ${input.diskId}`),
    runCommand: async (input) => {
      sent.push(`RunCommand ${input.name}`);
      return { value: { invokeId: 'inv' }, requestId: 'r' };
    },
  };
  return { port, sent };
}

const run = (name: ScriptName): RunCommandInput => ({
  regionId: 'cn-hangzhou',
  instanceIds: ['i-a'],
  script: scriptText(name),
  parameters: {},
  timeoutSec: 5,
  name,
});

describe('script classification', () => {
  it('only inspect, the reports, the probe and the rescan read; every other script (and any unmarked one) changes a guest', () => {
    const reading = (Object.keys(SCRIPTS) as ScriptName[]).filter((n) => !scriptChangesGuest(scriptText(n)));
    // `rescan` re-reads a namespace's size after a resize: it changes no data, partition or file system.
    expect(reading.sort()).toEqual(['inspect', 'inspect-disks', 'nvme-report', 'ocfs2-probe', 'rescan']);
    expect(scriptChangesGuest('#!/bin/bash\nsystemctl restart app\n')).toBe(true);
    // The marker counts only where the contract puts it, not further down a hook.
    expect(scriptChangesGuest(`#!/bin/bash\nrm -rf /data\n${scriptText('inspect')}`)).toBe(true);
  });
});

describe('readOnly', () => {
  it('passes reads and read-only scripts, refuses a guest-changing script before it reaches the cloud', async () => {
    const { port, sent } = recordingPort();
    const reads = readOnly(port);
    await reads.runCommand(run('inspect'));
    await expect(reads.runCommand(run('ocfs2-format'))).rejects.toMatchObject({ code: UNGUARDED_MUTATION });
    await expect(reads.runCommand(run('nvme-preempt'))).rejects.toMatchObject({ code: UNGUARDED_MUTATION });
    expect(sent).toEqual(['RunCommand inspect']);
  });

  it('has no mutating method at all (the compiler refuses the call)', () => {
    expectTypeOf<ReadGateway>().not.toHaveProperty('attachDisk');
    expectTypeOf<ReadGateway>().not.toHaveProperty('detachDisk');
    expectTypeOf<ReadGateway>().not.toHaveProperty('createDisk');
    const { port } = recordingPort();
    const reads = readOnly(port);
    // @ts-expect-error a step's gateway cannot attach: only a moment's re-check hands out one that can
    expect(reads.attachDisk).toBeUndefined();
  });
});

describe('momentGateway', () => {
  it('mutates while its moment is current and refuses once a later moment opened', async () => {
    const { port, sent } = recordingPort();
    let current = true;
    const gateway = momentGateway(port, 'AttachDisk', () => current);
    await gateway.attachDisk({ diskId: 'd-1', instanceId: 'i-a' });
    await gateway.runCommand(run('nvme-register'));
    current = false;
    await expect(gateway.attachDisk({ diskId: 'd-1', instanceId: 'i-b' })).rejects.toMatchObject({
      code: UNGUARDED_MUTATION,
    });
    await expect(gateway.runCommand(run('ocfs2-mount'))).rejects.toMatchObject({ code: UNGUARDED_MUTATION });
    // Reads stay fine on a stale moment's gateway.
    await gateway.runCommand(run('inspect'));
    await gateway.describeDisks({ regionId: 'cn-hangzhou' });
    expect(sent).toEqual(['AttachDisk i-a', 'RunCommand nvme-register', 'RunCommand inspect']);
  });
});
