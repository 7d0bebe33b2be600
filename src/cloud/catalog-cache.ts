/**
 * Facts of the ECS catalog that never change for the same id: whether an instance type attaches
 * disks over NVMe, whether an image carries NVMe drivers. The safety rules judge them at filing and
 * again before every mutation, so without this a request reads the same constants four times and
 * a fleet of requests spends its read budget on them. Which type and image an instance has is still
 * read fresh (DescribeInstances); only the catalog's answer about that type or image is kept.
 */
export class CatalogCache<T> {
  private readonly entries = new Map<string, { readonly value: T; readonly at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The entries for `keys` in their order, reading only the ones not known for `ttlMs` in one call;
   * a key the catalog does not answer for is not remembered (asked again next time).
   */
  async read(
    keys: readonly string[],
    fetch: (missing: readonly string[]) => Promise<readonly T[]>,
    keyOf: (value: T) => string,
  ): Promise<T[]> {
    const now = this.now();
    const wanted = [...new Set(keys)];
    const missing = wanted.filter((key) => {
      const hit = this.entries.get(key);
      return !hit || now - hit.at >= this.ttlMs;
    });
    if (missing.length > 0)
      for (const value of await fetch(missing)) this.entries.set(keyOf(value), { value, at: now });
    return wanted.flatMap((key) => {
      const hit = this.entries.get(key);
      return hit ? [hit.value] : [];
    });
  }
}
