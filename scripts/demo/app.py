#!/usr/bin/env python3
"""The demo's web app: what a real app does with SharedFs, in the standard library only.

GET /                 an upload form and the files in public/uploads, with this container's name
POST /upload          multipart form (field "file"): saves the file into public/uploads
GET /uploads/NAME     serves a file from public/uploads

public/uploads is the folder sharedfs-init links into the shared mount, so a file uploaded through one
container is served by every other. Settings (environment): PORT, DEMO_CONTAINER_NAME.
"""
import html
import os
import signal
import socket
import sys
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The app lives in its app root, like a deployed app: paths are relative to this file, not to the cwd.
APP_ROOT = os.path.dirname(os.path.abspath(__file__))
UPLOADS = os.path.join(APP_ROOT, "public", "uploads")
NAME = os.environ.get("DEMO_CONTAINER_NAME") or socket.gethostname()
MAX_UPLOAD = 64 * 1024 * 1024


def safe_name(name):
    """Only a plain file name is accepted: no folders, no hidden files, nothing that escapes uploads/."""
    name = os.path.basename(name.replace("\\", "/")).strip()
    if not name or name.startswith(".") or "\0" in name:
        return None
    return name


def parse_multipart(body, content_type):
    """Yields (field name, file name, data) for each part of a multipart/form-data body.

    The cgi module is deprecated (and gone in Python 3.13), so the few lines needed are written here.
    """
    params = dict(
        p.strip().split("=", 1) for p in content_type.split(";")[1:] if "=" in p
    )
    boundary = params.get("boundary", "").strip('"')
    if not boundary:
        return
    delimiter = b"--" + boundary.encode("latin-1")
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        head, _, data = chunk.partition(b"\r\n\r\n")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        disposition = ""
        for line in head.decode("latin-1").split("\r\n"):
            if line.lower().startswith("content-disposition:"):
                disposition = line.split(":", 1)[1]
        fields = {}
        for item in disposition.split(";")[1:]:
            if "=" in item:
                key, value = item.strip().split("=", 1)
                fields[key.lower()] = value.strip('"')
        yield fields.get("name"), fields.get("filename"), data


class Handler(BaseHTTPRequestHandler):
    server_version = "sharedfs-demo"

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path == "/":
            self.send_page()
        elif path.startswith("/uploads/"):
            self.send_upload(path[len("/uploads/"):])
        else:
            self.send_text(HTTPStatus.NOT_FOUND, "not found\n")

    def do_POST(self):
        if urllib.parse.urlsplit(self.path).path != "/upload":
            return self.send_text(HTTPStatus.NOT_FOUND, "not found\n")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_UPLOAD:
            return self.send_text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too large\n")
        body = self.rfile.read(length)
        saved = []
        for field, filename, data in parse_multipart(body, self.headers.get("Content-Type", "")):
            name = safe_name(filename or "")
            if field != "file" or name is None:
                continue
            # close() returns only once SharedFs has stored the file in the bucket: when this returns,
            # every other container can read it.
            with open(os.path.join(UPLOADS, name), "wb") as out:
                out.write(data)
            saved.append(name)
        if not saved:
            return self.send_text(HTTPStatus.BAD_REQUEST, "expected a multipart form with a file field named 'file'\n")
        if "text/html" in self.headers.get("Accept", ""):
            self.send_response(HTTPStatus.SEE_OTHER)  # a browser goes back to the list
            self.send_header("Location", "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_text(HTTPStatus.CREATED, "".join(f"{NAME}: saved public/uploads/{n}\n" for n in saved))

    def send_page(self):
        files = sorted(os.listdir(UPLOADS)) if os.path.isdir(UPLOADS) else []
        link = os.readlink(UPLOADS) if os.path.islink(UPLOADS) else "(not a symlink)"
        rows = "".join(
            f'<li><a href="/uploads/{urllib.parse.quote(f)}">{html.escape(f)}</a></li>' for f in files
        ) or "<li><em>no file yet</em></li>"
        page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>SharedFs demo: {html.escape(NAME)}</title></head>
<body>
<h1>Container {html.escape(NAME)}</h1>
<p>public/uploads &rarr; {html.escape(link)}</p>
<form method="post" action="/upload" enctype="multipart/form-data">
<input type="file" name="file"> <button>Upload</button>
</form>
<h2>public/uploads ({len(files)})</h2>
<ul>{rows}</ul>
</body></html>
"""
        self.send_text(HTTPStatus.OK, page, "text/html; charset=utf-8")

    def send_upload(self, name):
        safe = safe_name(name)
        target = os.path.join(UPLOADS, safe) if safe else None
        if target is None or not os.path.isfile(target):
            return self.send_text(HTTPStatus.NOT_FOUND, "no such upload\n")
        with open(target, "rb") as source:
            data = source.read()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Served-By", NAME)
        self.end_headers()
        self.wfile.write(data)

    def send_text(self, status, text, content_type="text/plain; charset=utf-8"):
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        sys.stderr.write(f"[{NAME}] {self.command} {self.path} -> {args[1] if len(args) > 1 else ''}\n")


def main():
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True

    # sharedfs-init forwards SIGTERM on stop and then exits with the app's status: a clean stop is exit 0.
    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"[{NAME}] serving http://127.0.0.1:{port}/ (uploads in {UPLOADS})", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        print(f"[{NAME}] stopped", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
