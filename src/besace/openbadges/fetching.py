"""The one HTTP client of Besace: every outbound request (badges, issuers, keys, status lists, images).

Every URL comes from a stranger, so ``HttpFetcher`` treats it as hostile (server-side request forgery,
resource exhaustion):

- only ``http`` and ``https``; no user name or password in the URL; any port except those browsers
  refuse too (the WHATWG Fetch "bad ports": SMTP, IRC...), so badge hosts on 8080 or 8443 still work;
- the host name is resolved here and refused when ANY of its addresses is not public (private,
  loopback, link-local and the 169.254.169.254 metadata service, CGNAT, multicast, reserved,
  documentation, unique- and site-local IPv6, and IPv4 hidden in IPv6); then the connection is made to
  the address that was checked (no second lookup, so DNS rebinding cannot swap it), while the Host
  header, TLS SNI and certificate check use the host name of the URL;
- loopback is reachable only with ``allow_loopback`` (default: ``BESACE_FETCH_ALLOW_LOOPBACK=1`` in the
  environment), for local development and tests; private ranges stay refused even then;
- redirects are followed by hand (at most ``max_redirects``), each hop checked like the first;
- timeouts on connecting, on every read, and a deadline on the whole fetch (redirects included), which a
  watchdog enforces by shutting the socket: per-read timeouts alone cannot stop a server that drips;
- the body (after gzip decoding too) is capped: refused before reading when Content-Length is larger,
  and never buffered past the cap;
- for 2xx answers, a media type that clearly does not match ``accept`` is refused (see ``_acceptable``);
- a fixed User-Agent, no cookies, no credentials.

Every refusal or failure raises ``FetchError`` with an English sentence the caller can show.
This module is standard library only, and framework-free.
"""

import functools
import heapq
import http.client
import ipaddress
import itertools
import os
import socket
import ssl
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from importlib import metadata
from urllib.parse import quote, urljoin, urlsplit

from .verify.model import FetchedDocument, FetchError

DEFAULT_ACCEPT = "application/ld+json, application/json"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
LOOPBACK_ENV = "BESACE_FETCH_ALLOW_LOOPBACK"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_URL_SAFE = "/%!$&'()*+,;=:@~"  # kept as they are when a path or query is percent-encoded

# https://fetch.spec.whatwg.org/#bad-port: ports of other protocols that an HTTP request could confuse.
_BAD_PORTS = frozenset(
    {0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103}
    | {104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513}
    | {514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719}
    | {1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679}
    | {6697, 10080}
)

# Spelled out although ``is_global`` covers most of them: its lists changed between Python releases.
_REFUSED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata services
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",  # 6to4 relays
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
        "::/96",  # unspecified, loopback, deprecated IPv4-compatible
        "::ffff:0:0/96",  # IPv4-mapped (checked through the IPv4 address first)
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, Teredo
        "2001:db8::/32",
        "3fff::/20",  # documentation
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the public IPv4 address is in the last 32 bits

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# getaddrinfo() cannot be interrupted: it runs in these threads so that the deadline still holds.
_RESOLVER = ThreadPoolExecutor(max_workers=8, thread_name_prefix="besace-dns")


def _version() -> str:
    try:
        return metadata.version("besace")
    except metadata.PackageNotFoundError:
        return "dev"


