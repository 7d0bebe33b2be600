/** The page's only channel to the console server: JSON over same-origin fetch, and a toast for failures. */
import { byId } from './dom.js';

export async function api<T = { ok: boolean; error?: string }>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(
    path,
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const json = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(json.error || `HTTP ${response.status}`);
  return json;
}

let toastTimer = 0;

export function toast(text: string): void {
  const t = byId('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    t.hidden = true;
  }, 5000);
}

/** The message of whatever was thrown, for a toast. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
