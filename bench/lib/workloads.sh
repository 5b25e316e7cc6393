# The workloads, run the same way on every mounted filesystem, plus the direct-client ceiling.
# Sourced by bench/run.sh. Every workload records its figures (record …) or an error, and never stops the run.

# run_workload FS METRIC FUNCTION ARGS…: a failing workload is recorded as such; the others still run.
run_workload() {
  local fs=$1 metric=$2; shift 2
  log "$fs: $metric"
  local out status
  # In the background and waited for, so that a signal to the harness is handled at once (the trap kills it).
  "$@" >"$WORK/logs/last-output" 2>"$WORK/logs/last-error" &
  WORKLOAD_PID=$!
  wait "$WORKLOAD_PID"; status=$?
  WORKLOAD_PID=
  if ((status != 0)); then
    record_error "$fs" "$metric" "$(tail -n 3 "$WORK/logs/last-error" | tr '\n' ' ' | cut -c1-300)"
    return 1
  fi
  out=$(cat "$WORK/logs/last-output")
  [[ -n $out ]] && record_json "$fs" "$out"
  return 0
}

# The source bytes of the sequential workloads, generated once (random, so nobody can compress them).
prepare_data() {
  mkdir -p "$WORK/data"
  head -c "$BIG_BYTES" /dev/urandom >"$WORK/data/big"
  python3 "$BENCH/lib/mktree.py" "$WORK/data/tree.tar" "$WORK/data/tree.json" "$TAR_FILES"
  mkdir -p "$WORK/data/wide" "$WORK/data/deep" "$WORK/data/small"
  python3 -c 'import os, sys; [open(os.path.join(sys.argv[1], "f%05d" % i), "wb").write(os.urandom(4096)) for i in range(int(sys.argv[2]))]' \
    "$WORK/data/small" "$SMALL_FILES"
  local i a b c
  for ((i = 0; i < WIDE_FILES; i++)); do printf 'entry %d\n' "$i" >"$WORK/data/wide/e$(printf %05d "$i")"; done
  for ((a = 0; a < DEEP_FANOUT; a++)); do for ((b = 0; b < DEEP_FANOUT; b++)); do
    mkdir -p "$WORK/data/deep/d$a/s$b"
    for ((c = 0; c < DEEP_FILES; c++)); do printf 'leaf\n' >"$WORK/data/deep/d$a/s$b/f$c"; done
  done; done
  DEEP_ENTRIES=$(find "$WORK/data/deep" | wc -l)
}

json_metrics() { python3 -c 'import json, sys; a = sys.argv[1:]; print(json.dumps({a[i]: float(a[i + 1]) for i in range(0, len(a), 2)}))' "$@"; }
# json_timed METRIC VALUE START_NS OPS: one figure and the window it was measured in (ends now).
json_timed() {
  python3 -c 'import json, sys, time; m, v, s, n = sys.argv[1:5]; print(json.dumps({m: float(v), "windows": {m: [int(s), time.time_ns(), int(n)]}}))' "$@"
}

# ---- the ceiling: the same bytes straight to the server with plain clients (no FUSE) ----

direct_put_curl() { local s; s=$(now_ns); curl_s3 -T "$WORK/data/big" "$ENDPOINT/$1/big-curl" -o /dev/null || return 1; json_metrics seq_write "$(mbps "$BIG_BYTES" "$(elapsed_ms "$s")")"; }
direct_put_rclone() { local s; s=$(now_ns); rclone_ copyto "$WORK/data/big" "bench:$1/big-rclone" --no-check-dest -q || return 1; json_metrics seq_write "$(mbps "$BIG_BYTES" "$(elapsed_ms "$s")")"; }
direct_get_curl() {
  drop_caches; local s bytes; s=$(now_ns)
  bytes=$(curl_s3 "$ENDPOINT/$1/big-curl" | wc -c) || return 1
  ((bytes == BIG_BYTES)) || { echo "read $bytes bytes" >&2; return 1; }
  json_metrics seq_read "$(mbps "$BIG_BYTES" "$(elapsed_ms "$s")")"
}
# The server's own ceiling for many small objects: rclone with 32 transfers (no FUSE, no per-file lookups).
direct_small_create_rclone() {
  local s; s=$(now_ns)
  rclone_ copy "$WORK/data/small" "bench:$1/small" --transfers 32 --checkers 32 --no-check-dest --no-traverse -q || return 1
  json_metrics small_create "$(awk -v n="$SMALL_FILES" -v ms="$(elapsed_ms "$s")" 'BEGIN { print n * 1000 / ms }')"
}
direct_small_delete_rclone() {
  local s; s=$(now_ns)
  rclone_ delete "bench:$1/small" --checkers 32 -q || return 1
  json_metrics small_delete "$(awk -v n="$SMALL_FILES" -v ms="$(elapsed_ms "$s")" 'BEGIN { print n * 1000 / ms }')"
}
direct_get_rclone() {
  drop_caches; local s bytes; s=$(now_ns)
  bytes=$(rclone_ cat "bench:$1/big-rclone" | wc -c) || return 1
  ((bytes == BIG_BYTES)) || { echo "read $bytes bytes" >&2; return 1; }
  json_metrics seq_read "$(mbps "$BIG_BYTES" "$(elapsed_ms "$s")")"
}

