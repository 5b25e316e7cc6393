#!/usr/bin/env python3
"""Turns the benchmark's records into one table (Markdown, printed and saved), a JSON document and an SVG chart.

  report.py RESULTS.jsonl META.json OUT_DIR

Writes OUT_DIR/latest.{md,json,svg} (quick-latest.* for QUICK runs; "-net10ms" and the like added for the
network profiles, so each profile keeps its own latest results) and a dated copy in OUT_DIR/history/.
NET runs also get a table of S3 requests per operation, counted from the proxy's request log.
Ratios are SharedFs's speed-up over the other column: above 1 means SharedFs is better, whether the metric is
a rate (higher is better: SharedFs ÷ other) or a duration or a size (lower is better: other ÷ SharedFs).
Only the standard library.
"""
import datetime
import html
import json
import os
import sys

FS = ["sharedfs", "s3fs", "rclone", "direct"]
TITLES = {"sharedfs": "SharedFs", "s3fs": "s3fs", "rclone": "rclone mount", "direct": "direct client"}
COLORS = {"sharedfs": "#2b6cb0", "s3fs": "#dd6b20", "rclone": "#38a169", "direct": "#718096"}


def metrics(meta):
    s = meta["sizes"]
    big = human_bytes(s["big_bytes"])
    net = meta.get("net_rtt_ms", 0) > 0
    # The targets of the loopback run (issue 8) and of the network runs (issue 16, set for 10 ms a round trip).
    def t(loopback, network):
        return network if net else loopback
    # key, label, unit, higher is better, target
    return [
        ("seq_write", "Sequential write %s, until in the bucket" % big, "MB/s", True, ("ceiling", 0.9)),
        ("seq_write_close", "Sequential write %s, until close() returns" % big, "MB/s", True, None),
        ("seq_read", "Cold sequential read %s" % big, "MB/s", True, ("ceiling", 0.9)),
        ("rand_read", "Random 4 KiB reads (%d s)" % s["rand_seconds"], "IOPS", True, None),
        ("rand_read_p99", "Random 4 KiB reads, p99 latency", "ms", False, None),
        ("small_create", "%d small files: create" % s["small_files"], "files/s", True, t(("s3fs", 10), ("s3fs", 5))),
        ("small_create_wb", "%d small files: create, SHAREDFS_WRITE_BACK=on" % s["small_files"], "files/s", True,
         t(None, ("s3fs_of", "small_create", 25))),
        ("small_stat", "%d small files: stat" % s["small_files"], "files/s", True, t(("s3fs", 3), ("s3fs", 5))),
        ("small_read", "%d small files: read" % s["small_files"], "files/s", True, t(None, ("s3fs", 3))),
        ("small_list", "%d small files: list" % s["small_files"], "ms", False, t(("s3fs", 3), None)),
        ("small_delete", "%d small files: delete" % s["small_files"], "files/s", True, t(("s3fs", 3), ("s3fs", 8))),
        ("ls_wide", "ls -l of %d entries" % s["wide_files"], "s", False, t(("s3fs", 3), ("s3fs", 5))),
        ("find_tree", "find over a %s tree" % s["deep"], "s", False, t(None, ("s3fs", 5))),
        ("tar_extract", "Extract a %d-file tarball" % s["tar_files"], "s", False, t(None, ("s3fs", 4))),
        ("tree_reread", "Re-read it from the other mount", "s", False, None),
        ("web_rps", "Web app, %d users: upload requests (original + 5 thumbnails)" % s.get("web_clients", 8),
         "req/s", True, t(None, ("s3fs", 5))),
        ("web_p50", "Web app: upload request, p50 latency", "ms", False, None),
        ("web_p99", "Web app: upload request, p99 latency", "ms", False, None),
        ("web_found", "Web app: reads from the other container that found the file", "%", True, ("all", 100)),
        ("fresh_update", "Freshness: update seen by the other mount", "s", False, ("below", 1.5)),
        ("fresh_new", "Freshness: new file seen by the other mount", "s", False, ("below", 1.5)),
        ("mount_time", "Mount time", "ms", False, None),
        ("start_exec", "sharedfs-init -- cmd: start to exec", "ms", False, ("exec", 150)),
        ("start_exit", "sharedfs-init -- true: start to exit", "ms", False, None),
        ("rss_idle", "Idle RSS after mount", "MiB", False, ("rss", 15)),
        ("rss_after", "Idle RSS after the workloads", "MiB", False, None),
        ("rss_peak", "Peak RSS (VmHWM)", "MiB", False, None),
    ]


