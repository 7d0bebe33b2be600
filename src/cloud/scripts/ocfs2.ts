/**
 * The OCFS2 initialisation scripts (`/disk init --fs ocfs2`): probe, cluster description + o2cb
 * online, format once, mount with `_netdev`. Real bash, idempotent, escaped for a template literal
 * like `./bash.ts` (read `\\` as one backslash and `\${` as `${`). Paths and the mkfs mount type are
 * plain variables on their own line so the loop-file tests can point them at a scratch directory.
 */

/** Helpers shared by the OCFS2 scripts, after COMMON_BASH. */
export const OCFS2_BASH = `# OCFS2 helpers: the device and its partitions, read-only signature listing, parameter checks.
dev_dir=/dev
conf_dir=/etc/ocfs2
fstab=/etc/fstab
o2cb_defaults=/etc/default/o2cb

# The device (by serial) and each of its partitions, under $dev_dir; sets dev and devices.
find_devices() {
  dev=$(find_device) || return 1
  local name p
  name=$(basename "$dev")
  dev="$dev_dir/$name"
  devices=("$dev")
  for p in "$sys_block/$name/$name"p*; do [ -e "$p" ] && devices+=("$dev_dir/$(basename "$p")"); done
  return 0
}

need_probe_tools() {
  command -v blkid >/dev/null 2>&1 || fail 4 'blkid is not installed on this host (util-linux): cannot prove the disk is blank'
  command -v wipefs >/dev/null 2>&1 || fail 4 'wipefs is not installed on this host (util-linux): cannot prove the disk is blank'
}

# Read-only: every signature wipefs (--no-act) and blkid (-p, low-level probe) see on each device,
# as JSON objects joined by commas in $sigs. Nothing is written; a device that cannot be read fails.
list_signatures() {
  local d out off type k v rc seen
  sigs=''
  for d in "\${devices[@]}"; do
    seen=' '
    out=$(wipefs --no-act --noheadings --output OFFSET,TYPE "$d" 2>&1) ||
      fail 5 "wipefs --no-act failed on $d: $(printf '%s' "$out" | tr '\\n' ' ')"
    while read -r off type; do
      [ -n "$type" ] || continue
      sigs="$sigs\${sigs:+,}{\\"device\\":$(json_str "$d"),\\"type\\":$(json_str "$type"),\\"offset\\":$(json_str "$off")}"
      seen="$seen$type "
    done <<<"$out"
    rc=0
    out=$(blkid -p -o export "$d" 2>/dev/null) || rc=$?
    case $rc in
      0) ;;
      2) continue ;; # nothing found
      8) sigs="$sigs\${sigs:+,}{\\"device\\":$(json_str "$d"),\\"type\\":\\"ambivalent\\",\\"offset\\":null}"; continue ;;
      *) fail 5 "blkid -p failed on $d (exit $rc)" ;;
    esac
    while IFS='=' read -r k v; do
      case $k in
        TYPE | PTTYPE)
          case $seen in *" $v "*) ;; *)
            sigs="$sigs\${sigs:+,}{\\"device\\":$(json_str "$d"),\\"type\\":$(json_str "$v"),\\"offset\\":null}"
            seen="$seen$v " ;;
          esac ;;
      esac
    done <<<"$out"
  done
}

check_mountpoint() {
  case $mountpoint in
    / | */../* | */.. | */./* | */. | *//* | */) fail 2 '"mountpoint" must be an absolute path below / without . or .. parts' ;;
    /*) ;;
    *) fail 2 '"mountpoint" must be an absolute path' ;;
  esac
  case $mountpoint in *[!A-Za-z0-9._/-]*) fail 2 '"mountpoint" may hold only letters, digits, . _ - and /' ;; esac
}

check_cluster() {
  case $cluster in '' | *[!A-Za-z0-9]*) fail 2 '"cluster" must be 1-16 letters or digits' ;; esac
  [ \${#cluster} -le 16 ] || fail 2 '"cluster" must be 1-16 letters or digits'
}

check_uuid() {
  printf '%s' "$uuid" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' ||
    fail 2 '"uuid" must be a lowercase UUID'
}

short_hostname() { hostname -s 2>/dev/null || uname -n | cut -d. -f1; }
`;