# NET runs: the same curl PUT and GET of the big file straight to the gateway and through the proxy with no delay;
# the report shows the proxy is not what limits a transfer.
proxy_put() { local s; s=$(now_ns); curl_s3 -T "$WORK/data/big" "$2/$1/big-proxycheck" -o /dev/null || return 1; json_metrics seq_write "$(mbps "$BIG_BYTES" "$(elapsed_ms "$s")")"; }
proxy_get() {
  drop_caches; local s bytes; s=$(now_ns)
  bytes=$(curl_s3 "$2/$1/big-proxycheck" | wc -c) || return 1
  ((bytes == BIG_BYTES)) || { echo "read $bytes bytes" >&2; return 1; }
  json_metrics seq_read "$(mbps "$BIG_BYTES" "$(elapsed_ms "$s")")"
}

bench_proxy_check() {
  local bucket=$1 round
  for round in 1 2; do
    run_workload proxycheck:gateway seq_write proxy_put "$bucket" "$ENDPOINT_DIRECT"
    run_workload proxycheck:gateway seq_read proxy_get "$bucket" "$ENDPOINT_DIRECT"
    run_workload proxycheck:proxy seq_write proxy_put "$bucket" "$ENDPOINT_PROXY0"
    run_workload proxycheck:proxy seq_read proxy_get "$bucket" "$ENDPOINT_PROXY0"
  done
  curl_s3 -X DELETE "$ENDPOINT_DIRECT/$bucket/big-proxycheck" -o /dev/null
}

bench_direct() {
  local bucket=bench-direct
  make_bucket "$bucket" || { record_error direct seq_write "bucket creation failed"; return; }
  cat "$WORK/data/big" >/dev/null
  [[ -n $ENDPOINT_PROXY0 ]] && bench_proxy_check "$bucket"
  local round
  for round in 1 2; do  # best of two: the ceiling should not be lowered by a noisy moment
    run_workload direct:curl seq_write direct_put_curl "$bucket"
    run_workload direct:rclone seq_write direct_put_rclone "$bucket"
    run_workload direct:curl seq_read direct_get_curl "$bucket"
    run_workload direct:rclone seq_read direct_get_rclone "$bucket"
    run_workload direct:rclone small_create direct_small_create_rclone "$bucket"
    run_workload direct:rclone small_delete direct_small_delete_rclone "$bucket"
    s3cmd_ del "s3://$bucket/big-curl" "s3://$bucket/big-rclone" >/dev/null 2>&1
  done
}

# ---- the workloads on a mount (A writes, B is the other container) ----

seq_write() {  # TOOL NAME MOUNT BUCKET
  wait_gone "$4" big || return 1  # a previous round's object must not satisfy wait_object below
  cat "$WORK/data/big" >/dev/null
  local s ms close_ms; s=$(now_ns)
  dd if="$WORK/data/big" of="$3/big" bs=1M conv=fsync status=none || return 1
  close_ms=$(elapsed_ms "$s")
  wait_object "$4" big "$BIG_BYTES" || return 1  # at once for SharedFs and s3fs, rclone uploads after close
  ms=$(elapsed_ms "$s")
  json_metrics seq_write "$(mbps "$BIG_BYTES" "$ms")" seq_write_close "$(mbps "$BIG_BYTES" "$close_ms")"
}

