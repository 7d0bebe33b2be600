/**
 * Admin routes for least-privilege tests: load a RAM policy for an access key (`POST /ram`), read
 * them (`GET /ram`), and tag an instance, a disk or a snapshot (`POST /tags`) so tag conditions have something
 * to match; list the registered Cloud Assistant commands (`GET /commands`). Policies are
 * configuration: a world reset keeps them.
 */
import { z } from 'zod';
import { commandsOf } from './actions/commands.js';
import type { AdminReply } from './admin.js';
import { type RamPolicy, ramPolicySchema } from './ram.js';
import type { World } from './world.js';

export interface RamTarget {
  world(): World;
  readonly ramPolicies: Record<string, RamPolicy>;
}

const tagSchema = z.strictObject({ key: z.string().min(1).max(128), value: z.string().max(128) });
const setPolicySchema = z.strictObject({
  accessKeyId: z.string().min(1),
  policy: ramPolicySchema.nullable(),
});
const setTagsSchema = z.strictObject({
  resource: z.enum(['instance', 'disk', 'snapshot']),
  id: z.string().min(1),
  tags: z.array(tagSchema).max(20),
});

const invalidBody = (issues: unknown): AdminReply => ({
  status: 400,
  body: { error: 'invalid body', issues },
});

/** Undefined when the route is not one of these (the general admin routes answer it). */
export function handleRamAdmin(
  target: RamTarget,
  method: string,
  path: string,
  body: unknown,
): AdminReply | undefined {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  if (route === 'GET /commands') {
    const commands = [...commandsOf(target.world()).values()].map((c) => ({
      commandId: c.commandId,
      name: c.name,
      content: c.content,
      parameterNames: c.parameterNames,
      invokeTimes: c.invokeTimes,
    }));
    return { status: 200, body: { commands } };
  }
  if (route === 'GET /ram') return { status: 200, body: { policies: target.ramPolicies } };
  if (route === 'POST /ram') {
    const parsed = setPolicySchema.safeParse(body);
    if (!parsed.success) return invalidBody(parsed.error.issues);
    const { accessKeyId, policy } = parsed.data;
    if (policy === null) delete target.ramPolicies[accessKeyId];
    else target.ramPolicies[accessKeyId] = policy;
    return { status: 200, body: { accessKeyId, enforced: policy !== null } };
  }
  if (route === 'POST /tags') {
    const parsed = setTagsSchema.safeParse(body);
    if (!parsed.success) return invalidBody(parsed.error.issues);
    const { resource, id, tags } = parsed.data;
    const world = target.world();
    const found =
      resource === 'instance'
        ? world.instances.get(id)
        : resource === 'disk'
          ? world.disks.get(id)
          : world.snapshots.get(id);
    if (!found) return { status: 404, body: { error: `${resource} ${id} not found` } };
    found.tags = tags.map((t) => ({ ...t }));
    return { status: 200, body: { resource, id, tags } };
  }
  return undefined;
}
