#!/bin/bash
# measure.sh [BINARY]: the numbers docs/packaging.md quotes for the shipped executable: its size, its start-up
# time (--version, and `check` which loads and validates the configuration), and the resident memory of an
# idle mount of an empty bucket on a throwaway local Ceph gateway.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
binary=${1:-$repo/out/sharedfs-init}
runs=${MEASURE_RUNS:-50}
work=$(mktemp -d /tmp/sharedfs-measure.XXXXXX)
export CEPH_S3_DIR=$work/ceph CEPH_S3_PORT_BASE=$((20000 + RANDOM % 30000))
export CEPH_S3_ACCESS_KEY=SHAREDFSMEASURE CEPH_S3_SECRET_KEY=measure-$RANDOM$RANDOM
mount_pid=''

cleanup() {
  [[ -z $mount_pid ]] || { kill -TERM "$mount_pid" 2>/dev/null; wait "$mount_pid" 2>/dev/null || true; }
  "$repo/tests/ceph/ceph-s3.sh" down 2>/dev/null || true
  if grep -q " $work/" /proc/self/mountinfo; then umount -l "$work/storage" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# mean_ms COMMAND...: mean wall time of RUNS runs, in milliseconds (after one warm-up run for the page cache).
mean_ms() {
  "$@" >/dev/null 2>&1 || true
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  awk -v ns=$((end - start)) -v n="$runs" 'BEGIN {printf "%.1f\n", ns / n / 1e6}'
}

echo "binary: $binary"
echo "size: $(stat -c %s "$binary") bytes ($(du -h "$binary" | cut -f1))"
echo "linked libraries: $(ldd "$binary" | awk '{print $1}' | grep -v vdso | tr '\n' ' ')"
echo "start-up, --version: $(mean_ms "$binary" --version) ms (mean of $runs)"
echo "max RSS of --version: $(/usr/bin/time -f %M "$binary" --version 2>&1 >/dev/null | tail -n 1) KiB"

endpoint=$("$repo/tests/ceph/ceph-s3.sh" up 2>/dev/null | sed -n 's/^endpoint=//p')
credentials=$CEPH_S3_ACCESS_KEY:$CEPH_S3_SECRET_KEY:measure
export SCALINGO_SHAREDFS_CREDENTIALS=$credentials SHAREDFS_ENDPOINT=$endpoint
# The bucket, made with the .s3cfg that sharedfs-init itself prints (AWS_CA_BUNDLE would make s3cmd try TLS).
"$binary" s3cfg >"$work/s3cfg"
env -u AWS_CA_BUNDLE s3cmd -c "$work/s3cfg" mb s3://measure >/dev/null
echo "start-up, check (reads and validates the configuration): $(MEASURE_RUNS=10 runs=10 mean_ms "$binary" check) ms (mean of 10)"

mkdir -p "$work/storage"
SHAREDFS_MOUNT=$work/storage SHAREDFS_STAGING_DIR=$work/staging "$binary" mount >"$work/mount.log" 2>&1 &
mount_pid=$!
started=$(date +%s%N)
until grep -q " $work/storage " /proc/self/mountinfo && ls "$work/storage" >/dev/null 2>&1; do
  kill -0 "$mount_pid" 2>/dev/null || { echo "the mount failed:"; cat "$work/mount.log"; exit 1; }
  sleep 0.01
done
echo "mount ready after: $(( ($(date +%s%N) - started) / 1000000 )) ms"
sleep 5  # idle: let start-up garbage be collected and threads settle
echo "idle mount: RSS $(awk '/VmRSS/ {print $2, $3}' "/proc/$mount_pid/status"), threads $(awk '/Threads/ {print $2}' "/proc/$mount_pid/status")"
