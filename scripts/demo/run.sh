#!/bin/bash
# `make run`: a local S3 server (single-node Ceph RADOS Gateway on 127.0.0.1), one bucket, and two app
# "containers" sharing it through sharedfs-init, each serving the demo app on its own port.
# Ctrl-C stops everything cleanly: both inits get SIGTERM (they stop the app, upload what is dirty, unmount),
# then the gateway stops. Exit status 0 when every part stopped cleanly.
# Settings (environment): SHAREDFS_DEMO_DIR (default /tmp/sharedfs-demo), SHAREDFS_DEMO_PORT_A/_B (default
# 8081/8082, or the next free ports), SHAREDFS_DEMO_BINARY (default out/sharedfs-init).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export DEMO_DIR=${SHAREDFS_DEMO_DIR:-/tmp/sharedfs-demo}
export DEMO_BINARY=${SHAREDFS_DEMO_BINARY:-$repo/out/sharedfs-init}
bucket=sharedfs-demo
ceph=$repo/tests/ceph/ceph-s3.sh
export CEPH_S3_DIR=$DEMO_DIR/ceph
export CEPH_S3_ACCESS_KEY=SHAREDFSDEMOKEY
export CEPH_S3_SECRET_KEY=demo-secret-$RANDOM$RANDOM

# A closed terminal pipe (`make run | tee log`, then Ctrl-C kills tee) must not kill the script mid-stop:
# SIGPIPE is ignored, and a message that cannot be written is just lost.
trap '' PIPE
say() { echo "demo: $*" >&2 || true; }
die() { say "$*"; exit 1; }

