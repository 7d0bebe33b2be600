/**
 * Issue 21 point 1: an alert's buttons end with its incident. The resolution names the outcome and
 * who and what resolved it instead of repeating the fault sentence; the edited alert has no buttons.
 */
import { describe, expect, it } from 'vitest';
import { messageProblems } from '../../src/slack/blocks/limits-check.js';
import {
  endedAlertMessage,
  healthLine,
  incidentMessage,
  resolutionSentence,
  resolvedMessage,
} from '../../src/slack/blocks/watch.js';
import { endedIncidentRefusal } from '../../src/slack/watch-slack.js';
import type { IncidentRecord } from '../../src/workflow/watch-rules.js';

const incident: IncidentRecord = {
  diskId: 'd-1',
  kind: 'primary_down',
  channelId: 'C0WATCH',
  openedAt: 1_700_000_000_000,
  lastAlertAt: 1_700_000_000_000,
  summary: 'The primary i-old is Running but its guest has not answered for 2 cycles (hung or crashed).',
  details: {},
  failover: { from: 'i-old', to: 'i-new' },
  notified: true,
};
const failover = { id: 'R-ABCDEFGHIJ', kind: 'failover', requesterId: 'U0ALICE', state: 'succeeded' };
const view = { resolvedAt: 1_700_000_060_000, requests: [failover] };
const all = (m: { text: string; blocks: unknown[] }) => JSON.stringify(m);

describe('a resolved alert', () => {
  it('the opened alert carries the buttons; the ended alert has none and names the outcome', () => {
    const opened = incidentMessage('opened', incident, { emergency: true, remindAfterMs: 1_800_000 });
    expect(all(opened)).toContain('watch_failover');
    const ended = endedAlertMessage(incident, view);
    expect(ended.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(all(ended)).not.toContain('watch_failover');
    expect(all(ended)).toContain('Ended by `R-ABCDEFGHIJ` (failover by <@U0ALICE>, succeeded).');
    expect(messageProblems(ended)).toEqual([]);
  });

  it('the resolution says what ended and who ended it, not the fault sentence', () => {
    const message = resolvedMessage(incident, view);
    expect(all(message)).toContain('*Resolved* on `d-1`: primary `i-old` down');
    expect(all(message)).toContain('<@U0ALICE>');
    expect(all(message)).not.toContain('has not answered');
    expect(messageProblems(message)).toEqual([]);
  });

  it('without a bot request it says the watch saw it recover, not who', () => {
    expect(resolutionSentence({ resolvedAt: 0, requests: [] })).toBe(
      'No bot request ran on this disk meanwhile: it recovered, or someone fixed it outside the bot.',
    );
  });

  it('a double mount names the file system that was mounted twice', () => {
    const double: IncidentRecord = { ...incident, kind: 'double_mount', details: { fstype: 'ext4' } };
    expect(all(resolvedMessage(double, view))).toContain('ext4 mounted on several instances');
  });

  it('a click on an ended alert is refused with why and what to do', () => {
    const refusal = endedIncidentRefusal('d-1', 'i-old');
    expect(refusal).toContain('Nothing was filed: this alert has ended');
    expect(refusal).toContain('`/disk status d-1`');
  });
});

describe('names on the alert', () => {
  const named: IncidentRecord = {
    ...incident,
    details: { names: { 'd-1': 'shared-db', 'i-old': 'db-1', 'i-new': 'db-2' } },
  };
  it('the alert, its button and its resolution show name (id)', () => {
    const opened = all(incidentMessage('opened', named, { emergency: true, remindAfterMs: 1_800_000 }));
    expect(opened).toContain('Fail over to db-2 (i-new)');
    expect(opened).toContain('shared-db (`d-1`)');
    expect(opened).toContain('Primary: db-1 (`i-old`) · best standby: db-2 (`i-new`)');
    expect(all(resolvedMessage(named, view))).toContain('primary db-1 (`i-old`) down');
  });
});

describe('/disk watch --list and Home', () => {
  it('a watched disk and its primary show name (id) from the last cycle', () => {
    const entry = {
      diskId: 'd-1',
      regionId: 'cn-hangzhou',
      channelId: 'C0WATCH',
      addedBy: 'U0ALICE',
      addedAt: 0,
      source: 'command' as const,
    };
    const state = {
      attachments: ['i-old', 'i-new'],
      misses: {},
      primary: 'i-old',
      names: { 'd-1': 'shared-db', 'i-old': 'db-1' },
      at: 1_700_000_000_000,
    };
    const line = healthLine(entry, state, []);
    expect(line).toContain('shared-db (`d-1`) · 2 attached · primary db-1 (`i-old`)');
    expect(healthLine(entry, state, [incident])).toContain(':red_circle: shared-db (`d-1`) · primary down');
    expect(healthLine(entry, undefined, [])).toContain('`d-1` · not checked yet');
  });
});
