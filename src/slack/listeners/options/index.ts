import type { App } from '@slack/bolt';
import { type AttachPicker, filterInstances, MAX_PICKER_OPTIONS } from '../../../app/attach-picker.js';
import type { Logger } from '../../../logger.js';
import { ACK_BUDGET_MS, withinBudget } from '../../ack-budget.js';
import {
  ACTION_ATTACH_INSTANCES,
  instanceOption,
  parseAttachFormMetadata,
} from '../../blocks/attach-form.js';

/**
 * The attach form's instance picker (block_suggestion): the eligible instances of the form's disk
 * whose name, id or type contains what the user typed, at most 100, answered within the ack
 * budget. A longer list comes as one group whose label says how many more there are.
 */
export function register(app: App, picker: AttachPicker, logger: Logger): void {
  app.options(ACTION_ATTACH_INSTANCES, async ({ body, ack }) => {
    const metadata = parseAttachFormMetadata(
      body.type === 'block_suggestion' ? body.view?.private_metadata : undefined,
    );
    if (!metadata) {
      await ack({ options: [] });
      return;
    }
    const started = performance.now();
    const loaded = await withinBudget(picker.eligible(metadata.diskId), ACK_BUDGET_MS);
    if (!loaded.done || !loaded.value) {
      logger.warn(
        {
          event: 'picker.unanswered',
          diskId: metadata.diskId,
          reason: loaded.done ? 'disk_not_found' : loaded.error ? 'cloud_error' : 'over_budget',
          ms: Math.round(performance.now() - started),
          ...(loaded.done ? {} : { err: loaded.error }),
        },
        'the instance picker got no options',
      );
      await ack({ options: [] });
      return;
    }
    const { shown, total } = filterInstances(loaded.value.instances, String(body.value ?? ''));
    const options = shown.map(instanceOption);
    if (total <= MAX_PICKER_OPTIONS) {
      await ack({ options });
      return;
    }
    const label = `First ${shown.length} of ${total}: type to narrow`;
    await ack({ option_groups: [{ label: { type: 'plain_text', text: label }, options }] });
  });
}
