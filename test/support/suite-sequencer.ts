import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { interleave } from './interleave.js';

export const SHARED_PROJECT = 'integration';
export const CHILD_PROCESS_PROJECT = 'child-processes';

/**
 * Shared-process files queued before each child-process file: as many as the default workers, so
 * the first child process starts after the start-up rush of the first processes importing the
 * code, and later ones start one at a time.
 */
const SPACING = 4;

/**
 * The queue vitest's workers take files from, for two CPUs. Inside each project the longest files
 * go first (by the duration cached from the last run; files never run, first, larger first).
 * Unlike vitest's own order, a file that failed last time is not moved to the front: a run that
 * failed at once (no Redis, say) would otherwise queue every file it touched before the long ones.
 * The child-process files are spread through the shared integration files instead of queued
 * together: each starts Node children or Chromium, and four of those starting at once on two cores
 * missed their start-up deadlines. Unit files (CPU only: the guest scripts, property runs) follow
 * the last child-process file, so they fill the CPU while the long integration files wait instead
 * of running alone at the end.
 */
export class SuiteSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const key = (spec: TestSpecification) => `${spec.project.name}:${relative(config.root, spec.moduleId)}`;
    const longestFirst = (name: string) =>
      files
        .filter((spec) => spec.project.name === name)
        .map((spec) => ({
          spec,
          duration: cache.getFileTestResults(key(spec))?.duration,
          size: cache.getFileStats(key(spec))?.size ?? 0,
        }))
        .sort((a, b) =>
          a.duration === undefined || b.duration === undefined
            ? Number(a.duration !== undefined) - Number(b.duration !== undefined) || b.size - a.size
            : b.duration - a.duration,
        )
        .map(({ spec }) => spec);
    const names = [...new Set(files.map((spec) => spec.project.name))].sort();
    const rest = names.filter((name) => name !== SHARED_PROJECT && name !== CHILD_PROCESS_PROJECT);
    const integration = interleave(
      longestFirst(SHARED_PROJECT),
      longestFirst(CHILD_PROCESS_PROJECT),
      SPACING,
    );
    const lastChild = integration.findLastIndex((spec) => spec.project.name === CHILD_PROCESS_PROJECT);
    return [
      ...integration.slice(0, lastChild + 1),
      ...rest.flatMap(longestFirst),
      ...integration.slice(lastChild + 1),
    ];
  }
}
