import { describe, expect, it } from 'vitest';
import { CatalogCache } from '../../src/cloud/catalog-cache.js';

interface Type {
  readonly id: string;
  readonly nvme: boolean;
}

describe('the catalog cache', () => {
  it('asks the catalog only for what it does not know, once per TTL, and answers in the order asked', async () => {
    let now = 0;
    const cache = new CatalogCache<Type>(60_000, () => now);
    const asked: string[][] = [];
    const fetch = async (missing: readonly string[]) => {
      asked.push([...missing]);
      return missing.filter((id) => id !== 'gone').map((id) => ({ id, nvme: id.startsWith('g7') }));
    };
    const read = (ids: string[]) => cache.read(ids, fetch, (t) => t.id);
    expect((await read(['g7.large', 'g5.large'])).map((t) => t.id)).toEqual(['g7.large', 'g5.large']);
    expect((await read(['g5.large', 'g7.large', 'g7.large', 'g8.large'])).map((t) => t.id)).toEqual([
      'g5.large',
      'g7.large',
      'g8.large',
    ]);
    // Unknown to the catalog: not remembered, asked again.
    expect(await read(['gone'])).toEqual([]);
    expect(await read(['gone'])).toEqual([]);
    now = 60_000;
    await read(['g7.large']);
    expect(asked).toEqual([['g7.large', 'g5.large'], ['g8.large'], ['gone'], ['gone'], ['g7.large']]);
  });
});
