import { COMMON_BASH, NVME_BASH } from './bash.js';
import {
  INSPECT_BODY,
  NVME_ACQUIRE_BODY,
  NVME_PREEMPT_BODY,
  NVME_REGISTER_BODY,
  NVME_REGISTER_INSPECT_BODY,
  NVME_REPORT_BODY,
} from './bodies.js';
import { type ScriptName, scriptMarker } from './contract.js';
import { INSPECT_DISKS_BODY } from './inspect-disks.js';
import {
  OCFS2_BASH,
  OCFS2_CLUSTER_BODY,
  OCFS2_FORMAT_BODY,
  OCFS2_LEAVE_BODY,
  OCFS2_MOUNT_BODY,
  OCFS2_PROBE_BODY,
} from './ocfs2.js';
import { FS_GROW_BODY, RESCAN_BODY, RESIZE_BASH } from './resize.js';
import { TAKEOVER_MOUNT_BODY } from './takeover.js';

export * from './contract.js';
export { type InspectDisksReport, inspectDisksReportSchema, MAX_SERIALS_PER_CALL } from './inspect-disks.js';

const BODIES: Record<ScriptName, string> = {
  inspect: INSPECT_BODY,
  'nvme-register': NVME_REGISTER_BODY,
  'nvme-register-inspect': NVME_REGISTER_INSPECT_BODY,
  'nvme-acquire': NVME_ACQUIRE_BODY,
  'nvme-preempt': NVME_PREEMPT_BODY,
  'nvme-report': NVME_REPORT_BODY,
  'inspect-disks': INSPECT_DISKS_BODY,
  'takeover-mount': TAKEOVER_MOUNT_BODY,
  'ocfs2-probe': OCFS2_PROBE_BODY,
  'ocfs2-cluster': OCFS2_CLUSTER_BODY,
  'ocfs2-format': OCFS2_FORMAT_BODY,
  'ocfs2-mount': OCFS2_MOUNT_BODY,
  'ocfs2-leave': OCFS2_LEAVE_BODY,
  rescan: RESCAN_BODY,
  'fs-grow': FS_GROW_BODY,
};

/** Scripts that need only the shared helpers, not the nvme-cli ones. */
const PLAIN: ReadonlySet<ScriptName> = new Set(['inspect', 'inspect-disks', 'takeover-mount']);

/** The full text sent with RunCommand: shebang, marker (line 2), shared bash, the script's body. */
export function scriptText(name: ScriptName): string {
  return `#!/bin/bash\n${scriptMarker(name)}\n${helpersOf(name)}${BODIES[name]}`;
}

function helpersOf(name: ScriptName): string {
  if (name.startsWith('ocfs2-')) return `${COMMON_BASH}${OCFS2_BASH}`;
  if (name === 'rescan' || name === 'fs-grow') return `${COMMON_BASH}${RESIZE_BASH}`;
  return PLAIN.has(name) ? COMMON_BASH : `${COMMON_BASH}${NVME_BASH}`;
}
