/**
 * After a resize, every attached node must see the new size before any file system grows (issue
 * 19). This reads the `rescan` outcomes into one row per node ("sees 80 GiB ✓ / still 60 GiB ✗")
 * and says whether growing may go on; a node that did not answer counts as not seeing it.
 */
import type { TargetOutcome } from '../assistant.js';
import type { RescanReport } from '../scripts/index.js';

export interface RescanRow {
  readonly instanceId: string;
  readonly sees: boolean;
  /** What the guest reported; null when it did not answer. */
  readonly seenGiB: number | null;
  /** Why there is no size (the outcome's plain message), for a node that did not answer. */
  readonly why?: string;
}

export interface RescanVerdict {
  readonly expectGiB: number;
  readonly rows: readonly RescanRow[];
  /** Every attached node sees the new size: growing may go on. */
  readonly allSee: boolean;
  readonly behind: readonly string[];
}

/** One row per attached instance, in attachment order; an instance missing from the outcomes did not answer. */
export function verifyRescan(
  expectGiB: number,
  attached: readonly string[],
  outcomes: readonly TargetOutcome<RescanReport>[],
): RescanVerdict {
  const byId = new Map(outcomes.map((o) => [o.instanceId, o]));
  const rows = attached.map((instanceId): RescanRow => {
    const o = byId.get(instanceId);
    if (!o) return { instanceId, sees: false, seenGiB: null, why: 'no answer from the rescan' };
    if (!o.ok) return { instanceId, sees: false, seenGiB: null, why: o.message };
    return { instanceId, sees: o.value.sizeGiB >= expectGiB, seenGiB: o.value.sizeGiB };
  });
  const behind = rows.filter((r) => !r.sees).map((r) => r.instanceId);
  return { expectGiB, rows, allSee: behind.length === 0, behind };
}

/**
 * `/disk status`: the size each attached guest sees, from the mount table's inspect read (one
 * invocation for both, and a guest known to be unresponsive costs no second one). No rescan runs,
 * so a node that missed a resize shows its old size.
 */
export function verifySeenSizes(
  diskGiB: number,
  rows: readonly { instanceId: string; attachment: string; sizeGiB?: number | null; why?: string }[],
): RescanVerdict {
  const seen = rows
    .filter((r) => r.attachment === 'attached')
    .map((r): RescanRow => {
      const seenGiB = r.sizeGiB ?? null;
      if (seenGiB === null)
        return { instanceId: r.instanceId, sees: false, seenGiB, why: r.why ?? 'its guest reported no size' };
      return { instanceId: r.instanceId, sees: seenGiB >= diskGiB, seenGiB };
    });
  const behind = seen.filter((r) => !r.sees).map((r) => r.instanceId);
  return { expectGiB: diskGiB, rows: seen, allSee: behind.length === 0, behind };
}

/** One plain line per node; `label` turns an id into what people call it (name and id). */
export function rescanLines(v: RescanVerdict, label: (instanceId: string) => string = (id) => id): string[] {
  return v.rows.map((r) => {
    if (r.sees) return `${label(r.instanceId)} sees ${r.seenGiB} GiB ✓`;
    if (r.seenGiB === null) return `${label(r.instanceId)} did not report a size ✗ (${r.why ?? 'no answer'})`;
    return `${label(r.instanceId)} still sees ${r.seenGiB} GiB ✗`;
  });
}

/** What to do about the nodes that missed it; nothing has been grown, and Retry resumes from the rescan. */
export function rescanAdvice(v: RescanVerdict, label: (instanceId: string) => string = (id) => id): string {
  if (v.allSee) return `Every node sees ${v.expectGiB} GiB.`;
  const who = v.behind.map(label).join(', ');
  return `${who} ${v.behind.length === 1 ? 'does' : 'do'} not see ${v.expectGiB} GiB yet, so no file system was grown. Reboot ${v.behind.length === 1 ? 'it' : 'them'}, or detach and re-attach through the bot, then press Retry: it resumes from this check and never resizes again.`;
}
