#!/usr/bin/env python3
"""A deploy-overlap app: writes files into data/ (a SharedFs symlink) and checks every file it can see.

Usage: overlap_app.py ROLE LOG. Each file's content is derived from its name (seeded random bytes), so any reader
can tell a whole file from a half-written one. A line "ok NAME SHA256" is logged once close() returned without error;
"bad NAME why" when a file seen in data/ is not exactly what its name says. On SIGTERM the app finishes the file it
is writing, then exits 0 (what a well-behaved app does in its stop grace period).
"""
import hashlib, os, random, signal, sys, time

role, log_path = sys.argv[1], sys.argv[2]
stopping = False


def on_term(signum, frame):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_term)


def content(name):
    size = int(name.split("-")[2].split(".")[0])
    return random.Random(name).randbytes(size)


def log(line):
    with open(log_path, "a") as f:
        f.write(line + "\n")


log(f"started {role} {os.getpid()}")
rng = random.Random(role)
i = 0
checked = set()
while not stopping:
    size = rng.choice([0, 100, 5000, 60000, 300000, 1500000])
    name = f"{role}-{i:05d}-{size}.bin"
    data = content(name)
    try:
        with open(os.path.join("data", name), "wb") as f:
            f.write(data)
        log(f"ok {name} {hashlib.sha256(data).hexdigest()}")
    except OSError as e:
        log(f"failed {name} {e}")
    i += 1
    # Check what the other containers wrote (each file once it has been read whole).
    try:
        names = os.listdir("data")
    except OSError as e:
        log(f"bad listing {e}")
        names = []
    for other in names:
        if other in checked or other.startswith(role):
            continue
        try:
            with open(os.path.join("data", other), "rb") as f:
                seen = f.read()
        except FileNotFoundError:
            continue
        except OSError as e:
            log(f"bad {other} read failed: {e}")
            continue
        if seen != content(other):
            log(f"bad {other} {len(seen)} bytes that are not the file's content")
        else:
            checked.add(other)
            log(f"seen {other}")
    time.sleep(0.02)
log(f"stopped {role} after {i} files")
