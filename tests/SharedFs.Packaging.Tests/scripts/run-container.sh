#!/bin/bash
# run-container.sh ROOTFS WORK BINARY APP_DIR [LIBFUSE [INIT_ARGS...]]: what `docker run --device /dev/fuse --cap-add SYS_ADMIN
# IMAGE` does with examples/Dockerfile, without a Docker engine: the image is ROOTFS (left untouched: an
# overlay with its writable layer in WORK takes the writes), BINARY goes to /usr/local/bin (and LIBFUSE
# beside it, as on an image without libfuse3), APP_DIR's files to /app, and sharedfs-init runs as PID 1 of
# new PID and mount namespaces, chrooted, with `-- python3 app.py` as the app (or with INIT_ARGS as its
# arguments instead, e.g. --version).
# The container's environment is every SCALINGO_SHAREDFS_*, SHAREDFS_*, PORT and DEMO_* variable of ours.
# The network namespace is shared, so the container reaches the S3 gateway on 127.0.0.1 and serves on it.
set -euo pipefail

if [[ ${1:-} != --inside ]]; then
  rootfs=${1:?usage: run-container.sh ROOTFS WORK BINARY APP_DIR [LIBFUSE [INIT_ARGS...]]}
  work=${2:?} binary=${3:?} app=${4:?} libfuse=${5:-}
  shift $(($# < 5 ? $# : 5))
  [[ -f $rootfs/.complete ]] || { echo "run-container: $rootfs is not a complete root filesystem" >&2; exit 1; }
  mkdir -p "$work"/{upper,work,merged}
  # The mounts made inside die with the mount namespace, whatever happens to the test.
  exec unshare --pid --fork --mount --mount-proc --propagation private \
    "$0" --inside "$rootfs" "$work" "$binary" "$app" "$libfuse" "$@"
fi

# Here we are PID 1 of the new namespaces; after the last exec, sharedfs-init is.
rootfs=$2 work=$3 binary=$4 app=$5 libfuse=$6
shift 6
arguments=("$@")
((${#arguments[@]} > 0)) || arguments=(-- python3 app.py)
root=$work/merged
mount -t overlay overlay -o "lowerdir=$rootfs,upperdir=$work/upper,workdir=$work/work" "$root"
install -m 755 "$binary" "$root/usr/local/bin/sharedfs-init"
[[ -z $libfuse ]] || install -m 644 "$libfuse" "$root/usr/local/bin/libfuse3.so.3"
mkdir -p "$root/app" "$root/storage"
cp -a "$app/." "$root/app/"
# /dev/fuse (what --device /dev/fuse gives) and a /proc of the container's own PID namespace.
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"

environment=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/app)
while IFS='=' read -r name _; do
  [[ $name =~ ^(SCALINGO_SHAREDFS_|SHAREDFS_|DEMO_|PORT$) ]] && environment+=("$name=${!name}")
done < <(env)

# WORKDIR /app, ENTRYPOINT ["sharedfs-init", "--"], CMD ["python3", "app.py"]; env execs, so init is PID 1.
exec chroot "$root" /usr/bin/env -i -C /app "${environment[@]}" /usr/local/bin/sharedfs-init "${arguments[@]}"
