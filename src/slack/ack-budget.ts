/**
 * Slack wants every ack within 3 s. Work that decides what the ack says (options for a picker,
 * inline form errors) gets a budget below that; past it the ack goes out without the answer.
 */
export const ACK_BUDGET_MS = 2_000;

export type Budgeted<T> =
  | { readonly done: true; readonly value: T }
  | { readonly done: false; readonly error?: unknown };

/** `work`'s value if it settles within `ms`; otherwise (or if it fails) `done: false`. */
export async function withinBudget<T>(work: Promise<T>, ms = ACK_BUDGET_MS): Promise<Budgeted<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Budgeted<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([
      work.then(
        (value): Budgeted<T> => ({ done: true, value }),
        (error: unknown): Budgeted<T> => ({ done: false, error }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
