import { describe, expect, it } from 'vitest';
import { interleave } from '../support/interleave.js';

describe("the suite's queue: child-process files spread through the shared-process files", () => {
  it('queues `spacing` shared files before each child-process file, in their own orders', () => {
    expect(interleave(['s1', 's2', 's3', 's4', 's5'], ['c1', 'c2'], 2)).toEqual([
      's1',
      's2',
      'c1',
      's3',
      's4',
      'c2',
      's5',
    ]);
  });

  it('keeps the rest of either list when the other runs out', () => {
    expect(interleave(['s1'], ['c1', 'c2'], 2)).toEqual(['s1', 'c1', 'c2']);
    expect(interleave(['s1', 's2', 's3'], [], 2)).toEqual(['s1', 's2', 's3']);
  });
});
