/** The body of each bot script, after the shared bash (see \`./bash.ts\` for how it is escaped). */

/**
 * The inspect report of the disk whose serial is $serial, as one JSON line: file system, mounts,
 * read-only flag, reservation and size. Shared by inspect, inspect-disks and nvme-register-inspect.
 */
export const INSPECT_REPORT = `check_serial
if ! dev=$(find_device); then
  printf '{"attached":false,"device":null,"serial":%s,"fstype":null,"mountpoints":[],"readOnly":false,"reservation":null,"sizeGiB":null}\\n' "$(json_str "$serial")"
  exit 0
fi
name=$(basename "$dev")
devices=("$dev")
for p in "$sys_block/$name/$name"p*; do [ -e "$p" ] && devices+=("/dev/$(basename "$p")"); done

fstype=''
mounts=''
count=0
rw=0
for d in "\${devices[@]}"; do
  # blkid reads the superblock (root); lsblk asks udev, which may lag behind a fresh mkfs.
  [ -n "$fstype" ] || fstype=$(blkid -o value -s TYPE "$d" 2>/dev/null || lsblk -dno FSTYPE "$d" 2>/dev/null || true)
  # -r escapes blanks and backslashes as \\xHH, which printf %b turns back exactly.
  while read -r target options; do
    [ -n "$target" ] || continue
    mounts="$mounts\${mounts:+,}$(json_str "$(printf '%b' "$target")")"
    count=$((count + 1))
    case ",$options," in *,ro,*) ;; *) rw=$((rw + 1)) ;; esac
  done < <(findmnt -rn -S "$d" -o TARGET,OPTIONS 2>/dev/null)
done

read -r ro_flag <"$sys_block/$name/ro" 2>/dev/null || ro_flag=0
read_only=false
if [ "$ro_flag" = 1 ] || { [ "$count" -gt 0 ] && [ "$rw" -eq 0 ]; }; then read_only=true; fi

# Without nvme-cli the reservation state is unknown: null, not an empty report.
reservation=null
if command -v nvme >/dev/null 2>&1; then reservation=$(resv_json "$dev") || reservation=null; fi

# The size this guest sees (sysfs counts 512-byte sectors), so a node that missed a resize shows.
size_gib=null
if read -r sectors 2>/dev/null <"$sys_block/$name/size" && [[ $sectors =~ ^[0-9]+$ ]]; then
  size_gib=$((sectors * 512 / 1073741824))
fi

fs_json=null
[ -n "$fstype" ] && fs_json=$(json_str "$fstype")
printf '{"attached":true,"device":%s,"serial":%s,"fstype":%s,"mountpoints":[%s],"readOnly":%s,"reservation":%s,"sizeGiB":%s}\\n' \\
  "$(json_str "$dev")" "$(json_str "$serial")" "$fs_json" "$mounts" "$read_only" "$reservation" "$size_gib"
`;

export const INSPECT_BODY = `# Read-only: finds the disk's NVMe namespace by serial and reports file system, mounts and reservation.
script=inspect
serial='{{serial}}'
${INSPECT_REPORT}`;

/** Registers this host's own key (Register action, rrega=0); already registered with it, nothing to do. */
const REGISTER_OWN_KEY = `own_key '{{ACS::InstanceId}}'
prepare
if ! registered "$key"; then
  out=$(nvme resv-register "$dev" --nrkey="$key" --rrega=0 2>&1) || nvme_fail "$out"
  report=$(resv_json "$dev") || fail 5 "nvme resv-report failed on $dev"
fi
`;

export const NVME_REGISTER_BODY = `# Registers this host's own key (Register action, rrega=0). Already registered with it: nothing to do.
script=nvme-register
serial='{{serial}}'
${REGISTER_OWN_KEY}printf '%s\\n' "$report"
`;

export const NVME_REGISTER_INSPECT_BODY = `# Registers this host's own key exactly as nvme-register does, then prints the disk's inspect
# report, read after the registration: the attach's key proof and mount table in one round.
script=nvme-register-inspect
serial='{{serial}}'
${REGISTER_OWN_KEY}${INSPECT_REPORT}`;

export const NVME_ACQUIRE_BODY = `# Takes the reservation, type 3 (Write Exclusive, Registrants Only). Holding it already: nothing to do.
script=nvme-acquire
serial='{{serial}}'
own_key '{{ACS::InstanceId}}'
prepare
if [ "$(holder_of)" != "$(norm_key "$key")" ]; then
  out=$(nvme resv-acquire "$dev" --crkey="$key" --rtype=3 --racqa=0 2>&1) || nvme_fail "$out"
  report=$(resv_json "$dev") || fail 5 "nvme resv-report failed on $dev"
fi
printf '%s\\n' "$report"
`;

export const NVME_PREEMPT_BODY = `# Fences the victim: preempt (racqa=1) removes every registration with victimKey and makes this
# host's key the holder. A victim already gone while this host holds the reservation is a retried
# failover: nothing to do.
script=nvme-preempt
serial='{{serial}}'
victim='{{victimKey}}'
own_key '{{ACS::InstanceId}}'
check_key victimKey "$victim"
[ "$(norm_key "$key")" != "$(norm_key "$victim")" ] || fail 2 "victimKey must differ from this host's key"
prepare
if registered "$victim" || [ "$(holder_of)" != "$(norm_key "$key")" ]; then
  out=$(nvme resv-acquire "$dev" --crkey="$key" --prkey="$victim" --rtype=3 --racqa=1 2>&1) || nvme_fail "$out"
  report=$(resv_json "$dev") || fail 5 "nvme resv-report failed on $dev"
  # Preempting a mere registrant (not the holder) leaves no reservation behind: take it.
  if [ -z "$(holder_of)" ]; then
    out=$(nvme resv-acquire "$dev" --crkey="$key" --rtype=3 --racqa=0 2>&1) || nvme_fail "$out"
    report=$(resv_json "$dev") || fail 5 "nvme resv-report failed on $dev"
  fi
fi
printf '%s\\n' "$report"
`;

export const NVME_REPORT_BODY = `# Read-only: the reservation holder, type and registered keys.
script=nvme-report
serial='{{serial}}'
prepare
printf '%s\\n' "$report"
`;
