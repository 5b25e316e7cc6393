# The S3 server of the benchmark: a throwaway Ceph RADOS Gateway (tests/ceph/ceph-s3.sh), its buckets and the
# client configurations (s3cmd, rclone, s3fs password file, curl) every tool uses to reach it.
# Sourced by bench/run.sh; expects REPO, WORK and QUICK.

ACCESS_KEY=BENCHKEY$RANDOM
SECRET_KEY=bench-secret-$RANDOM$RANDOM
ENDPOINT=          # what every tool talks to: the gateway, or the network proxy in front of it (NET)
ENDPOINT_DIRECT=   # the gateway itself
ENDPOINT_PROXY0=   # NET only: the same proxy with no delay, to show it is not the bottleneck
REQUEST_LOG=       # NET only: one line per request the tools sent (nanoseconds, method, target)

# A port base whose whole range (mon BASE, BASE+1, OSDs BASE+10..59, gateway BASE+80) nobody listens on.
pick_port_base() {
  local base used
  used=$(ss -Htanl | awk '{ n = split($4, a, ":"); print a[n] }')
  for _ in $(seq 50); do
    base=$((32000 + RANDOM % 28000))
    if ! awk -v lo="$base" -v hi="$((base + 80))" '$1 >= lo && $1 <= hi { found = 1 } END { exit !found }' <<<"$used"; then
      echo "$base"; return 0
    fi
  done
  return 1
}

gateway_up() {
  export CEPH_S3_DIR=$WORK/ceph CEPH_S3_ACCESS_KEY=$ACCESS_KEY CEPH_S3_SECRET_KEY=$SECRET_KEY
  export CEPH_S3_STORE=${CEPH_S3_STORE:-$([[ $QUICK == 1 ]] && echo memstore || echo bluestore)}
  # Room for every tool's big file plus the deleted ones the gateway collects only a minute later (sparse file).
  export CEPH_S3_STORE_BYTES=${CEPH_S3_STORE_BYTES:-$((40 << 30))}
  export CEPH_S3_PORT_BASE=${CEPH_S3_PORT_BASE:-$(pick_port_base)}
  GATEWAY_STARTED=1
  ENDPOINT=$("$REPO/tests/ceph/ceph-s3.sh" up 2>"$WORK/logs/ceph-up.log" | sed -n 's/^endpoint=//p')
  [[ -n $ENDPOINT ]] || { tail -n 20 "$WORK/logs/ceph-up.log" >&2; die "the Ceph gateway did not start"; }
  tune_gateway
  ENDPOINT_DIRECT=$ENDPOINT
  log "gateway $ENDPOINT ($CEPH_S3_STORE)"
  if [[ $NET_RTT_MS != 0 ]]; then
    build_proxy
    REQUEST_LOG=$WORK/requests.log
    ENDPOINT=$(start_proxy "$NET_RTT_MS" "$REQUEST_LOG" net) || die "the network proxy did not start"
    ENDPOINT_PROXY0=$(start_proxy 0 "" net0) || die "the zero-delay proxy did not start"
    log "network: every tool reaches the gateway through $ENDPOINT, $NET_RTT_MS ms per round trip"
  fi
  write_client_configs
}

# The latency-injecting proxy (bench/proxy): built once per run into the scratch folder.
build_proxy() {
  dotnet build "$BENCH/proxy/NetProxy.csproj" -c Release -o "$WORK/proxy" --nologo -v q >"$WORK/logs/proxy-build.log" 2>&1 ||
    { tail -n 20 "$WORK/logs/proxy-build.log" >&2; die "the network proxy did not build"; }
}

# start_proxy RTT_MS LOG NAME → its endpoint URL; the PID goes to $WORK/pids/NAME.proxy for the clean-up.
start_proxy() {
  local out=$WORK/logs/proxy-$3.out args=(--listen 127.0.0.1:0 --upstream "${ENDPOINT_DIRECT#http://}" --rtt "${1}ms")
  [[ -n $2 ]] && args+=(--log "$2")
  mkdir -p "$WORK/pids"
  "$WORK/proxy/net-proxy" "${args[@]}" >"$out" 2>&1 &
  echo $! >"$WORK/pids/$3.proxy"
  local deadline=$((SECONDS + 30)) port=
  until port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out") && [[ -n $port ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
  echo "http://127.0.0.1:$port"
}