# Ctrl-C during start-up: stop at the next step instead of starting more.
check_stop() { ((stop_requested == 0)) || exit 0; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port WANTED: WANTED if nothing listens there, else the next free port above it.
free_port() {
  local port=$1
  while port_busy "$port"; do port=$((port + 1)); done
  echo "$port"
}

declare -A pid=()  # container name -> sharedfs-init's pid

mounts_below() { awk -v dir="$DEMO_DIR/" 'index($5, dir) == 1 {print $5}' /proc/self/mountinfo; }

# A run killed with SIGKILL leaves its mounts and daemons behind: clear them before starting afresh.
clear_leftovers() {
  [[ -e $DEMO_DIR ]] || return 0
  say "clearing what a previous run left in $DEMO_DIR"
  local mount
  for mount in $(mounts_below | sort -r); do umount "$mount" 2>/dev/null || umount -l "$mount"; done
  "$ceph" down 2>/dev/null || true
  rm -rf "$DEMO_DIR"
}

preflight() {
  [[ $(id -u) == 0 ]] || die "run me as root (FUSE mounts and the Ceph daemons need it)"
  [[ -x $DEMO_BINARY ]] || die "$DEMO_BINARY is missing: run 'make publish' (or just 'make run')"
  [[ -e /dev/fuse ]] || die "/dev/fuse is missing: load the fuse module, or give this container --device /dev/fuse"
  local program
  for program in python3 s3cmd curl radosgw; do
    command -v "$program" >/dev/null || die "$program is missing: run 'make deps'"
  done
}

start_gateway() {
  local attempt
  for attempt in 1 2 3; do
    # The gateway needs BASE..BASE+80 free; a random base rarely collides, and a retry fixes it when it does.
    export CEPH_S3_PORT_BASE=$((20000 + RANDOM % 30000))
    # setsid: the daemons get their own session, so the terminal's Ctrl-C reaches only this script, which
    # stops them last, after the containers have flushed into the bucket. Its output goes to files, not to a
    # pipe: a pipe's reader would be in our process group and die of the Ctrl-C.
    if setsid "$ceph" up >"$DEMO_DIR/gateway.out" 2>"$DEMO_DIR/gateway.log"; then
      endpoint=$(sed -n 's/^endpoint=//p' "$DEMO_DIR/gateway.out")
      return 0
    fi
    check_stop
    say "the gateway did not start (attempt $attempt):"
    tail -n 15 "$DEMO_DIR/gateway.log" >&2
    "$ceph" down 2>/dev/null || true
  done
  die "the Ceph gateway did not start 3 times: see the messages above"
}

s3cmd_demo() {
  # AWS_CA_BUNDLE (set on some machines) makes s3cmd try TLS settings a plain-http gateway does not need.
  env -u AWS_CA_BUNDLE s3cmd -c "$DEMO_DIR/s3cfg" "$@"
}

create_bucket() {
  local host=${endpoint#http://}
  cat >"$DEMO_DIR/s3cfg" <<CFG
[default]
access_key = $CEPH_S3_ACCESS_KEY
secret_key = $CEPH_S3_SECRET_KEY
host_base = $host
host_bucket = $host
use_https = False
signature_v2 = False
bucket_location = us-east-1
CFG
  chmod 600 "$DEMO_DIR/s3cfg"
  s3cmd_demo mb "s3://$bucket" >/dev/null
}

start_container() {  # start_container NAME PORT: sets pid[NAME]
  # setsid for the same reason as the gateway: the script, not the terminal, decides when they stop.
  # Their output goes to a file that show_logs follows, so that nothing the terminal does to its output
  # (a pipe closed by Ctrl-C) can reach sharedfs-init while it flushes.
  setsid "$here/container.sh" "$1" "$2" >"$DEMO_DIR/$1.log" 2>&1 </dev/null &
  pid[$1]=$!
}

show_logs() {  # follows the containers' logs on our output until stop_logs
  tail -q -n +1 -F "$DEMO_DIR/a.log" "$DEMO_DIR/b.log" 2>/dev/null &
  tail_pid=$!
}

stop_logs() {
  [[ -n $tail_pid ]] || return 0
  sleep 0.3  # let tail print the containers' last lines
  kill "$tail_pid" 2>/dev/null || true
  wait "$tail_pid" 2>/dev/null || true
  tail_pid=''
}

wait_for_app() {  # wait_for_app NAME PORT PID
  local deadline=$((SECONDS + 60))
  until curl -sf -o /dev/null "http://127.0.0.1:$2/"; do
    kill -0 "$3" 2>/dev/null || die "container $1 stopped during start-up: see its messages above"
    ((SECONDS < deadline)) || die "container $1 did not answer on port $2 within 60 s"
    check_stop
    sleep 0.2
  done
}

# stop_containers: SIGTERM to each init still running, then their exit statuses (0 = clean stop).
stop_containers() {
  local name
  for name in "${!pid[@]}"; do kill -TERM "${pid[$name]}" 2>/dev/null || true; done
  # sharedfs-init waits at most SHAREDFS_STOP_TIMEOUT (25 s) for the app, then flushes and unmounts.
  local deadline=$((SECONDS + 90))
  for name in $(printf '%s\n' "${!pid[@]}" | sort); do
    local id=${pid[$name]} status=0
    while kill -0 "$id" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$id" 2>/dev/null; then
      say "container $name did not stop within 90 s: killing it"
      kill -KILL "$id" 2>/dev/null || true
    fi
    wait "$id" || status=$?
    if ((status == 0)); then say "container $name stopped cleanly"; else say "container $name exited with status $status"; failed=1; fi
    unset "pid[$name]"
  done
}

# shutdown: stops whatever was started, in the order that loses nothing; runs once, on any exit.
shutdown() {
  ((shut_down)) && return 0
  shut_down=1
  trap '' INT TERM  # a second Ctrl-C must not cut the clean stop short
  if ((${#pid[@]} > 0)); then
    say "stopping: SIGTERM to both containers (each stops its app, uploads what is dirty, unmounts)"
    stop_containers
  fi
  stop_logs
  local left
  left=$(mounts_below | grep -v "^$CEPH_S3_DIR/" || true)
  if [[ -n $left ]]; then say "still mounted after the stop: $left"; failed=1; fi
  if [[ -n $endpoint && -f $DEMO_DIR/s3cfg ]]; then
    say "the bucket keeps what was uploaded (objects under public/uploads/):"
    s3cmd_demo ls -r "s3://$bucket/public/uploads/" 2>/dev/null | sed 's/^/        /' >&2 || true
  fi
  # Whatever state the gateway is in (even half started by an interrupted start-up), stop its daemons.
  if [[ -e $CEPH_S3_DIR ]]; then
    say "stopping the Ceph gateway"
    "$ceph" down 2>>"$DEMO_DIR/gateway.log" || failed=1
  fi
  # Deleting the folder through a live mount would delete objects: only when nothing is mounted.
  if [[ -z $left ]]; then rm -rf "$DEMO_DIR"; fi
  if ((failed)); then say "stopped, with the problems above"; else say "stopped cleanly"; fi
}

main() {
  failed=0 shut_down=0 stop_requested=0 endpoint='' tail_pid=''
  preflight
  clear_leftovers
  mkdir -p "$DEMO_DIR"
  local port_a port_b
  port_a=$(free_port "${SHAREDFS_DEMO_PORT_A:-8081}")
  port_b=$(free_port "${SHAREDFS_DEMO_PORT_B:-$((port_a + 1))}")
  [[ $port_b != "$port_a" ]] || port_b=$(free_port $((port_a + 1)))

  trap 'shutdown; exit $((failed))' EXIT
  trap 'stop_requested=1' INT TERM

  say "starting the S3 server (a single-node Ceph RADOS Gateway on 127.0.0.1; a few seconds)"
  start_gateway
  check_stop
  create_bucket
  say "S3 endpoint $endpoint, bucket $bucket"
  export DEMO_ENDPOINT=$endpoint DEMO_CREDENTIALS=$CEPH_S3_ACCESS_KEY:$CEPH_S3_SECRET_KEY:$bucket

  say "starting container a on port $port_a and container b on port $port_b"
  start_container a "$port_a"
  start_container b "$port_b"
  show_logs
  wait_for_app a "$port_a" "${pid[a]}"
  wait_for_app b "$port_b" "${pid[b]}"

  cat <<TRY || true

  SharedFs demo: two app containers, one bucket.
    container a  http://127.0.0.1:$port_a/    app root $DEMO_DIR/a/app, mount $DEMO_DIR/a/storage
    container b  http://127.0.0.1:$port_b/    app root $DEMO_DIR/b/app, mount $DEMO_DIR/b/storage
  In each, public/uploads is a symlink into the mount.

  Try, from another terminal:
    curl -F file=@/etc/hostname http://127.0.0.1:$port_a/upload     # upload through container a
    curl http://127.0.0.1:$port_b/uploads/hostname                  # download it through container b
                                  # (b sees new files within the cache TTL, 1 s: 404 just before)
    ls -l $DEMO_DIR/b/app/public/                                    # the symlink
    s3cmd -c $DEMO_DIR/s3cfg ls -r s3://$bucket                      # the objects in the bucket
  or open http://127.0.0.1:$port_a/ and http://127.0.0.1:$port_b/ in a browser.

  Ctrl-C stops everything cleanly.

TRY

  # Sleep until Ctrl-C (or SIGTERM), or until a container stops by itself, which is a failure.
  while ((stop_requested == 0)); do
    if ! kill -0 "${pid[a]}" 2>/dev/null || ! kill -0 "${pid[b]}" 2>/dev/null; then
      say "a container stopped by itself"
      failed=1
      break
    fi
    wait -n "${pid[a]}" "${pid[b]}" 2>/dev/null || true
  done
}

main "$@"
