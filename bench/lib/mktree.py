#!/usr/bin/env python3
"""A realistic application tree as a tarball, always the same for the same arguments (fixed seed):
nested folders of mixed files, mostly small (sources, configs, thumbnails), some medium, a few large.

  mktree.py OUT.tar MANIFEST.json FILES

The manifest maps each file's relative path to its sha256, for checking the re-read.
"""
import hashlib
import io
import json
import random
import sys
import tarfile

FOLDERS = ["app", "assets", "uploads", "vendor", "config", "public", "cache", "docs"]
EXTENSIONS = [".php", ".js", ".css", ".json", ".jpg", ".png", ".txt", ".html", ".pdf", ".svg"]


def size_of(rng):
    roll = rng.random()
    if roll < 0.70:
        return rng.randint(100, 16 * 1024)          # small: sources, configs, icons
    if roll < 0.95:
        return rng.randint(16 * 1024, 128 * 1024)   # medium: images, bundles
    return rng.randint(128 * 1024, 1024 * 1024)     # large: photos, PDFs


def main(out_path, manifest_path, count):
    rng = random.Random(20251125)
    manifest = {}
    folders = []
    for top in FOLDERS:
        for i in range(rng.randint(3, 8)):
            folders.append("%s/m%02d" % (top, i))
            for j in range(rng.randint(0, 4)):
                folders.append("%s/m%02d/s%02d" % (top, i, j))
    with tarfile.open(out_path, "w", format=tarfile.GNU_FORMAT) as tar:
        for n in range(count):
            path = "%s/file%05d%s" % (rng.choice(folders), n, rng.choice(EXTENSIONS))
            size = size_of(rng)
            # half text-like (compressible), half random bytes
            if rng.random() < 0.5:
                data = (("line %d of %s\n" % (n, path)) * (size // 20 + 1)).encode()[:size]
            else:
                data = rng.randbytes(size)
            info = tarfile.TarInfo(path)
            info.size = size
            info.mode = 0o644
            info.mtime = 1764000000
            tar.addfile(info, io.BytesIO(data))
            manifest[path] = hashlib.sha256(data).hexdigest()
    with open(manifest_path, "w") as f:
        json.dump(manifest, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
