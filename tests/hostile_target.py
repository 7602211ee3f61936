"""A fake Sync instance that misbehaves in one way, for the tests of what the suite does with untrusted
answers. It answers enough of the v1 API to be attached (get_version, get_os, everything else an API
error), then misbehaves as its mode says, on every request or only on get_version's version.

In a test: `with hostile_target("drip") as url: ...`; from a shell: `python -m tests.hostile_target MODE`
(prints the URL, serves until killed).
"""
from __future__ import annotations

import contextlib
import functools
import json
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Versions a target may claim, each an attack on where the version lands (file names, RST, HTML, terminal)
HOSTILE_VERSIONS = {
    "version-path": "1.4.111/../../../made-by-suite/pwned",
    "version-rst": "1.4.111\n\n.. raw:: html\n\n   <img src=x onerror=\"document.title='pwned'\">\n\n"
                   ".. include:: /etc/hostname\n",
    "version-markup": "<script>document.title='pwned'</script>1.4.111",
    "version-long": "1." + "4" * 5000,
    "version-url-chars": "1.4.111'%#=x",
    "version-escapes": "1.4.111\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://example.invalid\x07link\x1b]8;;\x07",
    "version-number": 14111,
}
# Ways of answering every request
BODY_MODES = ("huge", "endless", "gzip-bomb", "drip", "drip-headers", "redirect", "redirect-loop",
              "redirect-scheme", "deep-json", "array", "surrogate", "nan", "escapes", "markup", "bad-length")
MODES = tuple(HOSTILE_VERSIONS) + BODY_MODES
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://example.invalid\x07link\x1b]8;;\x07"
MARKUP = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each small answer waits for the client's delayed ACK
    server: "_Server"

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        mode = self.server.mode
        method = parse_qs(urlsplit(self.path).query).get("method", [""])[0]
        self.server.requests += 1
        if mode in HOSTILE_VERSIONS or mode in ("escapes", "markup"):
            self._json(self._sync_answer(method))
        elif mode == "huge":
            self._stream(200 * 2 ** 20)
        elif mode == "endless":
            self._endless()
        elif mode == "gzip-bomb":
            self._raw(200, _gzip_bomb(), {"Content-Encoding": "gzip"})
        elif mode == "drip":
            self._drip(b'{"version": "1.4.111"}' + b" " * 100)
        elif mode == "drip-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for _ in range(120):
                self.wfile.write(b"X: y\r\n")
                self.wfile.flush()
                time.sleep(1)
        elif mode == "redirect":
            self._raw(302, b"", {"Location": self.server.elsewhere + self.path})
        elif mode == "redirect-loop":
            self._raw(307, b"", {"Location": self.path})
        elif mode == "redirect-scheme":
            self._raw(308, b"", {"Location": "ftp://127.0.0.1/api"})
        elif mode == "deep-json":
            self._raw(200, b'{"version": ' + b"[" * 100000 + b"]" * 100000 + b"}")
        elif mode == "array":
            self._json([1, 2, 3])
        elif mode == "surrogate":
            self._raw(200, b'{"version": "1.4.111", "error": 1, "message": "\\ud800"}')
        elif mode == "nan":
            self._raw(200, b'{"version": "1.4.111", "error": NaN, "n": Infinity, "m": -Infinity}')
        elif mode == "bad-length":
            self._raw(200, b'{"version": "1.4.111"}', {"Content-Length": "999"})

    def _sync_answer(self, method: str) -> dict:
        mode = self.server.mode
        if method == "get_version":
            return {"version": HOSTILE_VERSIONS.get(mode, "1.4.111")}
        if method == "get_os":
            return {"os": ESCAPES if mode == "escapes" else MARKUP if mode == "markup" else "linux"}
        if method == "get_folders":
            return []
        text = ESCAPES if mode == "escapes" else MARKUP if mode == "markup" else "Invalid request"
        return {"error": 1, "message": text}

    def _json(self, value) -> None:
        self._raw(200, json.dumps(value).encode())

    def _raw(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "text/javascript", "Content-Length": str(len(body)), **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def _stream(self, size: int) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        block = b"0," * 2 ** 19
        with contextlib.suppress(OSError):
            for _ in range(size // len(block)):
                self.wfile.write(block)

    def _endless(self) -> None:
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
        with contextlib.suppress(OSError):
            for _ in range(1_000_000):
                self.wfile.write(chunk)

    def _drip(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1)


@functools.cache
def _gzip_bomb() -> bytes:
    """300 MB of spaces in a JSON object, gzipped to some 300 KB (made a block at a time)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * 2 ** 20
    return b"".join([packer.compress(b"{"), *(packer.compress(block) for _ in range(300)),
                     packer.compress(b"}"), packer.flush()])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    mode = ""
    elsewhere = ""
    requests = 0

    def handle_error(self, request, client_address) -> None:  # a client that hung up is expected here
        pass


class _Elsewhere(BaseHTTPRequestHandler):
    """Where a redirect points: a server that would answer as Sync, and must never be asked."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.server.requests += 1
        body = b'{"version": "9.9.9-elsewhere"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def hostile_target(mode: str):
    """The URL of a fake instance misbehaving as `mode`; afterwards `.requests` of both servers."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; one of {', '.join(MODES)}")
    if mode == "gzip-bomb":
        _gzip_bomb()  # made before it serves, so that making it takes none of a request's deadline
    elsewhere = _Server(("127.0.0.1", 0), _Elsewhere)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.mode, server.elsewhere = mode, f"http://127.0.0.1:{elsewhere.server_address[1]}"
    threads = [threading.Thread(target=each.serve_forever, daemon=True) for each in (server, elsewhere)]
    for thread in threads:
        thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}", server, elsewhere)
    finally:
        for each in (server, elsewhere):
            each.shutdown()
            each.server_close()


class Served:
    def __init__(self, url: str, server: _Server, elsewhere: _Server):
        self.url, self._server, self._elsewhere = url, server, elsewhere

    @property
    def requests_elsewhere(self) -> int:
        return self._elsewhere.requests


if __name__ == "__main__":
    with hostile_target(sys.argv[1]) as served:
        print(served.url, flush=True)
        threading.Event().wait()
