#!/bin/bash
# Runs every test of the solution against one throwaway Ceph RADOS Gateway shared by all test assemblies,
# then prints the totals taken from the test results as the last line: "N passed, N failed".
# Arguments are passed to `dotnet test` (e.g. --filter).
set -uo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d /tmp/sharedfs-test-results.XXXXXX)
# Every temporary folder (and so every test mount) of this run lives below $results: the clean-up can then
# unmount what a crashed test left without touching anybody else's mounts.
export TMPDIR=$results/tmp
mkdir -p "$TMPDIR"
export CEPH_S3_DIR=$results/ceph
export CEPH_S3_ACCESS_KEY=SHAREDFSTESTKEY
export CEPH_S3_SECRET_KEY=test-secret-$RANDOM$RANDOM

cleanup() {
  tests/ceph/ceph-s3.sh down 2>/dev/null
  # Nothing may stay mounted by a test that crashed: lazily unmount what is left below this run's folder.
  awk '{print $2}' /proc/self/mounts | grep -F "$results/" |
    while read -r mount; do umount -l "$(printf '%b' "$mount")" 2>/dev/null; done
  grep -qF "$results/" /proc/self/mounts || rm -rf "$results"
}
trap cleanup EXIT

# A random block of ports, tried again elsewhere if something on this machine already holds one of them.
endpoint= https_endpoint= ca_file=
for attempt in 1 2 3; do
  export CEPH_S3_PORT_BASE=$((20000 + RANDOM % 30000))
  printed=$(tests/ceph/ceph-s3.sh up)
  endpoint=$(sed -n 's/^endpoint=//p' <<<"$printed")
  https_endpoint=$(sed -n 's/^https_endpoint=//p' <<<"$printed")
  ca_file=$(sed -n 's/^ca_file=//p' <<<"$printed")
  [[ -n $endpoint ]] && break
done
if [[ -z $endpoint ]]; then
  echo "tests: the Ceph gateway did not start" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
export SHAREDFS_TEST_S3_ENDPOINT=$endpoint
export SHAREDFS_TEST_S3_ACCESS_KEY=$CEPH_S3_ACCESS_KEY
export SHAREDFS_TEST_S3_SECRET_KEY=$CEPH_S3_SECRET_KEY
# The same gateway over https, and the private CA of its certificate (the TLS tests give it as SSL_CERT_FILE).
export SHAREDFS_TEST_S3_HTTPS_ENDPOINT=$https_endpoint
export SHAREDFS_TEST_S3_CA_FILE=$ca_file

dotnet test SharedFsInit.sln --no-restore --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results/trx" --blame-hang-timeout 10m "$@"
status=$?

passed=0 failed=0 total=0 unreadable=0
counter() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2"; }
for trx in "$results"/trx/*.trx; do
  [[ -f $trx ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(counter passed "$counters") f=$(counter failed "$counters") t=$(counter total "$counters")
  if [[ -z $p || -z $f || -z $t ]]; then
    # A result file without readable counters is a test run that went wrong: it counts, as one failure.
    echo "tests: $(basename "$trx") has no readable test counters" >&2
    unreadable=$((unreadable + 1))
    continue
  fi
  passed=$((passed + p)) failed=$((failed + f)) total=$((total + t))
done
# A test that did not run (skipped, timed out, crashed host) counts as failed: nothing passes by default.
not_run=$((total - passed - failed))
failed=$((failed + unreadable))
if ((total == 0)); then failed=$((failed + 1)); echo "tests: no test was executed" >&2; fi
if ((not_run > 0)); then echo "tests: $not_run tests did not run to completion" >&2; failed=$((failed + not_run)); fi
if ((status != 0 && failed == 0)); then failed=1; echo "tests: dotnet test failed (exit $status)" >&2; fi
echo "$passed passed, $failed failed"
((failed == 0))
