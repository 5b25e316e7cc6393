#!/bin/bash
# Installs what building and testing SharedFs needs on Debian 12, as root. Idempotent: packages already
# present are not touched, so a second run takes a second. apt can fail transiently here: retried.
set -euo pipefail

packages=(
  fuse3 libfuse3-3 libfuse3-dev          # the FUSE library the binding loads, and its headers (layout tests)
  gcc libc6-dev                          # NativeAOT links with the system C toolchain; layout probes compile C
  ceph-mon ceph-osd radosgw              # the local S3 server (single-node Ceph RADOS Gateway)
  curl                                   # readiness probe of the gateway
  s3fs s3cmd rclone fio rsync attr       # peers and tools for interop tests and benchmarks (attr: getfattr)
  util-linux procps psmisc               # unshare, ps, fuser
  debootstrap                            # a minimal root filesystem for the container test
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "deps: everything is installed"
else
  if [[ $(id -u) != 0 ]]; then
    echo "deps: missing ${missing[*]}; run 'make deps' as root to install them" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  for attempt in 1 2 3 4 5; do
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      break
    fi
    if ((attempt == 5)); then echo "deps: apt-get failed 5 times" >&2; exit 1; fi
    echo "deps: apt-get failed (attempt $attempt), retrying in $((attempt * 5)) s" >&2
    sleep $((attempt * 5))
  done
fi

command -v dotnet >/dev/null || { echo "deps: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
for attempt in 1 2 3; do
  dotnet restore SharedFsInit.sln --verbosity quiet && exit 0
  echo "deps: dotnet restore failed (attempt $attempt), retrying" >&2
  sleep $((attempt * 5))
done
exit 1