export const OCFS2_PROBE_BODY = `# Read-only: what /disk init must know from this guest before anything is written.
script=ocfs2-probe
serial='{{serial}}'
mountpoint='{{mountpoint}}'
cluster='{{cluster}}'
check_serial
check_mountpoint
check_cluster
host=$(short_hostname)
addrs=''
for a in $(hostname -I 2>/dev/null); do
  case $a in *:*) ;; *) addrs="$addrs\${addrs:+,}$(json_str "$a")" ;; esac
done
has() { if command -v "$1" >/dev/null 2>&1; then echo true; else echo false; fi; }
mkfs=$(has mkfs.ocfs2)
o2cb=false
{ command -v o2cb >/dev/null 2>&1 || command -v o2cb.init >/dev/null 2>&1; } && o2cb=true
installer=null
for pm in apt-get dnf yum zypper; do
  if command -v "$pm" >/dev/null 2>&1; then installer=$(json_str "$pm"); break; fi
done
# What is mounted at the mount point now (nothing: in_use false).
in_use=false
m_source=null
m_fstype=null
if read -r s t < <(findmnt -rn -M "$mountpoint" -o SOURCE,FSTYPE 2>/dev/null) && [ -n "$s" ]; then
  in_use=true
  m_source=$(json_str "$(printf '%b' "$s")")
  m_fstype=$(json_str "$t")
fi
attached=false
device=null
sigs=''
ocfs2=null
if find_devices; then
  need_probe_tools
  attached=true
  device=$(json_str "$dev")
  list_signatures
  # An OCFS2 volume on the whole device: its UUID (the bot's own is derived from the disk id) and slots.
  if [ "$(blkid -p -o value -s TYPE "$dev" 2>/dev/null)" = ocfs2 ]; then
    n=$(tunefs.ocfs2 -Q '%N' "$dev" 2>/dev/null) || n=''
    case $n in '' | *[!0-9]*) n=null ;; esac
    ocfs2=$(printf '{"uuid":%s,"label":%s,"slots":%s}' "$(json_str "$(blkid -p -o value -s UUID "$dev" 2>/dev/null)")" \\
      "$(json_str "$(blkid -p -o value -s LABEL "$dev" 2>/dev/null)")" "$n")
  fi
fi
# The nodes this host's cluster description lists for $cluster (host:ip:number,...), or "".
members=''
if [ -f "$conf_dir/cluster.conf" ] && command -v o2cb >/dev/null 2>&1; then
  members=$(o2cb --config-file="$conf_dir/cluster.conf" list-nodes "$cluster" 2>/dev/null | awk '
    function flush() { if (n != "") out = out (out != "" ? "," : "") n ":" ip ":" num; n = ""; ip = ""; num = "" }
    /^node:/ { flush() }
    $1 == "name" { n = $3 }
    $1 == "ip_address" { ip = $3 }
    $1 == "number" { num = $3 }
    END { flush(); print out }')
fi
printf '{"attached":%s,"device":%s,"serial":%s,"hostname":%s,"addresses":[%s],"signatures":[%s],"mountpoint":{"path":%s,"inUse":%s,"source":%s,"fstype":%s},"tools":{"mkfs":%s,"o2cb":%s},"installer":%s,"ocfs2":%s,"members":%s}\\n' \\
  "$attached" "$device" "$(json_str "$serial")" "$(json_str "$host")" "$addrs" "$sigs" \\
  "$(json_str "$mountpoint")" "$in_use" "$m_source" "$m_fstype" "$mkfs" "$o2cb" "$installer" "$ocfs2" "$(json_str "$members")"
`;