class HttpFetcher:
    """A ``Fetcher`` (see ``verify.model``) for the real network. Thread-safe: no state between fetches."""

    def __init__(
        self,
        *,
        allow_loopback: bool | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 5,
        connect_timeout: float = 5.0,
        read_timeout: float = 5.0,
        total_timeout: float = 10.0,
        contact_url: str | None = None,
        ca_certs: str | None = None,
    ):
        if allow_loopback is None:
            allow_loopback = os.environ.get(LOOPBACK_ENV) == "1"
        self.allow_loopback = allow_loopback
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout
        # Site operators can find out who calls them: the instance's own address, when the caller has one.
        self.user_agent = f"Besace/{_version()}" + (f" (+{contact_url})" if contact_url else "")
        self.ca_certs = ca_certs

    def fetch(
        self, url: str, *, accept: str = DEFAULT_ACCEPT, max_bytes: int | None = None
    ) -> FetchedDocument:
        """GET ``url``; the answer whatever its status, or FetchError. ``max_bytes`` overrides the cap."""
        deadline = time.monotonic() + self.total_timeout
        cap = self.max_bytes if max_bytes is None else max_bytes
        current = url
        visited = {url}
        try:
            for _ in range(self.max_redirects + 1):
                document, location = self._get(current, accept, cap, deadline)
                if location is None:
                    return document
                # The fragment is the client's business: not sent, and not part of the loop check.
                following = urljoin(current, location.strip()).partition("#")[0]
                if following in visited:
                    raise FetchError(f"it redirects in a loop (back to {_show(following)})")
                visited.add(following)
                current = following
            raise FetchError(f"it redirects more than {self.max_redirects} times")
        except FetchError as error:
            where = _show(url) if current == url else f"{_show(url)} (redirected to {_show(current)})"
            raise FetchError(f"Could not fetch {where}: {error}.") from error

    def _get(self, url: str, accept: str, cap: int, deadline: float) -> tuple[FetchedDocument, str | None]:
        """One request, no redirect: the document, or an empty one and the Location to follow."""
        target = _Target.parse(url)
        addresses = self._resolve(target, deadline)
        sock = self._connect(addresses, deadline)
        try:
            watchdog = _Watchdog(sock, deadline - time.monotonic())
        except OSError as error:  # out of file descriptors
            sock.close()
            raise FetchError(_describe(error)) from error
        connection: http.client.HTTPConnection | None = None
        response: http.client.HTTPResponse | None = None
        try:
            connection = http.client.HTTPConnection(target.host, target.port)
            sock.settimeout(max(0.001, min(self.read_timeout, deadline - time.monotonic())))
            if target.scheme == "https":
                # Certificate and SNI for the name in the URL, though the socket went to a checked address.
                sock = _tls_context(self.ca_certs).wrap_socket(sock, server_hostname=target.host)
            connection.sock = sock  # http.client talks over our socket and never connects by itself
            connection.putrequest("GET", target.path, skip_host=True, skip_accept_encoding=True)
            for name, value in (
                ("Host", target.host_header),
                ("User-Agent", self.user_agent),
                ("Accept", accept),
                ("Accept-Encoding", "gzip"),
                ("Connection", "close"),
            ):
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in _REDIRECTS and location:
                return FetchedDocument(url, response.status, "", b""), location
            content_type = _media_type(response.getheader("Content-Type"))
            # Error pages are returned as they are: a 404 or 410 in HTML still tells the caller something.
            if 200 <= response.status < 300 and not _acceptable(content_type, accept):
                raise FetchError(f"it answered {content_type} where {accept} was asked for")
            body = _read_body(response, cap, watchdog)
            if watchdog.expired:  # the shut socket looks like the end of the body
                raise FetchError(f"it did not answer within {self.total_timeout:g} s")
            return FetchedDocument(url, response.status, content_type, body), None
        except FetchError:
            raise
        except (OSError, http.client.HTTPException, ValueError, zlib.error) as error:
            if watchdog.expired:
                raise FetchError(f"it did not answer within {self.total_timeout:g} s") from error
            raise FetchError(_describe(error)) from error
        finally:
            watchdog.cancel()
            if response is not None:
                response.close()  # with "Connection: close", the response owns the socket
            if connection is not None:
                connection.close()
            sock.close()

    def _resolve(self, target: "_Target", deadline: float) -> list[tuple[int, tuple]]:
        """The (family, socket address) pairs to try, once every one of them has been found acceptable."""
        try:
            if _is_address(target.host):  # nothing to look up: answered at once, no thread to wait on
                infos = socket.getaddrinfo(
                    target.host, target.port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
                )
            else:
                lookup = _RESOLVER.submit(
                    socket.getaddrinfo, target.host, target.port, type=socket.SOCK_STREAM
                )
                infos = lookup.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            lookup.cancel()
            raise FetchError(f"its host name {_show(target.host)} could not be resolved in time") from None
        except (OSError, UnicodeError) as error:
            raise FetchError(f"its host name {_show(target.host)} could not be resolved") from error
        addresses: list[tuple[int, tuple]] = []
        for family, _type, _proto, _name, sockaddr in infos:
            # All of them, not only the one used: a name that also points inside is refused outright.
            refusal = _refusal(sockaddr[0], self.allow_loopback)
            if refusal:
                raise FetchError(f"{_show(target.host)} is {refusal}")
            if (family, sockaddr) not in addresses:
                addresses.append((family, sockaddr))
        if not addresses:
            raise FetchError(f"its host name {_show(target.host)} has no address")
        return addresses

    def _connect(self, addresses: list[tuple[int, tuple]], deadline: float) -> socket.socket:
        error: OSError = TimeoutError()
        for family, sockaddr in addresses:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                return _connect(family, sockaddr, min(self.connect_timeout, remaining))
            except OSError as failure:
                error = failure
        raise FetchError(_describe(error)) from error


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=8)
def _tls_context(ca_certs: str | None) -> ssl.SSLContext:
    """The system's trusted certificates, unless a test or a private deployment names others.

    Shared (an SSLContext is thread-safe once built): loading the certificates costs tens of milliseconds.
    """
    context = ssl.create_default_context(cafile=ca_certs)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _connect(family: int, sockaddr: tuple, timeout: float) -> socket.socket:
    """A TCP connection to exactly this address (a function of its own so that tests can watch it)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA), without brackets: what is resolved and what TLS checks
    port: int
    host_header: str
    path: str  # path and query, percent-encoded

    @classmethod
    def parse(cls, url: str) -> "_Target":
        if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
            raise FetchError("its URL contains spaces or control characters")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise FetchError(f"its URL is malformed ({error})") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(f"only http and https URLs are fetched, not {scheme or 'scheme-less'} ones")
        if "@" in parts.netloc:
            raise FetchError("URLs with a user name or password are refused")
        if not parts.hostname:
            raise FetchError("its URL has no host name")
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError:
            raise FetchError(f"its host name {_show(parts.hostname)} is not valid") from None
        default_port = 443 if scheme == "https" else 80
        port = default_port if port is None else port
        if port in _BAD_PORTS:
            raise FetchError(f"port {port} is reserved for other protocols")
        shown = f"[{host}]" if ":" in host else host
        host_header = shown if port == default_port else f"{shown}:{port}"
        # Non-ASCII paths (IRIs) are sent percent-encoded in UTF-8; existing escapes stay as they are.
        path = quote(parts.path or "/", safe=_URL_SAFE)
        if parts.query:
            path += "?" + quote(parts.query, safe=_URL_SAFE + "?")
        return cls(scheme, host, port, host_header, path)


def _refusal(address: str, allow_loopback: bool) -> str | None:
    """Why this resolved address may not be contacted ("a private address"), or None when it may."""
    try:
        ip: IPAddress = ipaddress.ip_address(address)
    except ValueError:
        return "an address that cannot be checked"
    candidates: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            candidates = [ip.ipv4_mapped]  # the kernel talks IPv4 to it
        elif ip.sixtofour:
            candidates.append(ip.sixtofour)
        elif ip in _NAT64:
            candidates.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    for candidate in candidates:
        if candidate.is_loopback:
            if allow_loopback:
                continue
            return "a loopback address"
        if (
            not candidate.is_global
            or candidate.is_multicast
            or candidate.is_reserved
            or any(candidate in network for network in _REFUSED_NETWORKS)
        ):
            return "a private or reserved address"
    return None


def _media_type(header: str | None) -> str:
    """``text/HTML; charset=x`` -> ``text/html``; missing or malformed -> application/octet-stream."""
    media_type = (header or "").partition(";")[0].strip().lower()
    return media_type if "/" in media_type else "application/octet-stream"


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _acceptable(media_type: str, accept: str) -> bool:
    """Whether a 2xx body of this media type answers ``accept``. The rule, loose on purpose:

    - a type matched by a range of ``accept`` (exactly, ``type/*`` or ``*/*``) is acceptable;
    - when any JSON type is asked for, every JSON type (application/json, application/ld+json,
      application/*+json) and text/plain are acceptable: many servers label JSON files so;
    - when any image type is asked for, every image type is: callers sniff the actual format;
    - an unknown type (missing, application/octet-stream) is acceptable: the caller's parser decides.

    So an HTML page answering a JSON request is refused, as is JSON answering an image request.
    """
    if media_type == "application/octet-stream":
        return True
    for entry in accept.split(","):
        wanted = entry.partition(";")[0].strip().lower()
        if wanted in ("*/*", media_type):
            return True
        if wanted.endswith("/*") and media_type.startswith(wanted[:-1]):
            return True
        if _is_json(wanted) and (_is_json(media_type) or media_type == "text/plain"):
            return True
        if wanted.startswith("image/") and media_type.startswith("image/"):
            return True
    return False


def _read_body(response: http.client.HTTPResponse, cap: int, watchdog: "_Watchdog") -> bytes:
    too_large = FetchError(f"its body is larger than {cap} bytes")
    if response.length is not None and response.length > cap:
        raise too_large  # declared too large: not a byte read
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise FetchError(f"its body is encoded with {encoding}, which was not asked for")
    gunzip = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS) if encoding != "identity" else None
    received = 0
    body = bytearray()
    # read1() returns what one read gives: the loop turns often enough to notice the watchdog.
    while chunk := response.read1(min(_CHUNK, cap - received + 1)):
        received += len(chunk)
        if received > cap or watchdog.expired:
            break
        # One byte of room more than the cap: getting it proves the decoded body too large (zip bomb),
        # without inflating the rest.
        body += gunzip.decompress(chunk, cap - len(body) + 1) if gunzip else chunk
        if len(body) > cap:
            break
    if watchdog.expired:
        return bytes(body)  # the caller reports the deadline
    if received > cap or len(body) > cap:
        raise too_large
    if response.length:  # fewer bytes than Content-Length announced, then the connection closed
        raise FetchError("its body was cut short")
    if gunzip and (not gunzip.eof or gunzip.unused_data):
        raise FetchError("its gzip-compressed body is truncated or followed by other data")
    return bytes(body)


