import { describe, expect, it } from 'vitest';
import { retryFinishes, retryOf } from '../../src/kinds/domain-registry.js';
import type { RequestKind } from '../../src/kinds/kinds.js';
import type { RequestParams, RequestState } from '../../src/workflow/request.js';

const attach = { diskId: 'd-1', instanceIds: ['i-1', 'i-2'], allowSingleNodeFs: false, regionId: 'cn-hz' };
const init = {
  diskId: 'd-1',
  regionId: 'cn-hz',
  fs: 'ocfs2',
  mountpoint: '/data',
  slots: 4,
  label: 'data',
  cluster: 'c1',
  uuid: 'u1',
};
const detach = { diskId: 'd-1', instanceIds: ['i-1'], force: false, regionId: 'cn-hz' };

const request = <K extends RequestKind>(kind: K, state: RequestState, params: RequestParams) => ({
  id: 'REQ-7',
  stepCursor: 0,
  kind,
  state,
  params,
});

describe('Retry of a finished request, as its kind maps it', () => {
  it('a partial attach or init is finished: the retry names it', () => {
    expect(retryFinishes(request('attach', 'partial', attach))).toBe(true);
    expect(retryOf(request('attach', 'partial', attach))).toMatchObject({
      kind: 'attach',
      finishes: 'REQ-7',
    });
    expect(retryFinishes(request('init', 'partial', init))).toBe(true);
    expect(retryOf(request('init', 'partial', init))).toMatchObject({ kind: 'init', finishes: 'REQ-7' });
  });

  it('a failed attach or init, and a partial detach, are filed again from scratch', () => {
    for (const r of [
      request('attach', 'failed', attach),
      request('init', 'failed', init),
      request('detach', 'partial', detach),
    ]) {
      expect(retryFinishes(r)).toBe(false);
      const command = retryOf(r);
      expect(command).toMatchObject({ kind: r.kind, diskId: 'd-1' });
      expect(command).not.toHaveProperty('finishes');
    }
  });

  it('stored parameters that fit no kind give no retry', () => {
    expect(retryOf(request('attach', 'partial', { diskId: 'd-1' }))).toBeUndefined();
  });
});