# Rows whose S3 requests are counted per operation in NET runs, and the most round trips one operation of
# SharedFs may wait for in sequence (issue 16's floors: a durable create is a lookup and a PUT).
ROUND_TRIP_ROWS = [("small_create", "create", 2.2), ("small_stat", "stat", None), ("small_read", "read", 1.2),
                   ("small_list", "list (whole folder)", None), ("small_delete", "delete", None),
                   ("ls_wide", "ls -l (per entry)", None), ("find_tree", "find (per entry)", None),
                   ("tar_extract", "tar -x (per file)", None), ("web_rps", "web upload request", None)]


def human_bytes(n):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return "%d %s" % (n // size, unit)
    return "%d B" % n


def fmt(v):
    if v is None:
        return "–"
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    if abs(v) >= 1:
        return "%.2f" % v
    return "%.3f" % v


def load(records_path, higher_is_better):
    """A metric recorded more than once (a workload repeated) keeps its best value, for every column alike."""
    values, errors, notes = {}, {}, {}
    with open(records_path) as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            fs, metric = r["fs"], r["metric"]
            if "window" in r or fs.startswith("proxycheck:"):
                continue
            if fs.startswith("direct:"):  # the ceiling: the best plain client, named
                client = fs.split(":", 1)[1]
                if "error" in r:
                    errors.setdefault(("direct", metric), "%s: %s" % (client, r["error"]))
                    continue
                key = ("direct", metric + ":" + client)
                values[key] = max(values.get(key, 0.0), r["value"])
                best = values.get(("direct", metric))
                if best is None or r["value"] > best:
                    values[("direct", metric)] = r["value"]
                    notes[("direct", metric)] = client
                continue
            if "error" in r:
                errors.setdefault((fs, metric), r["error"])
                continue
            old = values.get((fs, metric))
            higher = higher_is_better.get(metric, True)
            if old is None or (r["value"] > old if higher else r["value"] < old):
                values[(fs, metric)] = r["value"]
    return values, errors, notes


def speedup(sf, other, higher):
    if sf is None or other is None or sf == 0 or other == 0:
        return None
    return sf / other if higher else other / sf


def build(records_path, meta):
    values, errors, notes = load(records_path, {m[0]: m[3] for m in metrics(meta)})
    not_built = ("sharedfs", "not_built") in errors
    mount_errors = {fs: errors.get((fs, "mount")) for fs in FS}
    rows = []
    for key, label, unit, higher, target in metrics(meta):
        row = {"metric": key, "label": label, "unit": unit, "better": "higher" if higher else "lower",
               "values": {}, "errors": {}, "notes": {}}
        for fs in FS:
            v = values.get((fs, key))
            row["values"][fs] = v
            if v is None:
                if fs == "sharedfs" and not_built:
                    row["errors"][fs] = "not built"
                elif mount_errors.get(fs):
                    row["errors"][fs] = "mount failed"
                elif (fs, key) in errors:
                    row["errors"][fs] = errors[(fs, key)]
                elif fs == "direct" and key not in ("seq_write", "seq_read"):
                    pass
                elif fs != "sharedfs" and key in ("start_exec", "start_exit"):
                    pass
                elif fs in meta.get("filesystems", FS) or fs == "direct":
                    row["errors"][fs] = "no figure"
            if (fs, key) in notes:
                row["notes"][fs] = notes[(fs, key)]
        sf = row["values"]["sharedfs"]
        row["ratios"] = {p: speedup(sf, row["values"][p], higher) for p in ("s3fs", "rclone", "direct")}
        row["target"] = judge(target, row, values)
        rows.append(row)
    return rows


def judge(target, row, values):
    if target is None:
        return None
    kind, x = target[0], target[1]
    sf = row["values"]["sharedfs"]
    if kind == "ceiling":
        text, ratio = "≥ %.1f× direct" % x, row["ratios"]["direct"]
        ok = None if ratio is None else ratio >= x
    elif kind == "s3fs":
        text, ratio = "≥ %g× s3fs" % x, row["ratios"]["s3fs"]
        ok = None if ratio is None else ratio >= x
    elif kind == "s3fs_of":  # this row against s3fs's figure of another row
        other, x = x, target[2]
        ref = values.get(("s3fs", other))
        text = "≥ %g× s3fs's %s" % (x, other.replace("_", " "))
        ratio = None if sf is None or not ref else sf / ref
        ok = None if ratio is None else ratio >= x
    elif kind == "all":
        text = "= %g %%" % x
        ok = None if sf is None else sf >= x
    elif kind == "below":
        text = "< %g %s" % (x, row["unit"])
        ok = None if sf is None else sf < x
    elif kind == "exec":
        ref = values.get(("s3fs", "mount_time"))
        text = "< %g ms + mount (s3fs: %s ms)" % (x, fmt(ref))
        ok = None if sf is None or ref is None else sf < x + ref
    elif kind == "rss":
        ref = values.get(("s3fs", "rss_idle"))
        text = "≤ s3fs + %g MB (%s)" % (x, fmt(None if ref is None else ref + x))
        ok = None if sf is None or ref is None else sf <= ref + x
    else:
        raise ValueError(kind)
    return {"text": text, "status": "n/a" if ok is None else ("met" if ok else "missed")}


def cell(row, fs):
    v = row["values"][fs]
    if v is None:
        err = row["errors"].get(fs)
        if not err:
            return "–"
        return "not built" if err == "not built" else "error: " + err.replace("|", "/")[:80]
    note = row["notes"].get(fs)
    return fmt(v) + (" (%s)" % note if note else "")


def ratio_cell(r):
    return "–" if r is None else "%.2f×" % r


def markdown(rows, meta, stamp, records):
    rtt = meta.get("net_rtt_ms", 0)
    network = ("Network profile: **%g ms per round trip** (every tool and the direct client reach the gateway through "
               "bench/proxy, which delays each byte by half of it each way and each new connection by one round trip)."
               % rtt) if rtt else "Network profile: **loopback** (no added latency)."
    lines = [
        "# SharedFs benchmark (%s run, %s, %s)" % (meta["mode"], profile_name(meta), stamp),
        "",
        network,
        "",
        "One local Ceph RADOS Gateway (%s), %d CPUs, kernel %s. SharedFs %s (tree %s); %s; %s. Run took %d s."
        % (meta["store"], meta["cpus"], meta["versions"]["kernel"], meta["versions"]["sharedfs"], meta.get("git", "?"),
           meta["versions"]["s3fs"], meta["versions"]["rclone"], meta["duration_s"]),
        "Load average at start %s, at end %s (other work on the machine makes figures noisy)."
        % (meta.get("load_start", "?"), " ".join(meta.get("load_end", ["?"]))),
        "Ratios are SharedFs's advantage: above 1× SharedFs is better (rates: SharedFs ÷ other; "
        "durations and memory: other ÷ SharedFs). The direct client is the best of curl and rclone copy, no FUSE.",
        "",
        "| workload | unit | SharedFs | s3fs | rclone mount | direct client | vs s3fs | vs rclone | vs direct | target | status |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        t = row["target"]
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            row["label"], row["unit"] + (" ↑" if row["better"] == "higher" else " ↓"),
            cell(row, "sharedfs"), cell(row, "s3fs"), cell(row, "rclone"), cell(row, "direct"),
            ratio_cell(row["ratios"]["s3fs"]), ratio_cell(row["ratios"]["rclone"]),
            ratio_cell(row["ratios"]["direct"]),
            t["text"] if t else "", ("**%s**" % t["status"]) if t else ""))
    met = sum(1 for r in rows if r["target"] and r["target"]["status"] == "met")
    missed = sum(1 for r in rows if r["target"] and r["target"]["status"] == "missed")
    na = sum(1 for r in rows if r["target"] and r["target"]["status"] == "n/a")
    lines += ["", "Targets: %d met, %d missed, %d not measurable. ↑ higher is better, ↓ lower is better." % (met, missed, na), ""]
    lines += round_trip_section(meta, records)
    lines += proxy_check_section(records)
    return "\n".join(lines)


