"""HttpFetcher against real servers on loopback, in threads of this process.

No test sends a packet anywhere else: the ``connections`` fixture fails any connection to another address,
and ``fake_dns`` answers every name (no real DNS lookup either).
"""

import ipaddress
import json
import os
import signal
import socket
import threading
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from besace.openbadges import fetching
from besace.openbadges.fetching import LOOPBACK_ENV, HttpFetcher
from besace.openbadges.verify.model import FetchError

from .local_servers import BIG, JSON_BODY, LocalServer, self_signed_certificate, tls_context

_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture(scope="module")
def server():
    with LocalServer("127.0.0.1") as running:
        yield running


@pytest.fixture(scope="module")
def server6():
    with LocalServer("::1") as running:
        yield running


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_server(certificate):
    with LocalServer("127.0.0.1", tls=tls_context(*certificate)) as running:
        yield running


@pytest.fixture(autouse=True)
def connections(monkeypatch):
    """Every address the fetcher connects to; anything but loopback fails the test before a packet leaves."""
    made: list[str] = []
    connect = fetching._connect

    def loopback_only(family, sockaddr, timeout):
        assert ipaddress.ip_address(sockaddr[0]).is_loopback, f"tried to connect to {sockaddr[0]}"
        made.append(sockaddr[0])
        return connect(family, sockaddr, timeout)

    monkeypatch.setattr(fetching, "_connect", loopback_only)
    return made


