/**
 * `name (id)`: the one way every surface shows a disk or an instance whose name is known (issue 21
 * point 4). Pure, so the watch's sentences and the Slack builders share it.
 */

/** Display names of disks and instances, by id. */
export type IdNames = Readonly<Record<string, string>>;

/** `name (id)` when `names` knows the id's name, else the id alone. */
export function namedId(names: IdNames | undefined, id: string): string {
  const name = names?.[id];
  return name && name !== id ? `${name} (${id})` : id;
}

/** A disk or instance id standing alone in a sentence (not inside a longer word or id). */
const ID_IN_TEXT = /(?<![\w-])[di]-[a-z0-9]+(?![\w-])/g;

/**
 * Every disk or instance id in `text` whose name `names` knows, written `name (id)`; an id already
 * written that way is left as it is. For sentences built where only ids were at hand (checks,
 * outcomes, step details).
 */
export function nameIds(text: string, names: IdNames | undefined): string {
  if (!names || Object.keys(names).length === 0) return text;
  return text.replace(ID_IN_TEXT, (id, offset: number) => {
    const name = names[id];
    if (!name || name === id) return id;
    const before = text.slice(Math.max(0, offset - name.length - 2), offset);
    return before === `${name} (` ? id : `${name} (${id})`;
  });
}
