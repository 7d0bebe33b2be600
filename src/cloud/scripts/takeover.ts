/**
 * The built-in takeover (policy `fencing.takeover`): mount the disk's file system on the standby
 * after the fence is verified. Escaped for a template literal like `./bash.ts`.
 */
export const TAKEOVER_MOUNT_BODY = `# Mounts the disk's file system at {{mountpoint}} with {{options}}. Run on the failover standby only,
# after the old primary is fenced: there is one writer, so a single-node file system is safe here.
# Already mounted there: nothing to do (a resumed failover runs it again).
script=takeover-mount
serial='{{serial}}'
mountpoint='{{mountpoint}}'
options='{{options}}'
check_serial
case $mountpoint in
  / | */../* | */.. | */./* | */. | *//*) fail 2 '"mountpoint" must be an absolute path below / without . or .. parts' ;;
  /*) ;;
  *) fail 2 '"mountpoint" must be an absolute path' ;;
esac
case $mountpoint in *[!A-Za-z0-9._/-]*) fail 2 '"mountpoint" may hold only letters, digits, . _ - and /' ;; esac
case $options in '' | *[!A-Za-z0-9_=,.:-]*) fail 2 '"options" must be mount options like noatime or defaults' ;; esac
dev=$(find_device) || fail 3 "no NVMe device with serial $serial on this host"
name=$(basename "$dev")
devices=("$dev")
for p in "$sys_block/$name/$name"p*; do [ -e "$p" ] && devices+=("/dev/$(basename "$p")"); done

# The whole device, else the first partition that holds a file system.
source=''
fstype=''
for d in "\${devices[@]}"; do
  t=$(blkid -o value -s TYPE "$d" 2>/dev/null || true)
  if [ -n "$t" ]; then
    source=$d
    fstype=$t
    break
  fi
done
[ -n "$source" ] || fail 6 "no file system on $dev: nothing to mount (make one first)"

already=false
if findmnt -rn -S "$source" -M "$mountpoint" >/dev/null 2>&1; then
  already=true
else
  out=$(mkdir -p -- "$mountpoint" 2>&1) || fail 5 "mkdir $mountpoint failed: $(printf '%s' "$out" | tr '\\n' ' ')"
  out=$(mount -t "$fstype" -o "$options" -- "$source" "$mountpoint" 2>&1) ||
    fail 5 "mount $source at $mountpoint failed: $(printf '%s' "$out" | tr '\\n' ' ')"
fi
printf '{"device":%s,"fstype":%s,"mountpoint":%s,"options":%s,"already":%s}\\n' \\
  "$(json_str "$source")" "$(json_str "$fstype")" "$(json_str "$mountpoint")" "$(json_str "$options")" "$already"
`;