stop_proxies() {
  local f
  for f in "$WORK"/pids/*.proxy; do
    [[ -f $f ]] || continue
    kill -TERM "$(cat "$f")" 2>/dev/null
    wait "$(cat "$f")" 2>/dev/null
    rm -f "$f"
  done
}

# The gateway's HTTP frontend without TCP_NODELAY holds the last small segment of a response until the client's
# delayed ACK (40 ms): every listing or small GET then costs 40 ms more, which no real S3 service does and
# which hides the filesystems' own costs. Turn Nagle off (beast tcp_nodelay=1) and restart the gateway.
tune_gateway() {
  local conf=$CEPH_S3_DIR/ceph.conf pidfile=$CEPH_S3_DIR/run/client.rgw.x.pid
  grep -q 'tcp_nodelay' "$conf" && return 0
  sed -i 's/^\(rgw frontends = beast .*\)$/\1 tcp_nodelay=1/' "$conf"
  local pid; pid=$(cat "$pidfile")
  kill -TERM "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  CEPH_CONF=$conf radosgw -n client.rgw.x
  wait_for 60 curl -sf -o /dev/null "$ENDPOINT/" || die "the gateway did not come back after tuning"
}

gateway_down() {
  stop_proxies
  [[ ${GATEWAY_STARTED:-0} == 1 ]] || return 0
  "$REPO/tests/ceph/ceph-s3.sh" down >/dev/null 2>&1 || true
  GATEWAY_STARTED=0
}

write_client_configs() {
  local hostport=${ENDPOINT#http://}
  cat >"$WORK/s3cfg" <<CFG
[default]
access_key = $ACCESS_KEY
secret_key = $SECRET_KEY
host_base = $hostport
host_bucket = $hostport
use_https = False
signature_v2 = False
CFG
  cat >"$WORK/rclone.conf" <<CFG
[bench]
type = s3
provider = Ceph
access_key_id = $ACCESS_KEY
secret_access_key = $SECRET_KEY
endpoint = $ENDPOINT

[benchdirect]
type = s3
provider = Ceph
access_key_id = $ACCESS_KEY
secret_access_key = $SECRET_KEY
endpoint = ${ENDPOINT_DIRECT:-$ENDPOINT}
CFG
  (umask 077; echo "$ACCESS_KEY:$SECRET_KEY" >"$WORK/s3fs.passwd")
}

s3cmd_() { s3cmd -c "$WORK/s3cfg" "$@"; }
rclone_() { rclone --config "$WORK/rclone.conf" "$@"; }
# curl signing with AWS SigV4 (curl ≥ 7.75); Ceph wants the payload hash header.
curl_s3() {
  curl -sSf --aws-sigv4 "aws:amz:us-east-1:s3" -u "$ACCESS_KEY:$SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
}

make_bucket() { s3cmd_ mb "s3://$1" >/dev/null; }

# A fresh bluestore device writes its first gigabytes at about half the speed of later ones (the sparse file
# grows): write the big file three times and delete it before anything is measured, so that the ceiling and
# every tool meet the same, warm, server.
warm_gateway() {
  make_bucket bench-warmup || return 1
  local i
  for i in 1 2 3; do curl_s3 -T "$WORK/data/big" "$ENDPOINT_DIRECT/bench-warmup/warm-$i" -o /dev/null || return 1; done
  for i in 1 2 3; do curl_s3 -X DELETE "$ENDPOINT_DIRECT/bench-warmup/warm-$i" -o /dev/null || return 1; done
}

# Bytes of BUCKET/KEY on the server, empty if it does not exist (asked of the gateway itself: the harness's own
# polls neither wait for the network nor show in the request counts).
object_size() {
  curl_s3 -I "$ENDPOINT_DIRECT/$1/$2" 2>/dev/null | tr -d '\r' |
    awk 'NR == 1 && $2 != 200 { exit } tolower($1) == "content-length:" { print $2 }'
}

# wait_object BUCKET KEY BYTES: until the object is in the bucket with that size (10 min at most).
wait_object() {
  local deadline=$((SECONDS + 600))
  until [[ $(object_size "$1" "$2") == "$3" ]]; do
    ((SECONDS < deadline)) || { echo "$1/$2 is not $3 bytes in the bucket after 10 min" >&2; return 1; }
    sleep 0.02
  done
}

# wait_gone BUCKET KEY: until the object is no longer in the bucket (60 s at most).
wait_gone() {
  local deadline=$((SECONDS + 60))
  while [[ -n $(object_size "$1" "$2") ]]; do
    ((SECONDS < deadline)) || { echo "$1/$2 is still in the bucket after 60 s" >&2; return 1; }
    sleep 0.05
  done
}

# populate BUCKET PREFIX LOCALDIR: set-up, straight to the gateway with the plain client (many parallel PUTs).
populate() {
  rclone_ copy "$3" "benchdirect:$1/$2" --transfers 32 --checkers 32 --no-check-dest --no-traverse -q
}
