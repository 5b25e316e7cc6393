# Shared helpers of the benchmark harness: logging, clocks, result records, cache dropping.
# Sourced by bench/run.sh; expects WORK (scratch folder) and RESULTS_JSONL (one JSON record a line).

log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

now_ns() { date +%s%N; }
# elapsed_ms START_NS → milliseconds since START_NS, three decimals
elapsed_ms() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e6 }'; }

# record FS METRIC VALUE [NOTE]: one measurement. VALUE is a number in the metric's unit (see report.py).
record() {
  python3 - "$RESULTS_JSONL" "$@" <<'PY'
import json, sys
path, fs, metric, value = sys.argv[1:5]
note = sys.argv[5] if len(sys.argv) > 5 else ""
with open(path, "a") as out:
    out.write(json.dumps({"fs": fs, "metric": metric, "value": float(value), "note": note}) + "\n")
PY
}

# record_error FS METRIC MESSAGE: the workload could not be measured (shown as such in the table).
record_error() {
  log "$1 $2: $3"
  python3 - "$RESULTS_JSONL" "$@" <<'PY'
import json, sys
path, fs, metric, message = sys.argv[1:5]
with open(path, "a") as out:
    out.write(json.dumps({"fs": fs, "metric": metric, "error": message}) + "\n")
PY
}

# record_json FS JSON: every "metric": value pair of a JSON object printed by a helper, and the time window of each
# phase it timed ("windows": {metric: [start_ns, end_ns, operations]}), for the request counts of NET runs.
record_json() {
  python3 - "$RESULTS_JSONL" "$1" "$2" <<'PY'
import json, sys
path, fs, text = sys.argv[1:4]
data = json.loads(text)
with open(path, "a") as out:
    for metric, value in data.items():
        if metric == "windows":
            for name, (start, end, ops) in value.items():
                out.write(json.dumps({"fs": fs, "metric": name, "window": [start, end], "ops": ops}) + "\n")
        elif isinstance(value, dict) and "error" in value:
            out.write(json.dumps({"fs": fs, "metric": metric, "error": value["error"]}) + "\n")
        elif isinstance(value, (int, float)):
            out.write(json.dumps({"fs": fs, "metric": metric, "value": float(value), "note": ""}) + "\n")
PY
}

# Cold caches: write back, drop the kernel's page, dentry and inode caches.
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }

# Let every filesystem's metadata cache (TTL 1 s for all three) expire, then drop the kernel's.
cold() { sleep "${COLD_WAIT:-1.3}"; drop_caches; }

# wait_for SECONDS COMMAND…: poll every 50 ms until COMMAND succeeds.
wait_for() {
  local limit=$1; shift
  local deadline=$(($(date +%s) + limit))
  until "$@" >/dev/null 2>&1; do
    (($(date +%s) >= deadline)) && return 1
    sleep 0.05
  done
}

# Bytes → MB/s (10^6) over milliseconds.
mbps() { awk -v b="$1" -v ms="$2" 'BEGIN { printf "%.1f", b / 1e6 / (ms / 1000) }'; }

# Kilobytes of a /proc status field (VmRSS, VmHWM) of PID, empty if the process is gone.
proc_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null; }

# kill_tree PID: PID and all its descendants (children first found, then killed from the top).
kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null
}
