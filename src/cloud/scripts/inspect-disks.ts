import { z } from 'zod';
import { INSPECT_REPORT } from './bodies.js';
import { inspectReportSchema, SERIAL_CHARACTERS } from './contract.js';

/**
 * `inspect-disks:1` {serials}: the watcher's inspect, one RunCommand for up to 100 instances and
 * every watched disk attached to any of them. `serials` is a comma-separated list; each is
 * inspected exactly like `inspect` (the same body, run in a subshell per serial), and only the
 * disks visible on this host are reported, so the output stays far below the 24 KB limit.
 * Escaped for a template literal: read `\\` as one backslash and `\${` as `${`.
 */

export const INSPECT_DISKS_BODY = `# Read-only: the inspect report of every listed serial this host sees, as one JSON line.
script=inspect-disks
serials='{{serials}}'
case $serials in
  '' | *[!,${SERIAL_CHARACTERS}]*) fail 2 'parameter "serials" is missing or malformed (comma-separated serials)' ;;
esac
inspect_one() (
serial=$1
# Read-only: finds the disk's NVMe namespace by serial and reports file system, mounts and reservation.
${INSPECT_REPORT}
)
out=''
IFS=, read -ra wanted <<<"$serials"
for s in "\${wanted[@]}"; do
  [ -n "$s" ] || continue
  line=$(inspect_one "$s") || continue
  case $line in *'"attached":true'*) out="$out\${out:+,}$line" ;; esac
done
printf '{"disks":[%s]}\\n' "$out"
`;

export const inspectDisksReportSchema = z.object({ disks: z.array(inspectReportSchema) });
export type InspectDisksReport = z.infer<typeof inspectDisksReportSchema>;

/** Serials per call (≈ 21 bytes each): with the script, far below the 24 KB content limit after Base64. */
export const MAX_SERIALS_PER_CALL = 300;
