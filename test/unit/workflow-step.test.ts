import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDiskCommand } from '../../src/commands/index.js';
import {
  stepCommandText,
  stepOutcome,
  WORKFLOW_STEP_ACTIONS,
  WORKFLOW_TOKEN_LIFETIME_MS,
  workflowTokenUsable,
} from '../../src/workflow/workflow-step.js';

const base = { requester: 'U0ALICE', reason: 'onboarding' };

describe('the step inputs become /disk text', () => {
  it('reads back as the same attach: disk, every instance (spaces or commas) and the reason', () => {
    const step = stepCommandText({
      ...base,
      action: 'attach',
      disk: 'shared-db',
      instances: 'i-one, i-two  i-three',
    });
    if (!step.ok) throw new Error(step.error);
    const parsed = parseDiskCommand(step.text);
    expect(parsed.ok && parsed.command).toMatchObject({
      kind: 'attach',
      diskId: 'shared-db',
      instanceIds: ['i-one', 'i-two', 'i-three'],
      reason: 'onboarding',
    });
  });

  it('never lets a value become a flag: any reason reads back exactly', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (reason) => {
        fc.pre(reason.trim() !== '');
        const step = stepCommandText({
          ...base,
          action: 'detach',
          disk: 'shared-db',
          instances: 'i-one',
          reason,
        });
        if (!step.ok) throw new Error(step.error);
        const parsed = parseDiskCommand(step.text);
        expect(parsed.ok && parsed.command).toEqual({
          kind: 'detach',
          diskId: 'shared-db',
          instanceIds: ['i-one'],
          force: false,
          reason: reason.trim(),
        });
      }),
    );
  });

  it('reads a flag-like disk or instance as that value (which the grammar then judges), never as a flag', () => {
    for (const odd of ['--force', '--size 5', '"--force"', '-f']) {
      for (const inputs of [
        { disk: odd, instances: 'i-one' },
        { disk: 'shared-db', instances: odd },
      ]) {
        const step = stepCommandText({ ...base, action: 'detach', ...inputs });
        if (!step.ok) throw new Error(step.error);
        const parsed = parseDiskCommand(step.text);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.error.code).toBe('invalid_value');
      }
    }
  });

  it('turns every action the manifest offers into the text of its /disk command', () => {
    for (const action of WORKFLOW_STEP_ACTIONS) {
      const step = stepCommandText({ ...base, action, disk: 'd-one', instances: 'i-one', size_gib: 100 });
      expect(step.ok && step.text.startsWith(`${action} `)).toBe(true);
    }
  });

  it('refuses an unknown action, a missing requester and an empty disk in plain words', () => {
    expect(stepCommandText({ ...base, action: 'status', disk: 'd' })).toMatchObject({ ok: false });
    const noRequester = stepCommandText({ action: 'create', disk: 'db', size_gib: 100 });
    expect(!noRequester.ok && noRequester.error).toContain('requester');
    const noDisk = stepCommandText({ ...base, action: 'create', disk: '  ', size_gib: 100 });
    expect(!noDisk.ok && noDisk.error).toContain('name');
  });
});

describe('completion', () => {
  it('has an outcome only for a request that ended', () => {
    expect(stepOutcome('pending')).toBeUndefined();
    expect(stepOutcome('running')).toBeUndefined();
    expect(stepOutcome('succeeded')).toBe('succeeded');
    expect(stepOutcome('expired')).toBe('expired');
  });

  it('uses the workflow token until shortly before its 15 minutes are up, then the bot token', () => {
    const issued = 1_000_000;
    expect(workflowTokenUsable(issued, issued + 60_000)).toBe(true);
    expect(workflowTokenUsable(issued, issued + WORKFLOW_TOKEN_LIFETIME_MS - 1)).toBe(false);
    expect(workflowTokenUsable(issued, issued + WORKFLOW_TOKEN_LIFETIME_MS + 1)).toBe(false);
  });
});
