/** Slack errors that mean the payload itself was refused; the same payload would fail again. */
export const REFUSED_PAYLOAD: ReadonlySet<string> = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
]);

/** Slack's error code (`channel_not_found`, `invalid_blocks`) or the client's for a network failure. */
export function slackErrorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown_error';
  const data = (error as { data?: { error?: unknown } }).data;
  if (typeof data?.error === 'string') return data.error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unknown_error';
}
