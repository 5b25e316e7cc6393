# Mounting and unmounting each filesystem under test, with the options that give every tool the same
# freshness (metadata cached at most 1 s) and durability (every timed write counts until the data is in the
# bucket; see settle). Sourced by bench/run.sh.
# Every mount is a foreground process started in the background, so the harness knows its PID; the PID,
# mount point and tool are kept under $WORK/pids/NAME so the exit trap can always clean up.

SHAREDFS_BIN=${SHAREDFS_BIN:-$REPO/out/sharedfs-init}
LAST_MOUNT_MS=

is_mounted() { awk -v m="$1" '$5 == m { found = 1 } END { exit !found }' /proc/self/mountinfo; }

alive() { [[ -r /proc/$1/stat ]] && [[ $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) != Z ]]; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# mount_fs TOOL BUCKET MOUNTPOINT NAME: mount and wait until it answers; sets LAST_MOUNT_MS.
mount_fs() {
  local tool=$1 bucket=$2 mnt=$3 name=$4 pid start
  mkdir -p "$mnt" "$WORK/pids" "$WORK/cache/$name"
  rm -rf "${WORK:?}/cache/$name"/*
  local logf=$WORK/logs/$name.log
  start=$(now_ns)
  case $tool in
    sharedfs | sharedfs-wb)
      SHAREDFS_WRITE_BACK=$([[ $tool == sharedfs-wb ]] && echo on || echo off) \
        SCALINGO_SHAREDFS_CREDENTIALS="$ACCESS_KEY:$SECRET_KEY:$bucket" SHAREDFS_ENDPOINT=$ENDPOINT \
        SHAREDFS_MOUNT=$mnt SHAREDFS_CACHE_TTL=1s SHAREDFS_STAGING_DIR=$WORK/cache/$name \
        "$SHAREDFS_BIN" mount >>"$logf" 2>&1 &
      pid=$! ;;
    s3fs)
      s3fs "$bucket" "$mnt" -f -o "url=$ENDPOINT" -o use_path_request_style -o "passwd_file=$WORK/s3fs.passwd" \
        -o stat_cache_expire=1 -o dbglevel=warn >>"$logf" 2>&1 &
      pid=$! ;;
    rclone)
      local rc; rc=$(free_port)
      echo "http://127.0.0.1:$rc" >"$WORK/pids/$name.rc"
      rclone --config "$WORK/rclone.conf" mount "bench:$bucket" "$mnt" --vfs-cache-mode writes --vfs-write-back 0s \
        --dir-cache-time 1s --attr-timeout 1s --cache-dir "$WORK/cache/$name" \
        --rc --rc-addr "127.0.0.1:$rc" --rc-no-auth >>"$logf" 2>&1 &
      pid=$! ;;
    *) die "unknown filesystem $tool" ;;
  esac
  echo "$pid" >"$WORK/pids/$name"
  echo "$mnt" >"$WORK/pids/$name.mnt"
  echo "$tool" >"$WORK/pids/$name.tool"
  local deadline=$((SECONDS + 60))
  until is_mounted "$mnt" && stat "$mnt" >/dev/null 2>&1; do
    if ! alive "$pid" || ((SECONDS >= deadline)); then
      log "$name ($tool) did not mount; last lines of its log:"; tail -n 15 "$logf" >&2
      unmount_fs "$name"
      return 1
    fi
    sleep 0.005
  done
  LAST_MOUNT_MS=$(elapsed_ms "$start")
  log "$name: $tool mounted $bucket at $mnt in ${LAST_MOUNT_MS} ms (pid $pid)"
}

fs_pid() { cat "$WORK/pids/$1" 2>/dev/null; }

# unmount_fs NAME: ask politely (SharedFs: SIGTERM, it flushes and unmounts; others: fusermount -u), then
# force: lazy unmount and SIGKILL after 60 s.
unmount_fs() {
  local name=$1 pid mnt tool
  [[ -f $WORK/pids/$name ]] || return 0
  pid=$(cat "$WORK/pids/$name"); mnt=$(cat "$WORK/pids/$name.mnt"); tool=$(cat "$WORK/pids/$name.tool")
  if alive "$pid"; then
    if [[ $tool == sharedfs* ]]; then kill -TERM "$pid" 2>/dev/null
    else fusermount -u "$mnt" 2>/dev/null || umount "$mnt" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    fi
    local deadline=$((SECONDS + 60))
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.05; done
    if alive "$pid"; then
      log "$name ($tool) did not stop in 60 s: killing it"
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  wait "$pid" 2>/dev/null
  is_mounted "$mnt" && { fusermount -u -z "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null; }
  rm -f "$WORK/pids/$name" "$WORK/pids/$name".*
  return 0
}

unmount_all() {
  local f
  for f in "$WORK"/pids/*; do
    [[ -f $f && $f != *.* ]] && unmount_fs "$(basename "$f")"
  done
  # Whatever is still mounted under the scratch folder (a crashed tool): lazy unmount.
  awk -v w="$WORK/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do fusermount -u -z "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
}

# settle NAME: wait until the data closed on NAME is in the bucket. close() already guarantees it for s3fs and
# SharedFs (whose `sync DIR` then returns at once); SharedFs with write-back on answers `sync DIR` once everything
# queued below it has landed, and rclone, which uploads after close(), is asked for its queue until it is empty.
settle() {
  local cmd; cmd=$(settle_cmd "$1")
  [[ $cmd == true ]] || eval "$cmd"
}

settle_cmd() {
  if [[ -f $WORK/pids/$1.rc ]]; then echo "python3 $BENCH/lib/fsops.py settle $(cat "$WORK/pids/$1.rc")"
  elif [[ $(cat "$WORK/pids/$1.tool" 2>/dev/null) == sharedfs* ]]; then echo "sync '$(cat "$WORK/pids/$1.mnt")'"
  else echo true; fi
}
