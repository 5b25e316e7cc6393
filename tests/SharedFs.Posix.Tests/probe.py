#!/usr/bin/env python3
"""One POSIX call, as whoever runs it (the tests start it through setpriv as another user): prints the errno of the
call (0 on success) and, after a space, what it returned. Standard library only.

  probe.py open PATH FLAGS [MODE]     FLAGS: r, w, rw, trunc (w + O_TRUNC), creat, excl (creat + O_EXCL)
  probe.py read PATH | write PATH TEXT | append PATH TEXT | stat PATH | lstat PATH
  probe.py unlink PATH | rmdir PATH | mkdir PATH MODE | rename FROM TO | link FROM TO | symlink TARGET PATH
  probe.py chmod PATH MODE | chown PATH UID GID | truncate PATH SIZE | utime-now PATH | utime PATH ATIME MTIME
  probe.py mkfifo PATH | mknod-char PATH MAJOR MINOR | setxattr PATH NAME VALUE | getxattr PATH NAME
"""
import os
import sys

FLAGS = {
    "r": os.O_RDONLY, "w": os.O_WRONLY, "rw": os.O_RDWR, "trunc": os.O_WRONLY | os.O_TRUNC,
    "creat": os.O_WRONLY | os.O_CREAT, "excl": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
}


def stat_line(st):
    return "%o %d %d %d %d.%09d %d.%09d" % (st.st_mode, st.st_uid, st.st_gid, st.st_size,
                                            st.st_mtime_ns // 10**9, st.st_mtime_ns % 10**9,
                                            st.st_ctime_ns // 10**9, st.st_ctime_ns % 10**9)


def run(op, args):
    if op == "open":
        fd = os.open(args[0], FLAGS[args[1]], int(args[2], 8) if len(args) > 2 else 0o644)
        os.close(fd)
        return ""
    if op == "read":
        with open(args[0], "rb") as f:
            return f.read().decode("utf-8", "replace")
    if op in ("write", "append"):
        with open(args[0], "w" if op == "write" else "a") as f:
            f.write(args[1])
        return ""
    if op == "stat":
        return stat_line(os.stat(args[0]))
    if op == "lstat":
        return stat_line(os.lstat(args[0]))
    if op == "unlink":
        os.unlink(args[0])
    elif op == "rmdir":
        os.rmdir(args[0])
    elif op == "mkdir":
        os.mkdir(args[0], int(args[1], 8))
    elif op == "rename":
        os.rename(args[0], args[1])
    elif op == "link":
        os.link(args[0], args[1])
    elif op == "symlink":
        os.symlink(args[0], args[1])
    elif op == "chmod":
        os.chmod(args[0], int(args[1], 8))
    elif op == "chown":
        os.chown(args[0], int(args[1]), int(args[2]))
    elif op == "truncate":
        os.truncate(args[0], int(args[1]))
    elif op == "utime-now":
        os.utime(args[0], None)
    elif op == "utime":
        os.utime(args[0], ns=(int(args[1]) * 10**9, int(args[2]) * 10**9))
    elif op == "mkfifo":
        os.mkfifo(args[0])
    elif op == "mknod-char":
        os.mknod(args[0], 0o644 | 0o020000, os.makedev(int(args[1]), int(args[2])))
    elif op == "setxattr":
        os.setxattr(args[0], args[1], args[2].encode())
    elif op == "getxattr":
        return os.getxattr(args[0], args[1]).decode()
    else:
        raise SystemExit("probe: unknown operation " + op)
    return ""


def main():
    try:
        result = run(sys.argv[1], sys.argv[2:])
        print("0 " + result)
    except OSError as e:
        print("%d " % e.errno)


if __name__ == "__main__":
    main()
