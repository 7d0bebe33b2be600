/**
 * Admin routes for the OCFS2 model (below `/_emulator`):
 * - `GET /ocfs2` → each host's tools, cluster and stack, each disk's OCFS2 file system and format count.
 * - `POST /instances/<id>/ocfs2` `{tools?, installable?}` → set whether ocfs2-tools is present, and
 *   whether the image can install it (the "missing tools" fault).
 * - `POST /instances/<id>/ocfs2` `{mountFails}` → every new OCFS2 mount on the host fails (the
 *   "mount refused" fault), until set back to false.
 */
import { z } from 'zod';
import { ocfs2Host, ocfs2World } from './ocfs2-runner.js';
import type { World } from './world.js';

const hostSchema = z
  .object({
    tools: z.boolean().optional(),
    installable: z.boolean().optional(),
    mountFails: z.boolean().optional(),
  })
  .strict();

interface Reply {
  status: number;
  body: unknown;
}

export function ocfs2AdminRoute(world: World, route: string, body: unknown): Reply | null {
  if (route === 'GET /ocfs2') {
    const w = ocfs2World(world);
    return {
      status: 200,
      body: { hosts: Object.fromEntries(w.hosts), filesystems: Object.fromEntries(w.fs) },
    };
  }
  const m = /^POST \/instances\/([^/]+)\/ocfs2$/.exec(route);
  if (!m) return null;
  const id = decodeURIComponent(m[1] ?? '');
  if (!world.instances.has(id)) return { status: 404, body: { error: `instance ${id} not found` } };
  const parsed = hostSchema.safeParse(body);
  if (!parsed.success) return { status: 400, body: { error: 'invalid body', issues: parsed.error.issues } };
  const host = ocfs2Host(world, id);
  if (parsed.data.tools !== undefined) host.tools = parsed.data.tools;
  if (parsed.data.installable !== undefined) host.installable = parsed.data.installable;
  if (parsed.data.mountFails !== undefined) host.mountFails = parsed.data.mountFails;
  return { status: 200, body: { instanceId: id, ...host } };
}