class _Watchdog:
    """Shuts the connection down at the deadline, whatever the reading thread is blocked on.

    It holds a duplicate of the socket's descriptor: shutdown() acts on the connection behind both, and
    the duplicate survives wrapping the socket in TLS (which detaches the original object).
    """

    def __init__(self, sock: socket.socket, seconds: float):
        self.expired = False
        self._sock: socket.socket | None = sock.dup()
        self._lock = threading.Lock()  # never shut a descriptor that cancel() has just closed
        _DEADLINES.watch(time.monotonic() + max(0.0, seconds), self)

    def expire(self) -> None:
        with self._lock:
            if self._sock is None:
                return
            self.expired = True
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the peer

    def cancel(self) -> None:
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None


class _Deadlines:
    """One thread for every fetch's deadline: starting a timer thread per fetch cost more than a whole
    fetch over loopback. Cancelled watchdogs simply expire as no-ops when their time comes."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._waiting: list[tuple[float, int, _Watchdog]] = []  # a heap, soonest deadline first
        self._order = itertools.count()  # breaks ties between equal deadlines
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float, watchdog: _Watchdog) -> None:
        with self._condition:
            heapq.heappush(self._waiting, (deadline, next(self._order), watchdog))
            # Started on first use, and again in a forked child (which inherits no threads).
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="besace-fetch-deadlines", daemon=True)
                self._thread.start()
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._waiting or self._waiting[0][0] > time.monotonic():
                    self._condition.wait(self._waiting[0][0] - time.monotonic() if self._waiting else None)
                _deadline, _order, watchdog = heapq.heappop(self._waiting)
            watchdog.expire()


_DEADLINES = _Deadlines()
# A child forked while the thread held the lock would wait on it for ever: it starts afresh instead.
os.register_at_fork(after_in_child=_DEADLINES.__init__)


def _describe(error: BaseException) -> str:
    """A sentence for the user: what went wrong on the network, without a Python type name when possible."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"its TLS certificate was not accepted ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"the TLS connection failed ({error.reason or error})"
    if isinstance(error, TimeoutError):
        return "the server did not answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "the server refused the connection"
    if isinstance(error, ConnectionError):
        return "the connection was lost"
    if isinstance(error, http.client.HTTPException):
        return f"the server's answer is not valid HTTP ({type(error).__name__})"
    if isinstance(error, zlib.error):
        return "its gzip-compressed body is corrupt"
    if isinstance(error, OSError):
        return f"a network error occurred ({error.strerror or error})"
    return f"the request could not be made ({error})"


def _show(text: str) -> str:
    """A URL or host name fit for a message: control characters escaped, shortened when very long."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[:200])
    return shown + ("…" if len(text) > 200 else "")
