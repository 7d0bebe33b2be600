/** Issue 21 point 6: words a person can trust on the create form and the sandbox's Cloud admin. */
import { describe, expect, it } from 'vitest';
import { mountText } from '../../src/sandbox/console/browser/mount-text.js';
import { createFormModal } from '../../src/slack/blocks/create-form.js';

describe('the create form', () => {
  it('says which zone it filled in instead of picking one silently', () => {
    const form = JSON.stringify(createFormModal('C0X', 'cn-hangzhou-i'));
    expect(form).toContain('Filled in with cn-hangzhou-i, the first zone allowed here');
    expect(form).toContain('--zone cn-hangzhou-i');
  });
});

describe('Cloud admin mounts', () => {
  const mounts = [
    { instanceId: 'i-1', diskId: 'd-1', fstype: 'ocfs2', mountpoints: ['/data'], readOnly: false },
  ];
  it('a fenced node’s read-write mount is not shown as plain rw', () => {
    const reservations = [{ diskId: 'd-1', holder: '0xabc', registrants: [{ instanceId: 'i-2' }] }];
    expect(mountText({ mounts, reservations }, 'i-1', 'd-1')).toBe(
      'ocfs2 at /data (rw, fenced: cannot write)',
    );
  });
  it('a registered node, or a disk without a reservation, is rw', () => {
    const reservations = [{ diskId: 'd-1', holder: '0xabc', registrants: [{ instanceId: 'i-1' }] }];
    expect(mountText({ mounts, reservations }, 'i-1', 'd-1')).toBe('ocfs2 at /data (rw)');
    expect(mountText({ mounts }, 'i-1', 'd-1')).toBe('ocfs2 at /data (rw)');
    expect(mountText({ mounts }, 'i-2', 'd-1')).toBe('not mounted');
  });
});