export const OCFS2_CLUSTER_BODY = `# Writes the cluster description (the same on every node) and brings the o2cb stack online here.
# nodes = "host:ip:number,..." (node names are short hostnames). A file that already says exactly
# this is left alone; a stack already online with this cluster is left alone (then new nodes are
# registered with it). install=yes installs ocfs2-tools with the image's package manager if missing.
script=ocfs2-cluster
cluster='{{cluster}}'
nodes='{{nodes}}'
install='{{install}}'
check_cluster
case $install in yes | no) ;; *) fail 2 '"install" must be yes or no' ;; esac
printf '%s' "$nodes" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9-]{0,62}:[0-9]{1,3}(\\.[0-9]{1,3}){3}:[0-9]{1,3}(,[A-Za-z0-9][A-Za-z0-9-]{0,62}:[0-9]{1,3}(\\.[0-9]{1,3}){3}:[0-9]{1,3})*$' ||
  fail 2 '"nodes" must be host:ipv4:number entries separated by commas'
installed=false
if ! command -v o2cb >/dev/null 2>&1 || ! command -v mkfs.ocfs2 >/dev/null 2>&1; then
  [ "$install" = yes ] || fail 4 'ocfs2-tools is not installed on this host (no o2cb or mkfs.ocfs2)'
  if command -v apt-get >/dev/null 2>&1; then
    out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y -q ocfs2-tools 2>&1)
  elif command -v dnf >/dev/null 2>&1; then out=$(dnf install -y ocfs2-tools 2>&1)
  elif command -v yum >/dev/null 2>&1; then out=$(yum install -y ocfs2-tools 2>&1)
  elif command -v zypper >/dev/null 2>&1; then out=$(zypper --non-interactive install ocfs2-tools 2>&1)
  else fail 4 'ocfs2-tools is not installed and no apt-get, dnf, yum or zypper is here to install it'; fi ||
    fail 4 "installing ocfs2-tools failed: $(printf '%s' "$out" | tail -n 3 | tr '\\n' ' ')"
  command -v o2cb >/dev/null 2>&1 || fail 4 'ocfs2-tools was installed but o2cb is still missing'
  installed=true
fi
host=$(short_hostname)
number=''
tmp=$(mktemp) || fail 5 'mktemp failed'
trap 'rm -f "$tmp"' EXIT
: >"$tmp"
out=$(o2cb --config-file="$tmp" add-cluster "$cluster" 2>&1) || fail 5 "o2cb add-cluster failed: $out"
IFS=',' read -r -a entries <<<"$nodes"
for e in "\${entries[@]}"; do
  IFS=':' read -r n ip num <<<"$e"
  [ "$n" = "$host" ] && number=$num
  out=$(o2cb --config-file="$tmp" add-node "$cluster" "$n" --ip "$ip" --port 7777 --number "$num" 2>&1) ||
    fail 2 "o2cb add-node $n failed: $(printf '%s' "$out" | tr '\\n' ' ')"
done
[ -n "$number" ] || fail 2 "this host ($host) is not a node of the cluster description; OCFS2 node names must equal hostnames"
mkdir -p "$conf_dir" || fail 5 "mkdir $conf_dir failed"
written=false
if ! cmp -s "$tmp" "$conf_dir/cluster.conf"; then
  cp "$tmp" "$conf_dir/cluster.conf.new" && mv -f "$conf_dir/cluster.conf.new" "$conf_dir/cluster.conf" ||
    fail 5 "writing $conf_dir/cluster.conf failed"
  written=true
fi
# The stack's boot settings (Debian /etc/default/o2cb, others /etc/sysconfig/o2cb).
defaults=$o2cb_defaults
[ -d "$(dirname "$defaults")" ] || defaults=/etc/sysconfig/o2cb
want="O2CB_ENABLED=true
O2CB_BOOTCLUSTER=$cluster"
if [ ! -f "$defaults" ] || ! grep -qx 'O2CB_ENABLED=true' "$defaults" || ! grep -qx "O2CB_BOOTCLUSTER=$cluster" "$defaults"; then
  { [ -f "$defaults" ] && grep -v -e '^O2CB_ENABLED=' -e '^O2CB_BOOTCLUSTER=' "$defaults"; printf '%s\\n' "$want"; } >"$defaults.new" &&
    mv -f "$defaults.new" "$defaults" || fail 5 "writing $defaults failed"
fi
was_online=false
if o2cb cluster-status "$cluster" >/dev/null 2>&1; then
  was_online=true
  # Already online: register the nodes this description adds (a growing cluster).
  out=$(o2cb register-cluster "$cluster" 2>&1) || fail 5 "o2cb register-cluster failed: $(printf '%s' "$out" | tr '\\n' ' ')"
else
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl enable o2cb ocfs2 >/dev/null 2>&1 || true
    out=$(systemctl restart o2cb 2>&1) || fail 5 "starting o2cb failed: $(printf '%s' "$out" | tr '\\n' ' ')"
  elif command -v o2cb.init >/dev/null 2>&1; then
    out=$(o2cb.init online "$cluster" 2>&1) || fail 5 "o2cb.init online failed: $(printf '%s' "$out" | tr '\\n' ' ')"
  else
    out=$(o2cb register-cluster "$cluster" 2>&1) || fail 5 "o2cb register-cluster failed: $(printf '%s' "$out" | tr '\\n' ' ')"
  fi
  o2cb cluster-status "$cluster" >/dev/null 2>&1 || fail 5 "the o2cb cluster $cluster is not online after starting it"
fi
printf '{"hostname":%s,"number":%s,"cluster":%s,"written":%s,"installed":%s,"wasOnline":%s,"online":true}\\n' \\
  "$(json_str "$host")" "$number" "$(json_str "$cluster")" "$written" "$installed" "$was_online"
`;

