/**
 * What Slack accepts as an app's answer to `block_suggestion` (Block Kit: options and option
 * groups): `options` (≤ 100) or `option_groups` (≤ 100, each ≤ 100 options); option text and group
 * labels plain_text ≤ 75 characters, values ≤ 150. The sandbox refuses anything else, naming the
 * problem, where real Slack would show the user an empty or broken menu.
 */
import { z } from 'zod';

const MAX_OPTIONS = 100;
const MAX_GROUPS = 100;

const plainText = z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(75) }).loose();
const option = z
  .object({ text: plainText, value: z.string().min(1).max(150), description: plainText.optional() })
  .loose();
const options = z.array(option).max(MAX_OPTIONS);
const flat = z.object({ options }).loose();
const grouped = z
  .object({ option_groups: z.array(z.object({ label: plainText, options }).loose()).max(MAX_GROUPS) })
  .loose();

export type Suggestions = z.infer<typeof flat> | z.infer<typeof grouped>;
export type SuggestOutcome = ({ ok: true } & Suggestions) | { ok: false; error: string };

/** Checks the body of the app's 200 answer. */
export function readSuggestions(body: unknown): SuggestOutcome {
  const hasGroups = typeof body === 'object' && body !== null && 'option_groups' in body;
  const parsed = (hasGroups ? grouped : flat).safeParse(body);
  if (parsed.success) return { ok: true, ...parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  return { ok: false, error: `invalid options response (${where}: ${issue?.message ?? 'unknown'})` };
}
