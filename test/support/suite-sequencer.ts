import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const SHARED_PROJECT = 'integration';
export const CHILD_PROCESS_PROJECT = 'child-processes';

/**
 * Shared-process files queued before each child-process file: as many as the default workers, so
 * the first child process starts after the start-up rush of the first processes importing the
 * code, and later ones start one at a time.
 */
const SPACING = 4;

/**
 * The queue vitest's workers take files from, for two CPUs. Each project keeps vitest's own order
 * (longest cached duration first). The child-process files are spread through the shared
 * integration files instead of queued together: each starts Node children or Chromium, and four
 * of those starting at once on two cores missed their start-up deadlines. Unit files go last,
 * filling the CPU while the long integration files wait.
 */
export class SuiteSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const of = (name: string) => sorted.filter((spec) => spec.project.name === name);
    const shared = of(SHARED_PROJECT);
    const children = of(CHILD_PROCESS_PROJECT);
    const rest = sorted.filter(
      (spec) => ![SHARED_PROJECT, CHILD_PROCESS_PROJECT].includes(spec.project.name),
    );
    return [...interleave(shared, children, SPACING), ...rest];
  }
}

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
