#!/bin/bash
# package.sh BINARY OUTPUT.tgz: the buildpack tarball a BUILDPACK_URL can point at. It holds bin/, lib/ and
# vendor/ (the NativeAOT binary, its checksum, and libfuse3.so.3 for stacks that lack it), at its root as
# the platform expects.
set -euo pipefail

binary=${1:?usage: package.sh BINARY OUTPUT.tgz}
output=${2:?usage: package.sh BINARY OUTPUT.tgz}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

[[ -x $binary ]] || { echo "package: $binary is missing: run 'make publish' first" >&2; exit 1; }

mkdir -p "$here/vendor"
cp "$binary" "$here/vendor/sharedfs-init.new" && mv "$here/vendor/sharedfs-init.new" "$here/vendor/sharedfs-init"
sha256sum "$here/vendor/sharedfs-init" | cut -d' ' -f1 >"$here/vendor/sharedfs-init.sha256"

# The build machine's libfuse3 (Debian 12: 3.14), resolved to the real file so the tarball holds no symlink.
libfuse=$(find /lib/x86_64-linux-gnu -maxdepth 1 -name 'libfuse3.so.3.*' | sort -V | tail -n 1)
if [[ -z $libfuse ]]; then
  echo "package: /lib/x86_64-linux-gnu/libfuse3.so.3.* is missing: run 'make deps'" >&2
  exit 1
fi
cp -L "$libfuse" "$here/vendor/libfuse3.so.3"

mkdir -p "$(dirname "$output")"
# Fixed owner and order keep the tarball the same from one build to the next for the same binary.
tar --owner=0 --group=0 --numeric-owner --sort=name -czf "$output.new" -C "$here" bin lib vendor
mv "$output.new" "$output"
echo "package: $output ($(du -h "$output" | cut -f1))"
