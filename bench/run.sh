#!/bin/bash
# SharedFs against s3fs and rclone mount, and a plain S3 client as the ceiling, on one throwaway Ceph RADOS
# Gateway on 127.0.0.1. Prints one table and writes bench/results/latest.{md,json,svg} plus a dated copy.
#   bench/run.sh            full run (1 GiB file, 1000 small files, 10 000-entry folder…; bluestore)
#   QUICK=1 bench/run.sh    the same workloads, small sizes (a harness test, about 3 minutes; memstore)
#   NET=10ms bench/run.sh   every tool (and the direct client) behind a proxy adding 10 ms per round trip
#                           (NET=2ms likewise; NET=0, the default, is the loopback run)
# Environment: FILESYSTEMS="sharedfs s3fs rclone" (which to run), SHAREDFS_BIN (default out/sharedfs-init),
# BENCH_KEEP=1 (keep the scratch folder and logs), CEPH_S3_STORE (override the object store).
# Must run as root (mounts, drop_caches). See bench/README.md.
set -uo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
QUICK=${QUICK:-0}
[[ $QUICK == 1 ]] || QUICK=0
FILESYSTEMS=${FILESYSTEMS:-sharedfs s3fs rclone}
NET=${NET:-0}
case $NET in
  0 | 0ms) NET_RTT_MS=0 ;;
  *ms) NET_RTT_MS=${NET%ms} ;;
  *) NET_RTT_MS=$NET ;;
esac
if ! [[ $NET_RTT_MS =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
  echo "bench: NET=$NET is not a round trip in milliseconds (NET=10ms, NET=2ms, or NET=0 for loopback)" >&2
  exit 2
fi

if ((QUICK)); then
  BIG_BYTES=$((64 << 20)) RAND_SECONDS=5 SMALL_FILES=100 WIDE_FILES=500
  DEEP_FANOUT=5 DEEP_FILES=4 TAR_FILES=100 FRESH_ROUNDS=3 INIT_ROUNDS=3 WEB_CLIENTS=8 WEB_UPLOADS=3
else
  BIG_BYTES=$((1 << 30)) RAND_SECONDS=20 SMALL_FILES=1000 WIDE_FILES=10000
  DEEP_FANOUT=10 DEEP_FILES=10 TAR_FILES=3000 FRESH_ROUNDS=5 INIT_ROUNDS=5 WEB_CLIENTS=8 WEB_UPLOADS=25
fi

source "$BENCH/lib/common.sh"
source "$BENCH/lib/gateway.sh"
source "$BENCH/lib/mounts.sh"
source "$BENCH/lib/workloads.sh"

((EUID == 0)) || die "run as root (FUSE mounts, drop_caches)"
for tool in python3 fio s3cmd rclone s3fs curl fusermount ceph-mon radosgw; do
  command -v "$tool" >/dev/null || die "$tool is missing: run 'make deps'"
done
unset AWS_CA_BUNDLE  # set in some environments; s3cmd, rclone and s3fs talk plain HTTP to 127.0.0.1 here

# /var/tmp, not /tmp: the test runner lazily unmounts leftover FUSE mounts under /tmp.
WORK=$(mktemp -d /var/tmp/sharedfs-bench.XXXXXX)
RESULTS_JSONL=$WORK/results.jsonl
mkdir -p "$WORK/logs" "$WORK/mnt"
: >"$RESULTS_JSONL"

CLEANED=0 WORKLOAD_PID=
cleanup() {
  ((CLEANED)) && return; CLEANED=1
  trap '' INT TERM
  log "cleaning up"
  [[ -n ${WORKLOAD_PID:-} ]] && { kill_tree "$WORKLOAD_PID"; wait "$WORKLOAD_PID" 2>/dev/null; }
  unmount_all
  gateway_down
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $WORK"
  elif ! awk -v w="$WORK/" 'index($5, w) == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then rm -rf "$WORK"
  else log "something is still mounted under $WORK: not deleting it"
  fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

started=$SECONDS
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "mode: $( ((QUICK)) && echo QUICK || echo full ), network: $( [[ $NET_RTT_MS == 0 ]] && echo loopback || echo "$NET_RTT_MS ms per round trip" ), scratch folder $WORK"
gateway_up
prepare_data
log "data ready: $(du -sh "$WORK/data" | cut -f1)"
warm_gateway || die "the gateway did not take the warm-up writes"

bench_direct
for fs in $FILESYSTEMS; do
  if [[ $fs == sharedfs && ! -x $SHAREDFS_BIN ]]; then
    log "sharedfs: $SHAREDFS_BIN is not built ('make publish'): its column says so"
    record_error sharedfs not_built "$SHAREDFS_BIN not built"
    continue
  fi
  bench_fs "$fs"
  [[ $fs == sharedfs ]] && bench_init
done

# The environment of the figures, for the report.
python3 - "$WORK/meta.json" <<PY
import json, subprocess, sys, platform, os
def first(cmd):
    try: return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
    except Exception: return "?"
meta = {
  "mode": "quick" if $QUICK else "full",
  "net_rtt_ms": float("$NET_RTT_MS"),
  "request_log": "$REQUEST_LOG",
  "duration_s": $((SECONDS - started)),
  "store": "$CEPH_S3_STORE",
  "sizes": {"big_bytes": $BIG_BYTES, "rand_seconds": $RAND_SECONDS, "small_files": $SMALL_FILES,
            "wide_files": $WIDE_FILES, "deep": "${DEEP_FANOUT}x${DEEP_FANOUT}x${DEEP_FILES}",
            "tar_files": $TAR_FILES, "fresh_rounds": $FRESH_ROUNDS,
            "web_clients": $WEB_CLIENTS, "web_uploads": $WEB_UPLOADS},
  "versions": {"s3fs": first(["s3fs", "--version"]), "rclone": first(["rclone", "version"]),
               "sharedfs": first(["$SHAREDFS_BIN", "--version"]) if os.access("$SHAREDFS_BIN", os.X_OK) else "not built",
               "ceph": first(["radosgw", "--version"]), "kernel": platform.release()},
  "sharedfs_bin": "$SHAREDFS_BIN",
  "git": first(["git", "-C", "$REPO", "describe", "--always", "--dirty"]),
  "cpus": os.cpu_count(),
  "load_start": "$LOAD_START", "load_end": open("/proc/loadavg").read().split()[:3],
  "filesystems": "$FILESYSTEMS".split(),
}
json.dump(meta, open(sys.argv[1], "w"), indent=1)
PY
python3 "$BENCH/report.py" "$RESULTS_JSONL" "$WORK/meta.json" "${BENCH_RESULTS:-$BENCH/results}"
status=$?
log "done in $((SECONDS - started)) s"
exit "$status"
