"""Real HTTP and HTTPS servers on loopback, in threads of the test process, for the fetcher's tests.

Each path is one behaviour (a JSON document, a redirect, a 50 MB body, a server that drips...).
"""

import datetime
import functools
import gzip
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

BIG = 50 * 1024 * 1024
JSON_BODY = b'{"ok": true}'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "LocalServer"

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet test output

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        self.server.requests.append((self.path, dict(self.headers.items())))
        route = ROUTES.get(parts.path)
        try:
            if route is None:
                self.answer(404, "text/html", b"<h1>Not found</h1>")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True  # the fetcher hung up, as it should have

    def answer(self, status: int, content_type: str | None, body: bytes, **headers: str) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def stream(self, total: int, chunk: bytes = b"\0" * 65536) -> None:
        """Writes ``total`` bytes, counting in server.sent what actually left before the client hung up."""
        self.server.sent = 0
        try:
            while self.server.sent < total:
                self.wfile.write(chunk)
                self.server.sent += len(chunk)
        finally:
            self.server.done.set()


def _redirect(handler: Handler) -> None:
    status = int(handler.query.get("status", "302"))
    handler.answer(status, "text/html", b"moved", Location=handler.query["to"], Set_Cookie="session=secret")


def _chain(handler: Handler) -> None:
    left = int(handler.query["n"])
    if left == 0:
        handler.answer(200, "application/json", JSON_BODY)
    else:
        handler.answer(302, None, b"", Location=f"/chain?n={left - 1}")


def _big(handler: Handler) -> None:
    # No Content-Length: the body ends when the connection closes, so only the cap can stop it.
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.close_connection = True
    handler.stream(BIG)


def _declared_big(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(BIG))
    handler.end_headers()
    handler.stream(BIG)


def _drip(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    for _ in range(100):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.5)


def _drip_headers(handler: Handler) -> None:
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    for index in range(100):
        handler.wfile.write(f"X-Drip-{index}: 1\r\n".encode())
        handler.wfile.flush()
        time.sleep(0.5)


def _stall(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "10")
    handler.end_headers()
    handler.wfile.flush()
    time.sleep(3)


def _short(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    handler.wfile.write(b"0123456789")
    handler.close_connection = True


def _echo_headers(handler: Handler) -> None:
    body = json.dumps({"path": handler.path, "headers": {k.lower(): v for k, v in handler.headers.items()}})
    handler.answer(200, "application/json", body.encode())


@functools.cache
def _gzip_bomb() -> bytes:
    """50 MB of zeros in about 50 kB."""
    return gzip.compress(b"\0" * BIG, 9)


ROUTES: dict[str, Callable[[Handler], None]] = {
    "/json": lambda h: h.answer(200, "application/json", JSON_BODY),
    "/ld": lambda h: h.answer(200, "Application/LD+JSON; charset=utf-8", JSON_BODY),
    "/text": lambda h: h.answer(200, "text/plain; charset=utf-8", JSON_BODY),
    "/html": lambda h: h.answer(200, "text/html", b"<html>a login page</html>"),
    "/untyped": lambda h: h.answer(200, None, JSON_BODY),
    "/image.png": lambda h: h.answer(200, "image/png", b"\x89PNG\r\n\x1a\n"),
    "/image.svg": lambda h: h.answer(200, "image/svg+xml", b"<svg/>"),
    "/status": lambda h: h.answer(int(h.query["code"]), "text/html", b"<h1>an error page</h1>"),
    "/headers": _echo_headers,
    "/redirect": _redirect,
    "/loop": lambda h: h.answer(302, None, b"", Location="/loop"),
    "/chain": _chain,
    "/no-location": lambda h: h.answer(302, "text/plain", b"nowhere"),
    "/big": _big,
    "/declared-big": _declared_big,
    "/drip": _drip,
    "/drip-headers": _drip_headers,
    "/stall": _stall,
    "/short": _short,
    "/gzip": lambda h: h.answer(200, "application/json", gzip.compress(JSON_BODY), Content_Encoding="gzip"),
    "/gzip-bomb": lambda h: h.answer(200, "application/json", _gzip_bomb(), Content_Encoding="gzip"),
    "/gzip-truncated": lambda h: h.answer(
        200, "application/json", gzip.compress(JSON_BODY * 100)[:-20], Content_Encoding="gzip"
    ),
    "/brotli": lambda h: h.answer(200, "application/json", b"\x0b\x02\x80ok\x03", Content_Encoding="br"),
}


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True  # a handler still dripping must not hold the test run

    def __init__(self, host: str, tls: ssl.SSLContext | None = None):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, 0), Handler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.sent = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str, host: str | None = None) -> str:
        host = host or self.server_address[0]
        shown = f"[{host}]" if ":" in host else host
        return f"{self.scheme}://{shown}:{self.port}{path}"

    def __enter__(self) -> "LocalServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1 that no system trusts, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def tls_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context
