import { luaCodeConstants } from '../codes.js';

/** Approximate cap of the audit stream (`XADD … MAXLEN ~`). */
export const AUDIT_MAXLEN = 100_000;

/**
 * Shared by every transition script, inserted after its header: the negative codes (generated
 * from `ScriptCode`) and `audit()`, which appends one entry to the audit stream.
 */
export const PRELUDE = `
${luaCodeConstants()}
local function audit(stream, event, id, actor, at, from, to, details)
  redis.call('XADD', stream, 'MAXLEN', '~', ${AUDIT_MAXLEN}, '*',
    'event', event, 'request', id, 'actor', actor, 'at', at, 'from', from, 'to', to, 'details', details)
end
`;

/** A Lua script and how it is registered (see `../scripts.ts`). */
export interface ScriptDefinition {
  /** The transition it implements; the command is `sdb_<name>_v<version>`. */
  readonly name: string;
  /** Bump when the script's contract changes so old and new replicas never share a name. */
  readonly version: number;
  readonly numberOfKeys: number;
  readonly lua: string;
}

export function defineScript(def: {
  name: string;
  version: number;
  numberOfKeys: number;
  header: string;
  body: string;
}): ScriptDefinition {
  return {
    name: def.name,
    version: def.version,
    numberOfKeys: def.numberOfKeys,
    lua: `${def.header.trim()}\n${PRELUDE}\n${def.body.trim()}\n`,
  };
}
