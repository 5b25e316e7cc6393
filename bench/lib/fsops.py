#!/usr/bin/env python3
"""Timed file-system workloads run in one process (no fork per file), printing JSON for bench/run.sh.

  fsops.py settle RC_URL                         wait until rclone's upload queue is empty
  fsops.py smallfiles DIR N --settle CMD --cold CMD
  fsops.py fresh DIR_A DIR_B ROUNDS --settle CMD
  fsops.py readtree DIR MANIFEST
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


def smallfiles(directory, n, settle_cmd, cold_cmd):
    """create / stat / read / list / delete N files of 4 KiB; each phase cold (after the cache TTL)."""
    os.makedirs(directory, exist_ok=True)
    names = [os.path.join(directory, "f%05d" % i) for i in range(n)]
    payload = [hashlib.sha256(b"%d" % i).digest() * 128 for i in range(n)]  # 4096 bytes, distinct
    out = {}

    start = now()
    for name, data in zip(names, payload):
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, data)
        os.close(fd)
    shell(settle_cmd)
    out["small_create"] = n / (now() - start)

    shell(cold_cmd)
    start = now()
    for name in names:
        if os.stat(name).st_size != 4096:
            raise SystemExit("smallfiles: %s has the wrong size" % name)
    out["small_stat"] = n / (now() - start)

    shell(cold_cmd)
    start = now()
    for name, data in zip(names, payload):
        with open(name, "rb") as f:
            if f.read() != data:
                raise SystemExit("smallfiles: %s has the wrong content" % name)
    out["small_read"] = n / (now() - start)

    shell(cold_cmd)
    start = now()
    listed = os.listdir(directory)
    out["small_list"] = (now() - start) * 1000
    if len(listed) != n:
        raise SystemExit("smallfiles: listed %d entries, expected %d" % (len(listed), n))

    shell(cold_cmd)
    start = now()
    for name in names:
        os.unlink(name)
    shell(settle_cmd)
    out["small_delete"] = n / (now() - start)
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
    elif cmd == "startexec":
        out = startexec(args[0], int(args[1]))
    else:
        raise SystemExit("fsops: unknown command " + cmd)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
