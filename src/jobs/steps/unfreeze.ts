import type { StepRunner } from './context.js';

/** `/disk unfreeze`, approved: lifts the change freeze. No cloud call, no lock. */
export const runUnfreeze: StepRunner<'unfreeze'> = async (ctx) => {
  const lifted = await ctx.freeze.lift();
  return {
    state: 'succeeded',
    outcome: lifted
      ? { code: 'unfrozen', message: 'The change freeze is lifted: changes may be filed and started again.' }
      : { code: 'not_frozen', message: 'No change freeze was in force any more; nothing to lift.' },
    attachments: [],
    failures: [],
  };
};
