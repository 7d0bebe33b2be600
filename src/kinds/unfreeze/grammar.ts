/**
 * `/disk unfreeze [--reason …]`: flags, positionals, the schema from the tokenized form, help and
 * canonical text. Pure; read by src/commands through the kinds list.
 */
import { z } from 'zod';
import { flagWords } from '../../commands/canonical.js';
import { reasonSchema } from '../../commands/fields.js';
import { REASON_FLAG } from '../../commands/vocabulary.js';
import { type KindGrammar, ownsKinds } from '../grammar.js';
import type { UnfreezeCommand } from './command.js';

const schema = z
  .object({ reason: reasonSchema.optional() })
  .transform(
    (v): UnfreezeCommand => ({ kind: 'unfreeze', ...(v.reason === undefined ? {} : { reason: v.reason }) }),
  );

export const unfreezeGrammar: KindGrammar<UnfreezeCommand> = {
  flags: { reason: REASON_FLAG },
  positionals: { fields: [], required: 0 },
  schema,
  usage: ['/disk unfreeze [--reason "<text>"]'],
  summary: 'Request the end of the change freeze (goes to approval).',
  notes: [
    'Opens a request (policy action unfreeze); its approval lifts the freeze. Answered "not frozen" when there is none.',
  ],
  examples: ['/disk unfreeze', '/disk unfreeze --reason "INC-42 resolved"'],
  owns: ownsKinds({ unfreeze: true }),
  render: (command) => ['unfreeze', ...flagWords('reason', command.reason)],
};