class FakeDns:
    """Names -> addresses for one test; localhost and literal addresses resolve for real, nothing else."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def __setitem__(self, name: str, addresses: list[str]) -> None:
        self.answers[name] = [addresses]

    def rebind(self, name: str, *answers: list[str]) -> None:
        """Successive lookups of ``name`` get successive answers."""
        self.answers[name] = list(answers)

    def getaddrinfo(self, host, port, *args, **kwargs):
        self.lookups.append(host)
        if host in self.answers:
            answers = self.answers[host]
            addresses = answers.pop(0) if len(answers) > 1 else answers[0]
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0))
                if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses
            ]
        if host != "localhost" and not _is_ip(host):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return _real_getaddrinfo(host, port, *args, **kwargs)


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch):
    dns = FakeDns()
    monkeypatch.setattr(socket, "getaddrinfo", dns.getaddrinfo)
    return dns


def _is_ip(host: str) -> bool:
    try:
        socket.inet_aton(host)  # also "127.1", as the C resolver accepts it
        return True
    except OSError:
        return ":" in host


@pytest.fixture
def fetcher():
    return HttpFetcher(allow_loopback=True)


def refused(fetcher: HttpFetcher, url: str, **kwargs) -> str:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url, **kwargs)
    return str(caught.value)


# Answers


def test_it_answers_the_document_its_status_media_type_and_final_url(fetcher, server):
    document = fetcher.fetch(server.url("/ld"))
    assert (document.status, document.content_type, document.body) == (200, "application/ld+json", JSON_BODY)
    assert document.url == server.url("/ld")


@pytest.mark.parametrize("code", [404, 410, 500])
def test_it_answers_error_statuses_with_their_page(fetcher, server, code):
    document = fetcher.fetch(server.url(f"/status?code={code}"))
    assert (document.status, document.content_type) == (code, "text/html")
    assert document.body == b"<h1>an error page</h1>"


def test_it_sends_honest_headers_and_never_cookies(fetcher, server):
    to = server.url("/headers", host="localhost")
    document = fetcher.fetch(server.url(f"/redirect?to={to}"), accept="application/json")  # sets a cookie
    headers = json.loads(document.body)["headers"]
    assert headers["user-agent"].startswith("Besace/")
    assert headers["accept"] == "application/json"
    assert headers["accept-encoding"] == "gzip"
    # Connected to 127.0.0.1, yet the server was told the name of the URL.
    assert headers["host"] == f"localhost:{server.port}"
    assert "cookie" not in headers and "authorization" not in headers


def test_its_user_agent_names_the_instance_when_told():
    assert HttpFetcher(contact_url="https://badges.example").user_agent.endswith(" (+https://badges.example)")


def test_it_connects_to_the_address_it_checked_without_looking_up_again(
    fetcher, server, fake_dns, connections
):
    # A rebinding name: an acceptable answer first, then an internal one. Only one lookup is ever made.
    fake_dns.rebind("rebind.example", ["127.0.0.1"], ["10.0.0.1"])
    document = fetcher.fetch(f"http://rebind.example:{server.port}/headers")
    assert json.loads(document.body)["headers"]["host"] == f"rebind.example:{server.port}"
    assert fake_dns.lookups.count("rebind.example") == 1
    assert connections == ["127.0.0.1"]


def test_it_sends_international_names_and_paths_encoded(fetcher, server, fake_dns):
    fake_dns["xn--bcher-kva.example"] = ["127.0.0.1"]
    document = fetcher.fetch(f"http://bücher.example:{server.port}/headers?q=é#fragment")
    echoed = json.loads(document.body)
    assert echoed["headers"]["host"] == f"xn--bcher-kva.example:{server.port}"
    assert echoed["path"] == "/headers?q=%C3%A9"


def test_it_reaches_ipv6_loopback_when_allowed(fetcher, server6):
    assert fetcher.fetch(server6.url("/json")).body == JSON_BODY


# Schemes, credentials, ports


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/badge.json",
        "gopher://127.0.0.1:70/_GET",
        "javascript:alert(1)",
        "data:application/json,{}",
        "//127.0.0.1/json",
        "127.0.0.1/json",
        "",
    ],
)
def test_it_refuses_other_schemes(fetcher, url, connections):
    assert "only http and https" in refused(fetcher, url)
    assert connections == []


@pytest.mark.parametrize("credentials", ["user:password@", "user@", ":@"])
def test_it_refuses_urls_with_credentials(fetcher, server, credentials, connections):
    assert "user name or password" in refused(fetcher, f"http://{credentials}127.0.0.1:{server.port}/json")
    assert connections == []


@pytest.mark.parametrize("port", ["25", "0", "6667", "65536", "x"])
def test_it_refuses_other_protocols_ports_and_bad_ports(fetcher, port, connections):
    message = refused(fetcher, f"http://127.0.0.1:{port}/")
    assert "reserved for other protocols" in message or "malformed" in message
    assert connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1",
        "http://:80/",
        "http://a b/",
        "http://a\x00b/",
        "http://",
        "https:///x",
        "http://[fe80::1%25eth0]/",
    ],
)
def test_it_refuses_malformed_urls_with_a_fetch_error(fetcher, url):
    refused(fetcher, url)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    url=st.tuples(st.sampled_from(["http://", "https://", "HTTP://", "", "http:"]), st.text()).map("".join)
)
@example(url="http://1.0")
def test_it_raises_nothing_but_fetch_errors(url, monkeypatch):
    # Names resolve only through fake_dns; a public literal address (hypothesis finds "http://1.0") may
    # be tried, so the network is simulated as unreachable: no packet leaves, and nothing else is allowed.
    attempted: list[str] = []

    def unreachable(family, sockaddr, timeout):
        attempted.append(sockaddr[0])
        raise ConnectionRefusedError("the test network reaches nothing")

    monkeypatch.setattr(fetching, "_connect", unreachable)
    with pytest.raises(FetchError):
        HttpFetcher(allow_loopback=False).fetch(url)
    assert all(ipaddress.ip_address(address).is_global for address in attempted), attempted


# Addresses


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.1", "[::1]", "localhost", "[::ffff:127.0.0.1]", "loopback.example"]
)
def test_it_refuses_loopback_unless_allowed(server, host, fake_dns, connections):
    fake_dns["loopback.example"] = ["::1"]
    message = refused(HttpFetcher(allow_loopback=False), f"http://{host}:{server.port}/json")
    assert "a loopback address" in message
    assert connections == []


def test_loopback_is_allowed_by_the_environment(server, monkeypatch):
    monkeypatch.setenv(LOOPBACK_ENV, "1")
    assert HttpFetcher().fetch(server.url("/json")).status == 200
    monkeypatch.setenv(LOOPBACK_ENV, "0")
    assert "loopback" in refused(HttpFetcher(), server.url("/json"))


@pytest.mark.parametrize(
    "host",
    [
        "10.0.0.1",
        "10.255.255.254",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "0",
        "224.0.0.1",
        "255.255.255.255",
        "240.0.0.1",
        "198.18.0.1",
        "192.0.2.1",
        "[::]",
        "[fd00::1]",
        "[fe80::1]",
        "[fec0::1]",
        "[ff02::1]",
        "[::ffff:10.0.0.1]",
        "[::ffff:169.254.169.254]",
        "[::10.0.0.1]",
        "[2002:a00:1::1]",  # 6to4 around 10.0.0.1
        "[64:ff9b::a9fe:a9fe]",  # NAT64 around 169.254.169.254
        "[2001::1]",  # Teredo
    ],
)
def test_it_refuses_private_and_reserved_addresses_even_with_loopback_allowed(fetcher, host, connections):
    assert "a private or reserved address" in refused(fetcher, f"http://{host}/latest/meta-data/")
    assert connections == []


@pytest.mark.parametrize(
    "addresses",
    [
        ["10.0.0.5"],
        ["169.254.169.254"],
        ["fd12:3456::1"],
        ["93.184.215.14", "10.0.0.5"],
        ["127.0.0.1", "10.1.1.1"],
    ],
)
def test_it_refuses_a_name_when_any_of_its_addresses_is_refused(fetcher, fake_dns, addresses, connections):
    fake_dns["intranet.example"] = addresses
    assert "intranet.example is a private or reserved address" in refused(fetcher, "http://intranet.example/")
    assert connections == []


@pytest.mark.parametrize(
    "to, reason",
    [
        ("http://10.0.0.1/", "private or reserved"),
        ("http://169.254.169.254/latest/meta-data/iam/", "private or reserved"),
        ("http://[fd00::1]/", "private or reserved"),
        ("http://[::ffff:192.168.0.1]/", "private or reserved"),
        ("http://intranet.example/", "private or reserved"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://127.0.0.1:70/", "only http and https"),
        ("http://user:password@127.0.0.1/", "user name or password"),
        ("http://127.0.0.1:25/", "port 25"),
    ],
)
def test_it_refuses_a_redirect_to_what_it_refuses_at_first(
    fetcher, server, fake_dns, connections, to, reason
):
    fake_dns["intranet.example"] = ["10.9.8.7"]
    message = refused(fetcher, server.url(f"/redirect?to={to}&status=307"))
    assert reason in message and f"redirected to {to}" in message
    assert connections == ["127.0.0.1"]  # the first hop only


def test_it_checks_the_address_of_every_hop(server, fake_dns, monkeypatch):
    # Without the flag no first hop can reach our servers; this checks each hop's address with the same rule.
    checked = []
    monkeypatch.setattr(fetching, "_refusal", lambda address, allow: checked.append(address) or None)
    fetcher = HttpFetcher(allow_loopback=False)
    fetcher.fetch(server.url(f"/redirect?to={server.url('/json', host='localhost')}"))
    assert checked == ["127.0.0.1", "127.0.0.1"]


def test_it_reports_dns_failures(fetcher):
    assert "host name nowhere.example could not be resolved" in refused(fetcher, "http://nowhere.example/")


def test_it_does_not_wait_for_a_slow_dns_past_its_deadline(monkeypatch):
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: time.sleep(2) or real(*a, **k))
    started = time.monotonic()
    assert "resolved in time" in refused(
        HttpFetcher(allow_loopback=True, total_timeout=0.5), "http://slow.example/"
    )
    assert time.monotonic() - started < 1


def test_it_reports_a_refused_connection(fetcher):
    with socket.socket() as probe:  # a port nobody listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert "refused the connection" in refused(fetcher, f"http://127.0.0.1:{port}/")


# Redirects


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_it_follows_redirects_and_answers_the_final_url(fetcher, server, status):
    document = fetcher.fetch(server.url(f"/redirect?to=/json&status={status}"))
    assert (document.status, document.url, document.body) == (200, server.url("/json"), JSON_BODY)


def test_it_answers_a_redirect_without_location_as_it_is(fetcher, server):
    document = fetcher.fetch(server.url("/no-location"), accept="*/*")
    assert (document.status, document.body) == (302, b"nowhere")


def test_it_follows_at_most_max_redirects(server):
    fetcher = HttpFetcher(allow_loopback=True, max_redirects=3)
    assert fetcher.fetch(server.url("/chain?n=3")).status == 200
    assert "redirects more than 3 times" in refused(fetcher, server.url("/chain?n=4"))


def test_it_stops_redirect_loops(fetcher, server):
    assert "redirects in a loop" in refused(fetcher, server.url("/loop"))


# Sizes and encodings


def test_it_stops_reading_a_huge_body_at_the_cap(fetcher, server):
    server.done.clear()
    started = time.monotonic()
    assert "larger than 5242880 bytes" in refused(fetcher, server.url("/big"))
    assert time.monotonic() - started < 2
    assert server.done.wait(5)
    assert server.sent < BIG / 2  # the server could not push the rest: nobody was reading


def test_it_refuses_a_declared_length_over_the_cap_before_reading(fetcher, server):
    started = time.monotonic()
    assert "larger than 1000 bytes" in refused(fetcher, server.url("/declared-big"), max_bytes=1000)
    assert time.monotonic() - started < 1


def test_its_cap_can_be_set_per_fetcher_and_per_call(server):
    assert "larger than 5 bytes" in refused(
        HttpFetcher(allow_loopback=True, max_bytes=5), server.url("/json")
    )
    fetcher = HttpFetcher(allow_loopback=True, max_bytes=5)
    assert fetcher.fetch(server.url("/json"), max_bytes=len(JSON_BODY)).body == JSON_BODY


def test_it_refuses_a_body_cut_short(fetcher, server):
    assert "cut short" in refused(fetcher, server.url("/short"))


def test_it_decodes_gzip(fetcher, server):
    assert fetcher.fetch(server.url("/gzip")).body == JSON_BODY


def test_it_refuses_a_gzip_bomb_without_inflating_it(fetcher, server):
    started = time.monotonic()
    assert "larger than 1048576 bytes" in refused(fetcher, server.url("/gzip-bomb"), max_bytes=1024 * 1024)
    assert time.monotonic() - started < 2  # including the server's compressing 50 MB the first time


def test_it_refuses_truncated_gzip(fetcher, server):
    assert "truncated" in refused(fetcher, server.url("/gzip-truncated"))


def test_it_refuses_encodings_it_did_not_ask_for(fetcher, server):
    assert "encoded with br" in refused(fetcher, server.url("/brotli"))


# Media types


@pytest.mark.parametrize(
    "path, accept, content_type",
    [
        ("/json", "application/ld+json, application/json", "application/json"),
        ("/ld", "application/json", "application/ld+json"),
        ("/text", "application/ld+json", "text/plain"),
        ("/untyped", "application/json", "application/octet-stream"),
        ("/image.png", "image/png, image/svg+xml", "image/png"),
        ("/image.svg", "image/png", "image/svg+xml"),
        ("/html", "text/html", "text/html"),
        ("/html", "*/*", "text/html"),
        ("/html", "text/*", "text/html"),
    ],
)
def test_it_accepts_matching_media_types(fetcher, server, path, accept, content_type):
    assert fetcher.fetch(server.url(path), accept=accept).content_type == content_type


@pytest.mark.parametrize(
    "path, accept",
    [
        ("/html", "application/ld+json, application/json"),
        ("/json", "image/png"),
        ("/image.png", "application/json"),
    ],
)
def test_it_refuses_media_types_that_clearly_do_not_match(fetcher, server, path, accept):
    assert f"where {accept} was asked for" in refused(fetcher, server.url(path), accept=accept)


# Time


def test_it_cuts_a_slow_drip_at_its_deadline(server):
    fetcher = HttpFetcher(allow_loopback=True, read_timeout=1, total_timeout=1.5)
    started = time.monotonic()
    assert "did not answer within 1.5 s" in refused(fetcher, server.url("/drip"))
    assert 1.4 < time.monotonic() - started < 2


def test_it_cuts_dripping_headers_at_its_deadline(server):
    fetcher = HttpFetcher(allow_loopback=True, read_timeout=1, total_timeout=1.5)
    started = time.monotonic()
    assert "did not answer within 1.5 s" in refused(fetcher, server.url("/drip-headers"))
    assert 1.4 < time.monotonic() - started < 2


def test_a_child_forked_while_the_deadline_thread_held_its_lock_still_fetches(fetcher, server):
    """Workers fork (gunicorn, RQ): the one thread that watches every fetch's deadline is not inherited,
    and neither must be a lock it held at that moment."""
    fetcher.fetch(server.url("/ld"))  # the deadline thread runs
    held, forked = threading.Event(), threading.Event()

    def hold_the_lock() -> None:  # as the deadline thread does now and then
        with fetching._DEADLINES._condition:
            held.set()
            forked.wait(10)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    held.wait(10)
    pid = os.fork()
    if pid == 0:  # the child: nothing of pytest's may run here
        try:
            fetched = fetcher.fetch(server.url("/ld")).body == JSON_BODY
        except BaseException:
            fetched = False
        os._exit(0 if fetched else 1)
    forked.set()
    holder.join()
    deadline = time.monotonic() + 10
    while (ended := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if ended[0] == 0:  # stuck on the lock
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert ended[0] == pid and os.waitstatus_to_exitcode(ended[1]) == 0


def test_it_gives_up_on_a_silent_server_after_its_read_timeout(server):
    fetcher = HttpFetcher(allow_loopback=True, read_timeout=0.5, total_timeout=5)
    started = time.monotonic()
    assert "did not answer in time" in refused(fetcher, server.url("/stall"))
    assert time.monotonic() - started < 1.5


# TLS


def test_it_refuses_a_certificate_nobody_trusts(fetcher, tls_server):
    assert "TLS certificate was not accepted" in refused(fetcher, tls_server.url("/json", host="localhost"))


def test_it_checks_the_certificate_against_the_url_host_name(tls_server, certificate, fake_dns):
    fetcher = HttpFetcher(allow_loopback=True, ca_certs=str(certificate[0]))
    assert fetcher.fetch(tls_server.url("/json", host="localhost")).body == JSON_BODY
    # The same server and address under a name the certificate does not carry.
    fake_dns["elsewhere.example"] = ["127.0.0.1"]
    message = refused(fetcher, f"https://elsewhere.example:{tls_server.port}/json")
    assert "TLS certificate was not accepted" in message and "elsewhere.example" in message
