/**
 * The resize scripts (`/disk resize`): `rescan` makes every guest re-read the namespace size and
 * reports what it sees; `fs-grow` grows the partition (if any) on ONE node, makes every other node
 * re-read its length, then grows the file system on that one node: three roles, run in that order. Real bash, escaped for
 * a template literal like `./bash.ts` (read `\\` as one backslash and `\${` as `${`). Paths are
 * plain variables on their own line so the image-file tests can point them at a scratch directory.
 */

/** Helpers shared by the resize scripts, after COMMON_BASH. */
export const RESIZE_BASH = `# Resize helpers: where devices and controllers live, sizes, the device and its last partition.
dev_dir=/dev
sys_class_nvme=/sys/class/nvme

# Bytes of a block device as the kernel sees it now: sysfs counts 512-byte sectors whatever the LBA size.
size_bytes() {
  local sectors
  read -r sectors <"$sys_block/$1/size" 2>/dev/null || return 1
  case $sectors in '' | *[!0-9]*) return 1 ;; esac
  echo $((sectors * 512))
}

# The device (by serial) as $name and $dev, its last partition as $part ('' without one) and $partnum.
find_disk() {
  local p
  dev=$(find_device) || fail 3 "no NVMe device with serial $serial on this host"
  name=$(basename "$dev")
  dev="$dev_dir/$name"
  part=''
  partnum=''
  for p in "$sys_block/$name/$name"p*; do
    [ -e "$p" ] || continue
    if [ -z "$partnum" ] || [ "\${p##*p}" -gt "$partnum" ]; then
      part="$dev_dir/$(basename "$p")"
      partnum=\${p##*p}
    fi
  done
}
`;

export const RESCAN_BODY = `# Re-reads the namespace size on this node and reports it; read-only apart from the rescan.
# Retries for up to {{waitSec}} s until the guest sees at least {{expectGiB}} GiB (controllers that
# send no namespace-change event need the user-initiated rescan; some need a reboot).
script=rescan
serial='{{serial}}'
expect_gib='{{expectGiB}}'
wait_sec='{{waitSec}}'
check_serial
case $expect_gib in '' | *[!0-9]*) fail 2 '"expectGiB" must be a whole number of GiB' ;; esac
case $wait_sec in '' | *[!0-9]*) fail 2 '"waitSec" must be a whole number of seconds' ;; esac
find_disk
ctrl=\${name%n*}
rescan_ns() {
  if command -v nvme >/dev/null 2>&1 && nvme ns-rescan "$dev_dir/$ctrl" >/dev/null 2>&1; then
    method=nvme-ns-rescan
  elif [ -w "$sys_class_nvme/$ctrl/rescan_controller" ] && echo 1 >"$sys_class_nvme/$ctrl/rescan_controller" 2>/dev/null; then
    method=rescan_controller
  else
    fail 4 "cannot rescan $ctrl: neither nvme-cli (nvme ns-rescan) nor $sys_class_nvme/$ctrl/rescan_controller is usable"
  fi
}
want=$((expect_gib * 1073741824))
deadline=$((SECONDS + wait_sec))
attempts=0
while :; do
  attempts=$((attempts + 1))
  rescan_ns
  bytes=$(size_bytes "$name") || fail 5 "cannot read the size of $dev from $sys_block/$name/size"
  [ "$bytes" -ge "$want" ] && break
  [ "$SECONDS" -lt "$deadline" ] || break
  sleep 1
done
sees=false
[ "$bytes" -ge "$want" ] && sees=true
printf '{"device":%s,"sizeBytes":%s,"sizeGiB":%s,"expectGiB":%s,"sees":%s,"attempts":%s,"method":%s}\\n' \\
  "$(json_str "$dev")" "$bytes" "$((bytes / 1073741824))" "$expect_gib" "$sees" "$attempts" "$(json_str "$method")"
`;

export const FS_GROW_BODY = `# Grows a shared disk in three phases the bot runs in order, so no node ever addresses space
# another node cannot see: role partition (ONE node) grows the last partition; role reread (every
# OTHER node) re-reads its length with partx -u, never a whole-table re-read of a busy disk; role
# filesystem (the same ONE node) grows the file system to the device or partition: OCFS2
# tunefs.ocfs2 -S (cluster stack online; online only where mounted), ext4 resize2fs, XFS xfs_growfs
# (mounted only). A phase with nothing to do (no partition, no file system) changes nothing.
script=fs-grow
serial='{{serial}}'
role='{{role}}'
check_serial
case $role in partition | reread | filesystem) ;; *) fail 2 '"role" must be partition, reread or filesystem' ;; esac
find_disk
need() { command -v "$1" >/dev/null 2>&1 || fail 4 "$1 is not installed on this host ($2)"; }
run() {
  local out
  out=$("$@" 2>&1) || fail 5 "$1 failed: $(printf '%s' "$out" | tr '\\n' ' ')"
}
partition_grown=false
if [ -n "$part" ] && [ "$role" != filesystem ]; then
  need partx util-linux
  if [ "$role" = partition ]; then
    if command -v growpart >/dev/null 2>&1; then
      out=$(growpart "$dev" "$partnum" 2>&1) || case $out in
        *NOCHANGE*) ;;
        *) fail 5 "growpart failed: $(printf '%s' "$out" | tr '\\n' ' ')" ;;
      esac
    else
      need sfdisk fdisk
      # A grown GPT disk keeps its backup header mid-disk until it is moved to the end.
      [ "$(blkid -p -o value -s PTTYPE "$dev" 2>/dev/null)" = gpt ] && run sfdisk -q --relocate gpt-bak-std "$dev"
      out=$(printf ', +\\n' | sfdisk -q --no-reread --no-tell-kernel -N "$partnum" "$dev" 2>&1) ||
        fail 5 "sfdisk could not grow partition $partnum: $(printf '%s' "$out" | tr '\\n' ' ')"
    fi
    partition_grown=true
  fi
  # BLKPG resize of each partition: works on a busy device, unlike blockdev --rereadpt.
  run partx -u "$dev"
fi
target=\${part:-$dev}
fstype=$(blkid -p -o value -s TYPE "$target" 2>/dev/null || true)
grown=false
if [ "$role" = filesystem ] && [ -n "$fstype" ]; then
  case $fstype in
    ocfs2) need tunefs.ocfs2 ocfs2-tools; run tunefs.ocfs2 -S "$target" ;;
    ext2 | ext3 | ext4) need resize2fs e2fsprogs; run resize2fs "$target" ;;
    xfs)
      need xfs_growfs xfsprogs
      mnt=$(findmnt -rn -S "$target" -o TARGET 2>/dev/null | head -n 1)
      [ -n "$mnt" ] || fail 5 "XFS grows only while mounted, and $target is not mounted here"
      run xfs_growfs "$mnt" ;;
    *) fail 5 "the bot does not grow $fstype file systems; grow $target by hand" ;;
  esac
  grown=true
fi
fs_json=null
[ -n "$fstype" ] && fs_json=$(json_str "$fstype")
part_json=null
[ -n "$part" ] && part_json=$(json_str "$part")
printf '{"device":%s,"partition":%s,"role":%s,"partitionGrown":%s,"fstype":%s,"grown":%s}\\n' \\
  "$(json_str "$dev")" "$part_json" "$(json_str "$role")" "$partition_grown" "$fs_json" "$grown"
`;
