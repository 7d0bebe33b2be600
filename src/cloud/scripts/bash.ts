/**
 * Bash shared by every bot script (real bash for real hosts; no jq, works on bash 4.2+).
 * Kept as TypeScript strings, like the Lua scripts, so tsx, vitest and a bundle need no file lookups.
 * Escaped for a template literal: read `\\` as one backslash and `\${` as `${`.
 */
import { SERIAL_CHARACTERS } from './contract.js';

/** Strict mode, JSON string building, failures, device lookup by serial, reservation report parsing. */
export const COMMON_BASH = `# Runs as root through Cloud Assistant; stdout is the answer, so nothing else may print there.
set -u
export LC_ALL=C
sys_block=/sys/block

# One JSON string, built without jq: backslash, quote, \\n \\r \\t escaped; other control characters dropped.
json_str() {
  printf '%s' "$1" | awk 'BEGIN { RS = "\\001"; ORS = "" }
    { for (i = 1; i <= length($0); i++) {
        c = substr($0, i, 1)
        if (c == "\\\\") out = out "\\\\\\\\"
        else if (c == "\\"") out = out "\\\\\\""
        else if (c == "\\n") out = out "\\\\n"
        else if (c == "\\r") out = out "\\\\r"
        else if (c == "\\t") out = out "\\\\t"
        else if (c >= " " && c != "\\177") out = out c
      } }
    END { printf "\\"%s\\"", out }'
}

# Plain-text failure: one line, then the contract's exit code.
fail() {
  printf '%s: %s\\n' "$script" "$2"
  exit "$1"
}

check_serial() {
  case $serial in
    '' | *[!${SERIAL_CHARACTERS}]*) fail 2 'parameter "serial" is missing or malformed (send it in Parameters with EnableParameter=true)' ;;
  esac
}

# Decimal or 0x hex, non-zero, at most 64 bits: what nvme resv-* accepts.
check_key() {
  if ! printf '%s' "$2" | grep -Eq '^(0x[0-9a-fA-F]{1,16}|[0-9]{1,19})$' || [ $(($2)) -eq 0 ]; then
    fail 2 "\\"$1\\" must be a non-zero 64-bit key in decimal or 0x hex"
  fi
}

# The namespace whose controller serial is $serial (Alibaba Cloud: the disk id without d-).
find_device() {
  local ns name s
  for ns in "$sys_block"/nvme*n*; do
    name=$(basename "$ns")
    case $name in *c*) continue ;; esac # nvme0c0n1 is a multipath path, not a namespace
    [ -r "$ns/device/serial" ] || continue
    read -r s <"$ns/device/serial" || s=''
    if [ "$s" = "$serial" ]; then
      echo "/dev/$name"
      return 0
    fi
  done
  local link="/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_$serial"
  [ -e "$link" ] && readlink -f "$link"
}

# ReservationReport JSON from \`nvme resv-report\` text output (the same in nvme-cli 1.x and 2.x):
# keys are printed as hex without 0x; bit 0 of rcsts marks the holder.
resv_json() {
  nvme resv-report "$1" 2>&1 | awk '
    function norm(k) { sub(/^0[xX]/, "", k); sub(/^0+/, "", k); return "0x" tolower(k) }
    /^rtype *:/ { rtype = $3 }
    /^ *rcsts *:/ { rc = $3 }
    /^ *rkey *:/ {
      k = norm($3); if (k == "0x") next
      regs = regs (n++ ? "," : "") "{\\"key\\":\\"" k "\\",\\"instanceId\\":null}"
      if (substr(rc, length(rc), 1) ~ /[13579bBdDfF]/) holder = k
    }
    /^NVME Reservation status/ { seen = 1 }
    END {
      if (!seen) exit 1
      split("write-exclusive exclusive-access write-exclusive-registrants-only exclusive-access-registrants-only write-exclusive-all-registrants exclusive-access-all-registrants", names, " ")
      type = (rtype + 0 > 0 && rtype + 0 <= 6) ? "\\"" names[rtype + 0] "\\"" : "null"
      h = (holder != "" && rtype + 0 > 0) ? "\\"" holder "\\"" : "null"
      printf "{\\"holder\\":%s,\\"registrants\\":[%s],\\"type\\":%s}\\n", h, regs, type
    }'
}
`;

/** The reservation scripts' extra helpers: nvme-cli presence, error mapping, key comparisons. */
export const NVME_BASH = `# Shared by the reservation scripts: checks, then the device, then the command.
need_nvme() {
  command -v nvme >/dev/null 2>&1 || fail 4 'nvme-cli is not installed on this host (no "nvme" command); install the nvme-cli package to use NVMe reservations'
}

# Maps a failed nvme-cli call to the contract: a reservation conflict, or another device error.
nvme_fail() {
  local line
  line=$(printf '%s' "$1" | tr '\\n' ' ')
  case $1 in *[Rr]eservation*[Cc]onflict* | *RESERVATION_CONFLICT*) fail 1 "reservation conflict: $line" ;; esac
  fail 5 "nvme-cli failed: $line"
}

prepare() {
  check_serial
  need_nvme
  dev=$(find_device) || fail 3 "no NVMe device with serial $serial on this host"
  report=$(resv_json "$dev") || fail 5 "nvme resv-report failed on $dev"
}

# This host's key, the bot's reservationKeyFor: 0x and the first 15 hex digits of
# sha256("sdb-resv:" + instance id), 0x1 if those are all zero. The id is Cloud Assistant's
# built-in {{ACS::InstanceId}}, so one RunCommand gives every host its own key. Sets $key.
own_key() {
  case $1 in
    '' | *[!A-Za-z0-9_-]*) fail 2 "the built-in parameter ACS::InstanceId was not substituted (got \\"$1\\"); send the script with EnableParameter=true to a Cloud Assistant agent 2.2.3.309 or later" ;;
  esac
  command -v sha256sum >/dev/null 2>&1 || fail 4 'sha256sum (coreutils) is not installed on this host'
  local h
  h=$(printf 'sdb-resv:%s' "$1" | sha256sum | cut -c1-15)
  case $h in *[!0-9a-f]* | '') fail 5 "sha256sum printed \\"$h\\"" ;; esac
  if [ "$h" = 000000000000000 ]; then key=0x1; else key="0x$h"; fi
}

norm_key() { printf '0x%x' "$(($1))"; }
holder_of() { printf '%s' "$report" | sed -n 's/.*"holder":"\\(0x[0-9a-f]*\\)".*/\\1/p'; }
registered() { printf '%s' "$report" | grep -q "\\"key\\":\\"$(norm_key "$1")\\""; }
`;
