#!/bin/bash
# The long versions of the reliability tests (make soak): the load test at 1000 files per writer
# (2 mounts × 8 writers = 16,000 files) with every file's SHA-256 checked, and the fault tests, repeated.
# Same tests as in CI (tests/SharedFs.Reliability.Tests), scaled by environment variables; same gateway script.
# Arguments: number of rounds of the fault tests (default 3).
set -uo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}

export CEPH_S3_DIR=$(mktemp -d /tmp/sharedfs-soak.XXXXXX)/ceph
export CEPH_S3_PORT_BASE=${CEPH_S3_PORT_BASE:-$((20000 + RANDOM % 30000))}
export CEPH_S3_ACCESS_KEY=SHAREDFSSOAKKEY
export CEPH_S3_SECRET_KEY=soak-secret-$RANDOM$RANDOM
trap 'tests/ceph/ceph-s3.sh down 2>/dev/null; rm -rf "$(dirname "$CEPH_S3_DIR")"' EXIT

printed=$(tests/ceph/ceph-s3.sh up)
endpoint=$(sed -n 's/^endpoint=//p' <<<"$printed")
[[ -n $endpoint ]] || { echo "soak: the Ceph gateway did not start" >&2; exit 1; }
export SHAREDFS_TEST_S3_ENDPOINT=$endpoint SHAREDFS_TEST_S3_ACCESS_KEY=$CEPH_S3_ACCESS_KEY SHAREDFS_TEST_S3_SECRET_KEY=$CEPH_S3_SECRET_KEY
export SHAREDFS_TEST_S3_HTTPS_ENDPOINT=$(sed -n 's/^https_endpoint=//p' <<<"$printed") SHAREDFS_TEST_S3_CA_FILE=$(sed -n 's/^ca_file=//p' <<<"$printed")
export SHAREDFS_LOAD_FILES=${SHAREDFS_LOAD_FILES:-1000} SHAREDFS_LOAD_VERIFY_ALL=1

project=tests/SharedFs.Reliability.Tests
dotnet build "$project" --no-restore -c Debug --nologo -v q || exit 1
failed=0
run() {
  echo "soak: $*" >&2
  dotnet test "$project" --no-build --logger "console;verbosity=detailed" --blame-hang-timeout 60m "$@" || failed=$((failed + 1))
}
run --filter "FullyQualifiedName~LoadTests"
for ((i = 1; i <= rounds; i++)); do
  run --filter "FullyQualifiedName~FaultTests|FullyQualifiedName~ProcessFaultTests|FullyQualifiedName~DeployOverlapTests"
done
echo "soak: $failed failed run(s)"
((failed == 0))