export const OCFS2_FORMAT_BODY = `# Formats the disk with OCFS2 on THIS node only, after proving again that it is blank.
# The file system this request made (same UUID) is recognised and never formatted twice.
script=ocfs2-format
serial='{{serial}}'
cluster='{{cluster}}'
slots='{{slots}}'
label='{{label}}'
uuid='{{uuid}}'
mkfs_mode=cluster
check_serial
check_cluster
check_uuid
case $slots in '' | *[!0-9]*) fail 2 '"slots" must be a number from 1 to 255' ;; esac
[ "$slots" -ge 1 ] && [ "$slots" -le 255 ] || fail 2 '"slots" must be a number from 1 to 255'
case $label in '' | *[!A-Za-z0-9_.-]*) fail 2 '"label" must be 1-64 letters, digits, . _ or -' ;; esac
[ \${#label} -le 64 ] || fail 2 '"label" must be 1-64 letters, digits, . _ or -'
command -v mkfs.ocfs2 >/dev/null 2>&1 || fail 4 'mkfs.ocfs2 is not installed on this host (ocfs2-tools)'
need_probe_tools
find_devices || fail 3 "no NVMe device with serial $serial on this host"
if [ "$mkfs_mode" = cluster ]; then
  o2cb cluster-status "$cluster" >/dev/null 2>&1 || fail 5 "the o2cb cluster $cluster is not online here: mkfs.ocfs2 needs it to see other nodes' mounts"
fi
if [ "$(blkid -p -o value -s TYPE "$dev" 2>/dev/null)" = ocfs2 ] && [ "$(blkid -p -o value -s UUID "$dev" 2>/dev/null)" = "$uuid" ]; then
  printf '{"device":%s,"uuid":%s,"label":%s,"slots":%s,"already":true}\\n' "$(json_str "$dev")" "$(json_str "$uuid")" "$(json_str "$label")" "$slots"
  exit 0
fi
list_signatures
[ -z "$sigs" ] || fail 7 "refusing to format: signatures found: [$sigs]"
# Cluster mode asks the online o2cb stack whether any node has the volume mounted; stdin is empty,
# so any question mkfs.ocfs2 would ask (an existing OCFS2 volume) is answered no.
out=$(mkfs.ocfs2 -q -M "$mkfs_mode" -N "$slots" -L "$label" -U "$uuid" "$dev" </dev/null 2>&1) ||
  fail 5 "mkfs.ocfs2 failed: $(printf '%s' "$out" | tr '\\n' ' ')"
printf '{"device":%s,"uuid":%s,"label":%s,"slots":%s,"already":false}\\n' "$(json_str "$dev")" "$(json_str "$uuid")" "$(json_str "$label")" "$slots"
`;

