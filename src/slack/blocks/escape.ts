/**
 * Escapes text for Slack mrkdwn the way Slack asks: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`.
 * Echoed user text then cannot form `<!channel>`, `<@U123>` mentions or `<http://…|links>`.
 * `&` goes first so an escape is never escaped twice.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