def profile_name(meta):
    rtt = meta.get("net_rtt_ms", 0)
    return "net %g ms" % rtt if rtt else "loopback"


def profile_suffix(meta):
    rtt = meta.get("net_rtt_ms", 0)
    return "-net%gms" % rtt if rtt else ""


def request_times(meta):
    """Sorted nanosecond stamps of every request the proxy forwarded (NET runs), or None."""
    path = meta.get("request_log")
    if not path or not os.path.exists(path):
        return None
    with open(path) as f:
        return sorted(int(line.split(" ", 1)[0]) for line in f if line.strip())


def waves(stamps, rtt_ns):
    """Requests in a row that had to wait for each other: a new wave starts when a request leaves more than half a
    round trip after the previous one (requests sent together, or while others were on the wire, share one)."""
    count, last = 0, None
    for t in stamps:
        if last is None or t - last > rtt_ns / 2:
            count += 1
        last = t
    return count


def round_trips(meta, records):
    """{(fs, metric): (requests per op, waited round trips per op)} from the windows of the timed phases."""
    import bisect
    stamps = request_times(meta)
    if stamps is None:
        return {}
    rtt_ns = meta["net_rtt_ms"] * 1e6
    result = {}
    for r in records:
        if "window" not in r or not r.get("ops"):
            continue
        start, end = r["window"]
        inside = stamps[bisect.bisect_left(stamps, start):bisect.bisect_right(stamps, end)]
        key = (r["fs"], r["metric"])
        value = (len(inside) / r["ops"], waves(inside, rtt_ns) / r["ops"])
        # A repeated phase keeps its cheapest measurement, like the figures.
        if key not in result or value[0] < result[key][0]:
            result[key] = value
    return result


