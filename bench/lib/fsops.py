#!/usr/bin/env python3
"""Timed file-system workloads run in one process (no fork per file), printing JSON for bench/run.sh.

  fsops.py settle RC_URL                         wait until rclone's upload queue is empty
  fsops.py smallfiles DIR N --settle CMD --cold CMD
  fsops.py fresh DIR_A DIR_B ROUNDS --settle CMD
  fsops.py readtree DIR MANIFEST
  fsops.py web DIR_A DIR_B CLIENTS UPLOADS_PER_CLIENT
  fsops.py create DIR N METRIC --settle CMD      the create phase alone
  fsops.py startexec BINARY ROUNDS               (environment: the SharedFs configuration)

Only the standard library.
"""
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request


def now():
    return time.perf_counter()


def settle(url, limit=600, quiet=0.25):
    """rclone uploads a file after close(): wait until its VFS has had nothing queued or in flight for QUIET
    seconds (the kernel sends RELEASE, which queues the upload, asynchronously after close() returns)."""
    deadline = now() + limit
    idle_since = None
    while now() < deadline:
        req = urllib.request.Request(url.rstrip("/") + "/vfs/stats", data=b"{}",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            cache = json.load(resp).get("diskCache", {})
        if cache.get("uploadsInProgress", 0) == 0 and cache.get("uploadsQueued", 0) == 0:
            idle_since = idle_since or now()
            if now() - idle_since >= quiet:
                return
        else:
            idle_since = None
        time.sleep(0.02)
    raise SystemExit("settle: rclone still uploading after %d s" % limit)


def shell(cmd):
    if cmd and cmd != "true":
        subprocess.run(cmd, shell=True, check=True)


class Phases:
    """Times each phase and keeps its wall-clock window, so that the report can count the S3 requests sent in it
    (NET runs log every request the tools send)."""

    def __init__(self):
        self.windows = {}

    def run(self, metric, ops, body):
        start_ns, start = time.time_ns(), now()
        body()
        elapsed = now() - start
        self.windows[metric] = [start_ns, time.time_ns(), ops]
        return elapsed


def smallfiles(directory, n, settle_cmd, cold_cmd):
    """create / stat / read / list / delete N files of 4 KiB; each phase cold (after the cache TTL)."""
    os.makedirs(directory, exist_ok=True)
    names = [os.path.join(directory, "f%05d" % i) for i in range(n)]
    payload = [hashlib.sha256(b"%d" % i).digest() * 128 for i in range(n)]  # 4096 bytes, distinct
    out = {}
    phases = Phases()

    def create():
        for name, data in zip(names, payload):
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.write(fd, data)
            os.close(fd)
        shell(settle_cmd)
    out["small_create"] = n / phases.run("small_create", n, create)

    def stat():
        for name in names:
            if os.stat(name).st_size != 4096:
                raise SystemExit("smallfiles: %s has the wrong size" % name)
    shell(cold_cmd)
    out["small_stat"] = n / phases.run("small_stat", n, stat)

    def read():
        for name, data in zip(names, payload):
            with open(name, "rb") as f:
                if f.read() != data:
                    raise SystemExit("smallfiles: %s has the wrong content" % name)
    shell(cold_cmd)
    out["small_read"] = n / phases.run("small_read", n, read)

    listed = []
    shell(cold_cmd)
    out["small_list"] = phases.run("small_list", 1, lambda: listed.extend(os.listdir(directory))) * 1000
    if len(listed) != n:
        raise SystemExit("smallfiles: listed %d entries, expected %d" % (len(listed), n))

    def delete():
        for name in names:
            os.unlink(name)
        shell(settle_cmd)
    shell(cold_cmd)
    out["small_delete"] = n / phases.run("small_delete", n, delete)
    out["windows"] = phases.windows
    return out


def create(directory, n, metric, settle_cmd):
    """Only the create phase of smallfiles, under another metric name (the write-back run)."""
    os.makedirs(directory, exist_ok=True)
    phases = Phases()

    def body():
        for i in range(n):
            fd = os.open(os.path.join(directory, "f%05d" % i), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.write(fd, hashlib.sha256(b"%d" % i).digest() * 128)
            os.close(fd)
        shell(settle_cmd)
    out = {metric: n / phases.run(metric, n, body)}
    out["windows"] = phases.windows
    return out


def write_file(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, data)
    os.close(fd)


def poll(path, expected, limit):
    """Seconds until PATH (opened afresh each time) holds EXPECTED; None after LIMIT seconds."""
    start = now()
    while now() - start < limit:
        try:
            with open(path, "rb") as f:
                if f.read() == expected:
                    return now() - start
        except OSError:
            pass
        time.sleep(0.01)
    return None


def fresh(dir_a, dir_b, rounds, limit=30.0):
    """Write and close in mount A, then poll mount B until it reads the new content: an update of a file
    B has already read, and a new file B has never seen. Median over ROUNDS."""
    for d in (dir_a,):
        os.makedirs(d, exist_ok=True)
    target_a, target_b = os.path.join(dir_a, "updated"), os.path.join(dir_b, "updated")
    write_file(target_a, b"version 0\n")
    if poll(target_b, b"version 0\n", 60) is None:
        raise SystemExit("fresh: B never saw the first version")
    results = {"fresh_update": [], "fresh_new": []}
    for r in range(1, rounds + 1):
        data = ("version %d %s\n" % (r, "x" * r)).encode()
        write_file(target_a, data)
        results["fresh_update"].append(poll(target_b, data, limit))
        name = "new-%d" % r
        data = ("new file %d\n" % r).encode()
        write_file(os.path.join(dir_a, name), data)
        results["fresh_new"].append(poll(os.path.join(dir_b, name), data, limit))
        time.sleep(0.2)
    out = {}
    for key, values in results.items():
        if any(v is None for v in values):
            out[key] = {"error": "not visible in B after %d s in %d of %d rounds"
                        % (limit, sum(v is None for v in values), len(values))}
        else:
            out[key] = statistics.median(values)
    return out


THUMBNAIL_SIZES = (2048, 8192, 16384, 32768, 65536)


def thumbnails(name):
    """The 5 thumbnails of an upload: bytes derived from its name, so that a reader can check them."""
    seed = hashlib.sha256(name.encode()).digest()
    return [("%s-t%d.jpg" % (name, k), (seed * (size // len(seed) + 1))[:size]) for k, size in enumerate(THUMBNAIL_SIZES)]


def web_server(root):
    """One container of the web app: POST /upload/NAME stores the body as NAME.jpg plus its 5 thumbnails
    (each its own open, write, close, as image libraries do), then answers 201; GET /uploads/FILE serves a file."""
    import http.server
    import threading
    os.makedirs(os.path.join(root, "uploads"), exist_ok=True)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            name = self.path.rsplit("/", 1)[-1]
            body = self.rfile.read(int(self.headers["Content-Length"]))
            for file_name, data in [(name + ".jpg", body)] + thumbnails(name):
                with open(os.path.join(root, "uploads", file_name), "wb") as f:
                    f.write(data)
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            try:
                with open(os.path.join(root, "uploads", self.path.rsplit("/", 1)[-1]), "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def web(dir_a, dir_b, clients, uploads_per_client):
    """CLIENTS users against two containers: each upload request (an original of 200 KB and its 5 thumbnails)
    goes to one container, and the user's next requests fetch the six files from the other one. Reports upload
    requests per second, their p50/p99 latency, and the share of the six reads that found the file."""
    import http.client
    import random
    import threading
    servers = [web_server(dir_a), web_server(dir_b)]
    latencies, found, missing, lock = [], [0], [0], threading.Lock()
    failures = []

    def user(index):
        rng = random.Random(index)
        conns = [http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=300) for srv in servers]
        try:
            for r in range(uploads_per_client):
                name = "u%d-%d" % (index, r)
                original = name.encode() + rng.randbytes(200_000)
                side = (index + r) % 2
                start = now()
                conns[side].request("POST", "/upload/" + name, body=original)
                response = conns[side].getresponse()
                response.read()
                elapsed = now() - start
                if response.status != 201:
                    raise RuntimeError("upload %s answered %d" % (name, response.status))
                hits = 0
                for file_name, data in [(name + ".jpg", original)] + thumbnails(name):
                    conns[1 - side].request("GET", "/uploads/" + file_name)
                    got = conns[1 - side].getresponse()
                    body = got.read()
                    if got.status == 200 and body == data:
                        hits += 1
                    elif got.status != 404:
                        raise RuntimeError("GET %s answered %d with %d bytes" % (file_name, got.status, len(body)))
                with lock:
                    latencies.append(elapsed)
                    found[0] += hits
                    missing[0] += 6 - hits
        except Exception as e:  # reported as the workload's failure
            with lock:
                failures.append("user %d: %s" % (index, e))
        finally:
            for c in conns:
                c.close()

    phases = Phases()

    def run():
        threads = [threading.Thread(target=user, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    elapsed = phases.run("web_rps", clients * uploads_per_client, run)
    for srv in servers:
        srv.shutdown()
    if failures:
        raise SystemExit("web: " + "; ".join(failures[:3]))
    latencies.sort()
    return {"web_rps": len(latencies) / elapsed,
            "web_p50": latencies[len(latencies) // 2] * 1000,
            "web_p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
            "web_found": 100.0 * found[0] / (found[0] + missing[0]),
            "windows": phases.windows}


def readtree(directory, manifest_path):
    """Read every file of the extracted tree and check it against the manifest (path → sha256)."""
    with open(manifest_path) as f:
        manifest = json.load(f)
    start = now()
    total = 0
    for rel, digest in manifest.items():
        h = hashlib.sha256()
        with open(os.path.join(directory, rel), "rb") as f:
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                h.update(chunk)
                total += len(chunk)
        if h.hexdigest() != digest:
            raise SystemExit("readtree: %s differs from the archive" % rel)
    elapsed = now() - start
    return {"tree_reread": elapsed, "tree_reread_mbps": total / 1e6 / elapsed}


def startexec(binary, rounds):
    """sharedfs-init -- CMD: time from launch to the command's exec (the command prints the clock) and to
    the supervisor's exit (mount, exec, wait, unmount)."""
    exec_ms, exit_ms = [], []
    for _ in range(rounds):
        start = time.time_ns()
        proc = subprocess.run([binary, "--", "/bin/date", "+%s%N"], capture_output=True, text=True, timeout=120)
        end = time.time_ns()
        if proc.returncode != 0:
            raise SystemExit("startexec: sharedfs-init exited %d: %s" % (proc.returncode, proc.stderr[-500:]))
        stamp = int(proc.stdout.strip().splitlines()[-1])
        exec_ms.append((stamp - start) / 1e6)
        start = time.time_ns()
        proc = subprocess.run([binary, "--", "true"], capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise SystemExit("startexec: sharedfs-init -- true exited %d: %s" % (proc.returncode, proc.stderr[-500:]))
        exit_ms.append((time.time_ns() - start) / 1e6)
    return {"start_exec": statistics.median(exec_ms), "start_exit": statistics.median(exit_ms)}


def main(argv):
    cmd = argv[1]
    opts = {}
    args = []
    i = 2
    while i < len(argv):
        if argv[i].startswith("--"):
            opts[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if cmd == "settle":
        settle(args[0])
        return
    if cmd == "smallfiles":
        out = smallfiles(args[0], int(args[1]), opts.get("settle", "true"), opts.get("cold", "true"))
    elif cmd == "fresh":
        out = fresh(args[0], args[1], int(args[2]))
    elif cmd == "readtree":
        out = readtree(args[0], args[1])
    elif cmd == "create":
        out = create(args[0], int(args[1]), args[2], opts.get("settle", "true"))
    elif cmd == "web":
        out = web(args[0], args[1], int(args[2]), int(args[3]))
    elif cmd == "startexec":
        out = startexec(args[0], int(args[1]))
    else:
        raise SystemExit("fsops: unknown command " + cmd)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