export const OCFS2_MOUNT_BODY = `# Mounts the OCFS2 file system (by UUID) at the mount point and persists it in fstab with _netdev.
# An fstab line already there or a mount already in place is left alone.
script=ocfs2-mount
serial='{{serial}}'
mountpoint='{{mountpoint}}'
uuid='{{uuid}}'
check_serial
check_mountpoint
check_uuid
find_devices || fail 3 "no NVMe device with serial $serial on this host"
[ "$(blkid -p -o value -s TYPE "$dev" 2>/dev/null)" = ocfs2 ] && [ "$(blkid -p -o value -s UUID "$dev" 2>/dev/null)" = "$uuid" ] ||
  fail 6 "no OCFS2 file system with UUID $uuid on $dev"
line="UUID=$uuid $mountpoint ocfs2 _netdev,defaults 0 0"
fstab_added=false
if ! awk -v u="UUID=$uuid" -v m="$mountpoint" '$1 == u && $2 == m { f = 1 } END { exit !f }' "$fstab" 2>/dev/null; then
  printf '%s\\n' "$line" >>"$fstab" || fail 5 "appending to $fstab failed"
  fstab_added=true
fi
already=false
if findmnt -rn -S "UUID=$uuid" -M "$mountpoint" >/dev/null 2>&1 || findmnt -rn -S "$dev" -M "$mountpoint" >/dev/null 2>&1; then
  already=true
else
  out=$(mkdir -p -- "$mountpoint" 2>&1) || fail 5 "mkdir $mountpoint failed: $(printf '%s' "$out" | tr '\\n' ' ')"
  out=$(mount -t ocfs2 -o _netdev,defaults "$dev" "$mountpoint" 2>&1) ||
    fail 5 "mount $dev at $mountpoint failed: $(printf '%s' "$out" | tr '\\n' ' ')"
fi
printf '{"device":%s,"mountpoint":%s,"fstabAdded":%s,"already":%s}\\n' \\
  "$(json_str "$dev")" "$(json_str "$mountpoint")" "$fstab_added" "$already"
`;

export const OCFS2_LEAVE_BODY = `# Before this node's DetachDisk: unmount the OCFS2 file system (by UUID) from the mount point and
# drop its fstab line, so nothing writes to the disk when it goes and the node does not try to mount
# it at boot. Not mounted / no line: nothing to do. A busy mount fails and the detach does not happen.
script=ocfs2-leave
serial='{{serial}}'
mountpoint='{{mountpoint}}'
uuid='{{uuid}}'
check_serial
check_mountpoint
check_uuid
unmounted=false
if findmnt -rn -S "UUID=$uuid" -M "$mountpoint" >/dev/null 2>&1 ||
  { find_devices && findmnt -rn -S "$dev" -M "$mountpoint" >/dev/null 2>&1; }; then
  out=$(umount "$mountpoint" 2>&1) || fail 5 "umount $mountpoint failed: $(printf '%s' "$out" | tr '\\n' ' ')"
  unmounted=true
fi
fstab_removed=false
if [ -f "$fstab" ] && awk -v u="UUID=$uuid" -v m="$mountpoint" '$1 == u && $2 == m { f = 1 } END { exit !f }' "$fstab"; then
  awk -v u="UUID=$uuid" -v m="$mountpoint" '!($1 == u && $2 == m)' "$fstab" >"$fstab.sdb-new" &&
    cat "$fstab.sdb-new" >"$fstab" && rm -f "$fstab.sdb-new" || fail 5 "rewriting $fstab failed"
  fstab_removed=true
fi
printf '{"mountpoint":%s,"unmounted":%s,"fstabRemoved":%s}\\n' "$(json_str "$mountpoint")" "$unmounted" "$fstab_removed"
`;