def round_trip_section(meta, records):
    counts = round_trips(meta, records)
    if not counts:
        return []
    fss = [fs for fs in ("sharedfs", "s3fs", "rclone") if any(k[0] == fs for k in counts)]
    lines = ["## S3 requests per operation", "",
             "Counted by the proxy during each timed phase (the harness's own checks go straight to the gateway). "
             "\"waited\" counts the requests that had to wait for each other: a new one starts when a request leaves "
             "more than half a round trip after the previous one. Each cell: requests / waited.", "",
             "| operation | " + " | ".join(TITLES[fs] for fs in fss) + " | SharedFs target (waited) | status |",
             "| --- | " + " | ".join("---:" for _ in fss) + " | --- | --- |"]
    for metric, label, limit in ROUND_TRIP_ROWS:
        cells = []
        for fs in fss:
            v = counts.get((fs, metric))
            cells.append("–" if v is None else "%.2f / %.2f" % v)
        sf = counts.get(("sharedfs", metric))
        status = "" if limit is None else ("n/a" if sf is None else ("**met**" if sf[1] <= limit else "**missed**"))
        lines.append("| %s | %s | %s | %s |" % (label, " | ".join(cells), "" if limit is None else "≤ %g" % limit, status))
    return lines + [""]


def proxy_check_section(records):
    best = {}
    for r in records:
        if r["fs"].startswith("proxycheck:") and "value" in r:
            key = (r["fs"].split(":", 1)[1], r["metric"])
            best[key] = max(best.get(key, 0.0), r["value"])
    if not best:
        return []
    lines = ["## The proxy is not the bottleneck", "",
             "The big file with curl, straight to the gateway and through the proxy with no delay (best of two):", ""]
    for metric, label in (("seq_write", "PUT"), ("seq_read", "GET")):
        direct, proxied = best.get(("gateway", metric)), best.get(("proxy", metric))
        if direct and proxied:
            lines.append("- %s: %.0f MB/s direct, %.0f MB/s through the proxy (%.0f %%)" % (label, direct, proxied, 100 * proxied / direct))
    return lines + [""]


