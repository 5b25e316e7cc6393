#!/bin/bash
# Builds (once per machine) the minimal Debian 12 root filesystem the container test runs sharedfs-init in,
# and prints its path. It stands in for a Docker image: no .NET in it, only what a slim app image has.
#   make-rootfs.sh            build it if missing, print its path
# Settings (environment): SHAREDFS_ROOTFS_CACHE (default /var/cache/sharedfs-rootfs), SHAREDFS_DEBIAN_MIRROR.
set -euo pipefail

# python3: the demo web app; libssl3: .NET signs S3 requests (HMAC-SHA256) through OpenSSL;
# ca-certificates: what a real image has for https endpoints. libfuse3 is deliberately NOT here: the test
# copies it beside the binary, as the buildpack does on a stack that lacks it.
packages=python3,libssl3,ca-certificates
# The folder name is the cache key: change the version or the packages and a new root filesystem is built.
key=bookworm-minbase-v1-$(echo "$packages" | md5sum | cut -c1-8)
cache=${SHAREDFS_ROOTFS_CACHE:-/var/cache/sharedfs-rootfs}
mirror=${SHAREDFS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
target=$cache/$key

if [[ -f $target/.complete ]]; then echo "$target"; exit 0; fi

mkdir -p "$cache"
# Two test runs at once must not build into the same folder: the second waits for the first.
exec 9>"$cache/.lock"
flock 9
if [[ -f $target/.complete ]]; then echo "$target"; exit 0; fi

# Build beside the target and rename at the end, so an interrupted build never looks complete.
work=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
started=$SECONDS
for attempt in 1 2 3; do
  # The mirror can fail transiently: retry from scratch (debootstrap cannot resume a half-made tree).
  if debootstrap --variant=minbase --include="$packages" bookworm "$work/root" "$mirror" >"$work/log" 2>&1; then
    break
  fi
  if ((attempt == 3)); then
    echo "make-rootfs: debootstrap failed 3 times; last lines:" >&2
    tail -n 20 "$work/log" >&2
    exit 1
  fi
  rm -rf "$work/root"
  sleep $((attempt * 5))
done
# Package caches are not part of an image: drop them to keep the cache small.
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*
rm -rf "$target"
mv "$work/root" "$target"
touch "$target/.complete"
echo "make-rootfs: built $target in $((SECONDS - started)) s" >&2
echo "$target"
