#!/bin/bash
# container.sh NAME PORT: one "app container" of the demo, without Docker. It lays out an app root (the demo
# app as a deployed slug would hold it), then becomes sharedfs-init, which mounts the bucket, links
# public/uploads into the mount and runs the app, exactly as `web: sharedfs-init -- python3 app.py` would.
# Settings (environment, set by run.sh): DEMO_DIR, DEMO_BINARY, DEMO_ENDPOINT, DEMO_CREDENTIALS.
set -euo pipefail

name=${1:?usage: container.sh NAME PORT}
port=${2:?usage: container.sh NAME PORT}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$DEMO_DIR/$name

mkdir -p "$root/app/public" "$root/storage" "$root/staging"
cp "$here/app.py" "$root/app/app.py"
cd "$root/app"

# Each container has its own mount and staging folder, as each real container has its own filesystem;
# only the bucket is shared. The app's uploads folder is the one linked into the mount.
export SCALINGO_SHAREDFS_CREDENTIALS=$DEMO_CREDENTIALS
export SCALINGO_SHAREDFS_SYMLINKS=public/uploads
export SHAREDFS_ENDPOINT=$DEMO_ENDPOINT
export SHAREDFS_MOUNT=$root/storage
export SHAREDFS_APP_ROOT=$root/app
export SHAREDFS_STAGING_DIR=$root/staging
export PORT=$port
export DEMO_CONTAINER_NAME=$name
# exec: the caller's PID is sharedfs-init's, so run.sh signals the init itself.
exec "$DEMO_BINARY" -- python3 app.py