def svg(rows, meta, stamp):
    """One horizontal bar group per workload, each bar relative to the best of its row (the best is full)."""
    shown = [r for r in rows if sum(v is not None for v in r["values"].values()) >= 1]
    bar_h, gap, label_w, bar_w, top = 11, 12, 370, 420, 70
    fs_list = [fs for fs in FS if any(r["values"][fs] is not None or fs in r["errors"] for r in shown)]
    group_h = len(fs_list) * bar_h + gap
    height = top + len(shown) * group_h + 20
    width = label_w + bar_w + 150
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
           % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="15" font-weight="bold">SharedFs benchmark — %s run, %s</text>'
           % (html.escape(meta["mode"]), html.escape(stamp)),
           '<text x="10" y="38" fill="#555">Each bar relative to the best of its row (longest = best; '
           '↑ higher is better, ↓ lower is better). Figures in the row\'s unit.</text>']
    x = 10
    for fs in fs_list:
        out.append('<rect x="%d" y="48" width="12" height="10" fill="%s"/><text x="%d" y="57">%s</text>'
                   % (x, COLORS[fs], x + 16, TITLES[fs]))
        x += 30 + 7 * len(TITLES[fs])
    y = top
    for row in shown:
        vals = {fs: row["values"][fs] for fs in fs_list if row["values"][fs] is not None}
        if vals:
            best = max(vals.values()) if row["better"] == "higher" else min(v for v in vals.values())
        out.append('<text x="10" y="%d">%s (%s %s)</text>' % (
            y + len(fs_list) * bar_h / 2 + 4, html.escape(row["label"]), html.escape(row["unit"]),
            "↑" if row["better"] == "higher" else "↓"))
        for i, fs in enumerate(fs_list):
            by = y + i * bar_h
            v = row["values"][fs]
            if v is None:
                err = row["errors"].get(fs)
                if err:
                    out.append('<text x="%d" y="%d" fill="#a00" font-size="9">%s</text>'
                               % (label_w, by + 9, html.escape("not built" if err == "not built" else "error")))
                continue
            if row["better"] == "higher":
                frac = v / best if best else 0
            else:
                frac = best / v if v else 1
            w = max(1, frac * bar_w)
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                       % (label_w, by, w, bar_h - 2, COLORS[fs]))
            out.append('<text x="%.1f" y="%d" font-size="9">%s</text>' % (label_w + w + 4, by + 8, fmt(v)))
        y += group_h
    out.append("</svg>")
    return "\n".join(out)


def main(records_path, meta_path, out_dir):
    with open(meta_path) as f:
        meta = json.load(f)
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp = now.strftime("%Y-%m-%d %H:%M UTC")
    rows = build(records_path, meta)
    with open(records_path) as f:
        raw = [json.loads(line) for line in f if line.strip()]
    md = markdown(rows, meta, stamp, raw)
    doc = {"date": now.isoformat(timespec="seconds"), "meta": meta, "rows": rows, "records": raw,
           "requests_per_op": {"%s %s" % k: v for k, v in round_trips(meta, raw).items()}}
    chart = svg(rows, meta, stamp)
    prefix = ("latest" if meta["mode"] == "full" else "quick-latest") + profile_suffix(meta)
    os.makedirs(os.path.join(out_dir, "history"), exist_ok=True)
    dated = os.path.join(out_dir, "history", now.strftime("%Y%m%d-%H%M%S") + "-" + meta["mode"] + profile_suffix(meta))
    for base in (os.path.join(out_dir, prefix), dated):
        with open(base + ".md", "w") as f:
            f.write(md + "\n\n![chart](%s.svg)\n" % os.path.basename(base))
        with open(base + ".json", "w") as f:
            json.dump(doc, f, indent=1)
        with open(base + ".svg", "w") as f:
            f.write(chart + "\n")
    print(md)
    print("results: %s.{md,json,svg} and %s.*" % (os.path.join(out_dir, prefix), dated))
    # A failing workload on a peer or the direct client is a broken harness (exit 1); SharedFs's own errors
    # are findings, shown in the table, and do not fail the run.
    broken = sorted({"%s %s" % (r["fs"], r["metric"]) for r in raw
                     if "error" in r and not r["fs"].startswith("sharedfs")})
    if broken:
        print("harness: workloads failed on the reference tools: " + ", ".join(broken), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
