/**
 * Cloud Assistant's command parameters (RunCommand with `EnableParameter=true`): `{{name}}` in the
 * content, custom values from `Parameters`, built-in `{{ACS::…}}` values substituted per instance,
 * and the limits the service checks before it runs anything. Sources: the RunCommandRequest model
 * of the ECS SDK and cloud-assistant-ocfs2-slack-facts.md §1.1.
 */
import { EcsError } from './errors.js';

/** Built-in parameters, by their lower-case name (names are case-insensitive) → canonical name. */
export const BUILTINS = new Map(
  ['RegionId', 'AccountId', 'InstanceId', 'InstanceName', 'InvokeId', 'CommandId'].map((n) => [
    `acs::${n.toLowerCase()}`,
    `ACS::${n}`,
  ]),
);

/** At most this many distinct names, custom and built-in together, in one command. */
export const MAX_PARAMETERS = 20;
export const MAX_PARAMETER_NAME_BYTES = 64;
/** The content, with custom parameters substituted, after Base64. */
export const MAX_CONTENT_BASE64_BYTES = 24 * 1024;
export const MAX_INSTANCES = 100;

const NAME = /^[A-Za-z0-9_-]+$/;
/** `{{ name }}`: blanks and line breaks around the name are ignored. */
const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const RESERVED = /^acs::/i;

const invalidName = (name: string): EcsError =>
  new EcsError(
    'CmdParam.InvalidParamName',
    `Invalid parameter name. The name can contain only lowercase letters (a to z), uppercase letters (A to Z), numbers (0 to 9), hyphens (-), and underscores (_). The acs:: prefix is reserved for built-in parameters (${[...BUILTINS.values()].join(', ')}): "${name}".`,
  );

/** The distinct names the content references, as written (first spelling wins). */
export function referencedNames(content: string): string[] {
  const seen = new Map<string, string>();
  for (const m of content.matchAll(REFERENCE)) {
    const name = m[1] ?? '';
    if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  }
  return [...seen.values()];
}

function checkName(name: string, where: 'content' | 'Parameters'): void {
  if (name === '') throw new EcsError('CmdParam.EmptyKey');
  if (RESERVED.test(name)) {
    // In the content a known built-in is fine; in Parameters the namespace is never the caller's.
    if (where === 'Parameters' || !BUILTINS.has(name.toLowerCase())) throw invalidName(name);
    return;
  }
  if (!NAME.test(name)) throw invalidName(name);
  if (Buffer.byteLength(name) > MAX_PARAMETER_NAME_BYTES) throw new EcsError('CmdParamName.ExceedLimit');
}

/** Replaces every `{{name}}` that has a value (looked up case-insensitively); others stay. */
export function renderCommand(content: string, values: Readonly<Record<string, string>>): string {
  const byLower = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  return content.replace(REFERENCE, (whole, name: string) => byLower.get(name.toLowerCase()) ?? whole);
}

/**
 * What RunCommand refuses before creating an invocation: too many instances, bad or reserved
 * parameter names, too many parameters, content too large.
 */
export function checkCommand(input: {
  content: string;
  enableParameter: boolean;
  parameters: Readonly<Record<string, string>>;
  instanceCount: number;
}): void {
  if (input.instanceCount > MAX_INSTANCES) throw new EcsError('InstanceIds.ExceedLimit');
  let rendered = input.content;
  if (input.enableParameter) {
    const referenced = referencedNames(input.content);
    for (const name of referenced) checkName(name, 'content');
    const given = Object.keys(input.parameters);
    for (const name of given) checkName(name, 'Parameters');
    if (referenced.length > MAX_PARAMETERS || given.length > MAX_PARAMETERS)
      throw new EcsError('CmdParamCount.ExceedLimit');
    rendered = renderCommand(input.content, input.parameters);
  }
  if (Buffer.from(rendered).toString('base64').length > MAX_CONTENT_BASE64_BYTES)
    throw new EcsError('CmdContent.ExceedLimit');
}

/** The built-in values of one copy of the command. */
export interface BuiltinContext {
  readonly regionId: string;
  readonly accountId: string;
  readonly instanceId: string;
  readonly instanceName: string;
  readonly invokeId: string;
  readonly commandId: string;
}

/**
 * The values one instance's copy of the command sees, keyed by lower-case name: the custom
 * `Parameters`, plus each built-in the content references (substituted for THIS instance).
 * Without `EnableParameter` nothing is substituted: null.
 */
export function valuesFor(
  content: string,
  parameters: Readonly<Record<string, string>> | null,
  ctx: BuiltinContext,
): Record<string, string> | null {
  if (parameters === null) return null;
  const builtin: Record<string, string> = {
    'ACS::RegionId': ctx.regionId,
    'ACS::AccountId': ctx.accountId,
    'ACS::InstanceId': ctx.instanceId,
    'ACS::InstanceName': ctx.instanceName,
    'ACS::InvokeId': ctx.invokeId,
    'ACS::CommandId': ctx.commandId,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parameters)) out[k.toLowerCase()] = v;
  for (const name of referencedNames(content)) {
    const canonical = BUILTINS.get(name.toLowerCase());
    if (canonical) out[name.toLowerCase()] = builtin[canonical] ?? '';
  }
  return out;
}
