#!/bin/bash
# A throwaway single-node Ceph cluster (one monitor, one memstore OSD, RADOS Gateway) on 127.0.0.1:
# the S3 server of the tests, the benchmarks and `make run`.
#   ceph-s3.sh up      start it; prints "endpoint=http://127.0.0.1:PORT", "https_endpoint=https://127.0.0.1:PORT"
#                      and "ca_file=PATH" (the private CA of the https endpoint's certificate) on stdout when ready
#   ceph-s3.sh down    stop every daemon and delete the folder
# Settings (environment): CEPH_S3_DIR (folder, default /tmp/sharedfs-ceph), CEPH_S3_PORT_BASE (the mon
# takes BASE and BASE+1, OSDs BASE+10..BASE+59, the gateway BASE+80 (http) and BASE+81 (https)), CEPH_S3_ACCESS_KEY, CEPH_S3_SECRET_KEY,
# CEPH_S3_STORE (memstore | bluestore: memstore keeps objects in RAM, bluestore on disk for big benchmarks),
# CEPH_S3_STORE_BYTES (the bluestore device size, default 10 GiB).
set -euo pipefail

dir=${CEPH_S3_DIR:-/tmp/sharedfs-ceph}
base=${CEPH_S3_PORT_BASE:-17000}
access_key=${CEPH_S3_ACCESS_KEY:-SHAREDFSTESTKEY}
secret_key=${CEPH_S3_SECRET_KEY:-sharedfs-test-secret}
store=${CEPH_S3_STORE:-memstore}
store_bytes=${CEPH_S3_STORE_BYTES:-10737418240}
mon_v1=$base mon_v2=$((base + 1)) osd_min=$((base + 10)) osd_max=$((base + 59)) rgw_port=$((base + 80)) rgw_tls_port=$((base + 81))
export CEPH_CONF=$dir/ceph.conf

say() { echo "ceph-s3: $*" >&2; }

wait_until() {  # wait_until SECONDS WHAT COMMAND…
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then say "timed out waiting for $what"; return 1; fi
    sleep 0.2
  done
}

write_config() {
  cat >"$CEPH_CONF" <<CONF
[global]
fsid = $(cat /proc/sys/kernel/random/uuid)
mon host = [v2:127.0.0.1:$mon_v2,v1:127.0.0.1:$mon_v1]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind port min = $osd_min
ms bind port max = $osd_max
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
keyring = $dir/keyring
run dir = $dir/run
admin socket = $dir/run/\$cluster-\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
mon cluster log file = $dir/log/cluster.log
crash dir = $dir/crash
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
mon data avail warn = 1
mon data avail crit = 0

[mon]
mon data = $dir/mon/\$cluster-\$id
mon initial members = a
# a throwaway cluster can commit map changes at once (the 1 s default makes start-up take 14 s)
paxos propose interval = 0.1

[osd]
osd data = $dir/osd/\$cluster-\$id
osd objectstore = $store
memstore device bytes = 8589934592
bluestore block create = true
bluestore block size = $store_bytes
bluestore fsck on mount = false
osd memory target = 939524096
osd op num shards = 2
osd op num threads per shard = 1

[client.rgw.x]
# radosgw insists on a secure monitor connection, which auth = none cannot give without this
ms mon client mode = crc secure
# Nagle's algorithm adds ~40 ms to every small request on loopback: it would hide the clients' own costs
rgw frontends = beast endpoint=127.0.0.1:$rgw_port ssl_endpoint=127.0.0.1:$rgw_tls_port ssl_certificate=$dir/tls/server.pem ssl_private_key=$dir/tls/server.key tcp_nodelay=1
rgw thread pool size = 64
# bucket quotas (QuotaTests) enforced from the bucket's current stats, not from a 10-minute-old copy
rgw bucket quota ttl = 0
rgw enable usage log = false
rgw gc obj min wait = 60
rgw gc processor period = 60
CONF
}

# A private CA and a server certificate for 127.0.0.1 (IP SAN) and localhost, made afresh at every start: every
# real provider is https, so the tests need one too; clients trust it through SSL_CERT_FILE=$dir/tls/ca.pem.
write_certificates() {
  local tls=$dir/tls
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=SharedFs test CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>>"$dir/log/openssl.log"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>>"$dir/log/openssl.log"
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 30 \
    -extfile "$tls/server.ext" -out "$tls/server.pem" 2>>"$dir/log/openssl.log"
}

stop_daemon() {  # stop_daemon PIDFILE
  [[ -f $1 ]] || return 0
  local pid; pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

down() {
  for name in client.rgw.x osd.0 mon.a; do stop_daemon "$dir/run/$name.pid"; done
  rm -rf "$dir"
}

up() {
  if [[ -e $dir ]]; then say "$dir exists: run '$0 down' first"; exit 1; fi
  local started=$SECONDS
  trap 'say "start-up failed"; tail -n 20 "$dir"/log/*.log >&2 2>/dev/null || true; down; exit 1' ERR
  mkdir -p "$dir"/{mon/ceph-a,osd/ceph-0,crash,run,log}
  : >"$dir/keyring"
  write_config
  write_certificates

  monmaptool --create --fsid "$(awk '/^fsid/ {print $3}' "$CEPH_CONF")" \
    --addv a "[v2:127.0.0.1:$mon_v2,v1:127.0.0.1:$mon_v1]" "$dir/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$dir/monmap"
  ceph-mon -i a
  wait_until 30 "the monitor" timeout 5 ceph -s

  local uuid; uuid=$(cat /proc/sys/kernel/random/uuid)
  [[ $(ceph osd new "$uuid") == 0 ]]
  ceph-osd -i 0 --mkfs --osd-uuid "$uuid" 2>>"$dir/log/osd-mkfs.log"
  ceph-osd -i 0
  wait_until 60 "the OSD" bash -c 'ceph osd stat -f json | grep -q "\"num_up_osds\":1"'

  radosgw -n client.rgw.x
  wait_until 120 "the gateway" curl -sf -o /dev/null "http://127.0.0.1:$rgw_port/"
  wait_until 30 "the gateway's https endpoint" curl -sf -o /dev/null --cacert "$dir/tls/ca.pem" "https://127.0.0.1:$rgw_tls_port/"
  radosgw-admin -n client.rgw.x --admin-socket="" user create --uid=sharedfs --display-name=sharedfs \
    --access-key="$access_key" --secret="$secret_key" >/dev/null
  trap - ERR
  say "ready in $((SECONDS - started)) s"
  echo "endpoint=http://127.0.0.1:$rgw_port"
  echo "https_endpoint=https://127.0.0.1:$rgw_tls_port"
  echo "ca_file=$dir/tls/ca.pem"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