seq_read() {  # MOUNT
  drop_caches
  local s ms bytes; s=$(now_ns)
  bytes=$(dd if="$1/big" of=/dev/null bs=1M 2>&1 | awk '/bytes/ { print $1 }' | tail -n 1)
  ms=$(elapsed_ms "$s")
  [[ $bytes == "$BIG_BYTES" ]] || { echo "read ${bytes:-0} bytes, expected $BIG_BYTES" >&2; return 1; }
  json_metrics seq_read "$(mbps "$BIG_BYTES" "$ms")"
}

rand_read() {  # MOUNT
  drop_caches
  fio --name=randread --filename="$1/big" --readonly --rw=randread --bs=4k --ioengine=psync --direct=0 \
    --size="$BIG_BYTES" --time_based --runtime="$RAND_SECONDS" --invalidate=1 --output-format=json \
    >"$WORK/logs/fio.json" 2>"$WORK/logs/fio.err" || { cat "$WORK/logs/fio.err" >&2; return 1; }
  python3 - "$WORK/logs/fio.json" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]["read"]
pct = job["clat_ns"].get("percentile", {})
print(json.dumps({"rand_read": job["iops"],
                  "rand_read_p99": pct.get("99.000000", 0) / 1e6}))
PY
}

small_files() {  # NAME MOUNT
  python3 "$BENCH/lib/fsops.py" smallfiles "$2/small" "$SMALL_FILES" --settle "$(settle_cmd "$1")" \
    --cold "sleep ${COLD_WAIT:-1.3}; sync; echo 3 > /proc/sys/vm/drop_caches"
}

list_wide() {  # MOUNT BUCKET
  populate "$2" wide "$WORK/data/wide" || return 1
  cold
  local s ms lines; s=$(now_ns)
  lines=$(ls -l "$1/wide" | wc -l)
  ms=$(elapsed_ms "$s")
  ((lines == WIDE_FILES + 1)) || { echo "ls -l showed $((lines - 1)) entries, expected $WIDE_FILES" >&2; return 1; }
  json_timed ls_wide "$(awk -v m="$ms" 'BEGIN { print m / 1000 }')" "$s" "$WIDE_FILES"
}

find_deep() {  # MOUNT BUCKET
  populate "$2" deep "$WORK/data/deep" || return 1
  cold
  local s ms lines; s=$(now_ns)
  lines=$(find "$1/deep" | wc -l)
  ms=$(elapsed_ms "$s")
  ((lines == DEEP_ENTRIES)) || { echo "find listed $lines entries, expected $DEEP_ENTRIES" >&2; return 1; }
  json_timed find_tree "$(awk -v m="$ms" 'BEGIN { print m / 1000 }')" "$s" "$DEEP_ENTRIES"
}

tar_extract() {  # NAME MOUNT
  mkdir -p "$2/tree" || return 1
  cat "$WORK/data/tree.tar" >/dev/null
  local s; s=$(now_ns)
  tar -xf "$WORK/data/tree.tar" -C "$2/tree" || return 1
  settle "$1" || return 1
  json_timed tar_extract "$(awk -v m="$(elapsed_ms "$s")" 'BEGIN { print m / 1000 }')" "$s" "$TAR_FILES"
}

tree_reread() {  # MOUNT (the other mount, freshly mounted)
  drop_caches
  python3 "$BENCH/lib/fsops.py" readtree "$1/tree" "$WORK/data/tree.json"
}

web_app() {  # MOUNT_A MOUNT_B: two containers of a web app, WEB_CLIENTS users uploading through one, reading through the other
  python3 "$BENCH/lib/fsops.py" web "$1/web" "$2/web" "$WEB_CLIENTS" "$WEB_UPLOADS"
}

freshness() {  # MOUNT_A MOUNT_B
  python3 "$BENCH/lib/fsops.py" fresh "$1/fresh" "$2/fresh" "$FRESH_ROUNDS"
}

rss() {  # NAME → idle RSS now (MiB)
  local pid kb; pid=$(fs_pid "$1")
  kb=$(proc_kb "$pid" VmRSS); [[ -n $kb ]] || { echo "process $pid is gone" >&2; return 1; }
  json_metrics "$2" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
}

