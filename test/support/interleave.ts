/** `spacing` of `dense`, then one of `sparse`, and so on; whichever runs out, the other follows. */
export function interleave<T>(dense: readonly T[], sparse: readonly T[], spacing: number): T[] {
  const queue: T[] = [];
  let next = 0;
  for (const item of sparse) {
    queue.push(...dense.slice(next, next + spacing), item);
    next += spacing;
  }
  queue.push(...dense.slice(next));
  return queue;
}