rss_peak() {  # NAME
  local pid kb; pid=$(fs_pid "$1")
  kb=$(proc_kb "$pid" VmHWM); [[ -n $kb ]] || { echo "process $pid is gone" >&2; return 1; }
  json_metrics rss_peak "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
}

remount() {  # TOOL BUCKET MOUNT NAME: a fresh mount (empty caches) for the cold reads
  unmount_fs "$4"
  mount_fs "$1" "$2" "$3" "$4"
}

# bench_fs TOOL: every workload on one filesystem, own bucket, two mounts (A and B) of it.
bench_fs() {
  local tool=$1 bucket=bench-$1 a=$WORK/mnt/$1-a b=$WORK/mnt/$1-b
  make_bucket "$bucket" || { record_error "$tool" mount "bucket creation failed"; return; }
  if ! mount_fs "$tool" "$bucket" "$a" "$tool-a"; then record_error "$tool" mount "did not mount (see the log)"; return; fi
  record "$tool" mount_time "$(awk -v m="$LAST_MOUNT_MS" 'BEGIN { print m }')"
  sleep 2
  run_workload "$tool" rss_idle rss "$tool-a" rss_idle
  if ! mount_fs "$tool" "$bucket" "$b" "$tool-b"; then record_error "$tool" mount "the second mount failed"; unmount_fs "$tool-a"; return; fi

  # Best of two, like the direct ceiling: one noisy moment of the shared gateway should not decide the row.
  run_workload "$tool" seq_write seq_write "$tool" "$tool-a" "$a" "$bucket"
  rm -f "$a/big"; settle "$tool-a"
  run_workload "$tool" seq_write seq_write "$tool" "$tool-a" "$a" "$bucket"
  if remount "$tool" "$bucket" "$b" "$tool-b"; then
    run_workload "$tool" seq_read seq_read "$b"
    remount "$tool" "$bucket" "$b" "$tool-b" && run_workload "$tool" rand_read rand_read "$b"
  fi
  rm -f "$a/big"; settle "$tool-a"

  run_workload "$tool" small_create small_files "$tool-a" "$a"
  run_workload "$tool" ls_wide list_wide "$a" "$bucket"
  run_workload "$tool" find_tree find_deep "$a" "$bucket"
  run_workload "$tool" tar_extract tar_extract "$tool-a" "$a"
  remount "$tool" "$bucket" "$b" "$tool-b" && run_workload "$tool" tree_reread tree_reread "$b"
  run_workload "$tool" fresh_update freshness "$a" "$b"
  run_workload "$tool" web_rps web_app "$a" "$b"

  [[ $tool == sharedfs ]] && bench_write_back "$bucket"

  sleep 3
  run_workload "$tool" rss_after rss "$tool-a" rss_after
  run_workload "$tool" rss_peak rss_peak "$tool-a"
  unmount_fs "$tool-b"
  unmount_fs "$tool-a"
}

# SharedFs only: the small-file create with SHAREDFS_WRITE_BACK=on (bulk imports), on a mount of its own.
bench_write_back() {
  local mnt=$WORK/mnt/sharedfs-wb
  mount_fs sharedfs-wb "$1" "$mnt" sharedfs-wb || { record_error sharedfs small_create_wb "did not mount"; return; }
  run_workload sharedfs small_create_wb python3 "$BENCH/lib/fsops.py" create "$mnt/small-wb" "$SMALL_FILES" small_create_wb \
    --settle "$(settle_cmd sharedfs-wb)"
  unmount_fs sharedfs-wb
}

# SharedFs only: sharedfs-init as the PID 1 of a container, start to exec and to exit.
bench_init() {
  local bucket=bench-sharedfs mnt=$WORK/mnt/init
  mkdir -p "$mnt"
  SCALINGO_SHAREDFS_CREDENTIALS="$ACCESS_KEY:$SECRET_KEY:$bucket" SHAREDFS_ENDPOINT=$ENDPOINT \
    SHAREDFS_MOUNT=$mnt SHAREDFS_CACHE_TTL=1s SHAREDFS_STAGING_DIR=$WORK/cache/init \
    SHAREDFS_APP_ROOT=$WORK/app run_workload sharedfs start_exec \
    python3 "$BENCH/lib/fsops.py" startexec "$SHAREDFS_BIN" "$INIT_ROUNDS"
  is_mounted "$mnt" && { log "sharedfs-init left $mnt mounted"; umount -l "$mnt"; }
}
