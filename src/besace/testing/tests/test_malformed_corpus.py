"""Every item of the malformed-input corpus (besace.testing.malformed) through every import path, end
to end: a clear refusal (4xx with a JSON message from APIs, a form error on pages), never a 5xx, and not
one row written.

URL imports fetch from a real HTTP server on loopback, through Besace's own fetcher (size caps,
timeouts, content types included).
"""

import base64
import json
import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from besace.backpack.models import BackpackBadge, ImportJob, ImportJobItem
from besace.connect import scopes
from besace.core.models import AuditEntry
from besace.issuing.models import Assertion, AwardJob
from besace.openbadges.fetching import LOOPBACK_ENV
from besace.testing import malformed
from besace.testing.malformed import Item

PASSWORD = "correct horse battery"  # make_user's default


class _CorpusHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        item = malformed.corpus().get(self.path.strip("/"))
        status, media_type, body = (200, item.media_type, item.data) if item else (404, "text/plain", b"")
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher stopped reading at its cap, as it should


@pytest.fixture(scope="module")
def corpus_server():
    """http://127.0.0.1:<port>/<item name> answers each item, for the imports by URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CorpusHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class Earner:
    """The earner's ways in: a signed-in browser, a Badgr password token, Badge Connect tokens."""

    def __init__(self, user, client: Client):
        self.user = user
        self.browser = client
        self.browser.force_login(user)
        self.api = Client()
        issued = self.api.post("/o/token", {"username": user.email, "password": PASSWORD}).json()
        self.badgr = {"HTTP_AUTHORIZATION": f"Bearer {issued['access_token']}"}
        app = Application.objects.create(
            name="Fuzzer",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris="https://app.example/callback",
        )
        self.connect = {}
        for scope in (scopes.OB21_ASSERTION_CREATE, scopes.OB30_CREDENTIAL_UPSERT):
            token = f"malformed-{scope.rsplit('/', 1)[-1]}"
            AccessToken.objects.create(
                user=user,
                application=app,
                token=token,
                scope=scope,
                expires=timezone.now() + timedelta(hours=1),
            )
            self.connect[scope] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def earner_ways(make_user, client, monkeypatch):
    monkeypatch.setenv(LOOPBACK_ENV, "1")  # the corpus server is on loopback
    return Earner(make_user("earner@example.org"), client)


def _as_text(item: Item) -> str:
    """What a person pasting the item would paste: browsers send form text as UTF-8, so bytes that are
    not UTF-8 come out replaced (and the test client takes bytes for a list of values)."""
    return item.data.decode("utf-8", errors="replace")


def _json_field(item: Item) -> bytes:
    """The item as the value of a JSON field: itself when it is (or looks like) JSON, so that deep
    nesting, huge numbers or invalid UTF-8 reach the API's own body parser; else as a JSON string."""
    if item.data.lstrip(b"\xef\xbb\xbf \n").startswith((b"{", b"[")):
        return item.data
    return json.dumps(_as_text(item)).encode()


def _file(item: Item) -> SimpleUploadedFile:
    extension = {"image/png": "png", "image/svg+xml": "svg", "application/zip": "zip"}
    return SimpleUploadedFile(
        f"{item.name}.{extension.get(item.media_type, 'json')}", item.data, item.media_type
    )


# Each path: (send the item, is the answer a clear refusal?). Pages answer a form error, APIs a 4xx
# with a JSON message; a verifier may also answer 200 with the badge found not valid.


def _backpack_image(ways: Earner, item: Item, server: str):
    return ways.browser.post(reverse("backpack:import"), {"image": _file(item)})


def _backpack_text(ways: Earner, item: Item, server: str):
    return ways.browser.post(reverse("backpack:import"), {"text": _as_text(item)})


def _backpack_url(ways: Earner, item: Item, server: str):
    return ways.browser.post(reverse("backpack:import"), {"url": f"{server}/{item.name}"})


def _batch(ways: Earner, item: Item, server: str):
    return ways.browser.post(reverse("backpack:batch_import"), {"files": [_file(item)]})


def _badgr(ways: Earner, item: Item, server: str):
    if item.kind == "document":
        body = b'{"assertion": ' + _json_field(item) + b"}"
    else:
        body = json.dumps({"image": base64.b64encode(item.data).decode()}).encode()
    return ways.api.generic(
        "POST", "/v2/backpack/import", body, content_type="application/json", **ways.badgr
    )


def _ob21(ways: Earner, item: Item, server: str):
    field = b'"signedAssertion": ' if item.name.startswith("jws") else b'"assertion": '
    body = b"{" + field + _json_field(item) + b"}"
    headers = ways.connect[scopes.OB21_ASSERTION_CREATE]
    return ways.api.generic(
        "POST", "/ims/ob/v2p1/assertions", body, content_type="application/json", **headers
    )


def _ob30(ways: Earner, item: Item, server: str):
    headers = ways.connect[scopes.OB30_CREDENTIAL_UPSERT]
    return ways.api.generic(
        "POST", "/ims/ob/v3p0/credentials", item.data, content_type=item.media_type, **headers
    )


def _verify_page(ways: Earner, item: Item, server: str):
    form = {"text": _as_text(item)} if item.kind == "document" else {"image": _file(item)}
    return Client().post(reverse("verify"), form)


def _verify_api(ways: Earner, item: Item, server: str):
    if item.kind == "document":
        body = b'{"credential": ' + _json_field(item) + b"}"
        return Client().generic("POST", "/api/verify", body, content_type="application/json")
    return Client().post("/api/verify", {"file": _file(item)})


PATHS: dict[str, Callable] = {
    "backpack-image": _backpack_image,
    "backpack-text": _backpack_text,
    "backpack-url": _backpack_url,
    "backpack-batch": _batch,
    "badgr-import": _badgr,
    "ob21-assertions": _ob21,
    "ob30-credentials": _ob30,
    "verify-page": _verify_page,
    "verify-api": _verify_api,
}
API_MESSAGE_FIELDS = {
    "badgr-import": lambda body: body["status"]["description"],
    "ob21-assertions": lambda body: body["status"]["error"],
    "ob30-credentials": lambda body: body["imsx_description"],
    "verify-api": lambda body: body.get("error") or [c["message"] for c in body["checks"] if not c["passed"]],
}


def _rows() -> dict[str, int]:
    return {
        "badges": BackpackBadge.objects.count(),
        "assertions": Assertion.objects.count(),
        "award jobs": AwardJob.objects.count(),
        "imported items": ImportJobItem.objects.exclude(outcome=ImportJobItem.Outcome.REFUSED).count(),
    }


def _assert_clear_refusal(path: str, response) -> None:
    assert response.status_code < 500, response.content[:500]
    if path in API_MESSAGE_FIELDS:
        body = response.json()
        if response.status_code == 200:  # only the verifier answers 200: the badge is not valid
            assert path == "verify-api" and body["valid"] is False, body
        else:
            assert 400 <= response.status_code < 500
        assert API_MESSAGE_FIELDS[path](body), body
    elif path == "backpack-batch":
        if response.status_code == 400:
            assert response.context["error"]
            return
        assert response.status_code == 302, response.content[:500]
        job = ImportJob.objects.get()
        assert job.state == ImportJob.State.DONE
        items = list(job.items.all())
        assert items and all(i.outcome == ImportJobItem.Outcome.REFUSED and i.message for i in items)
    elif path == "verify-page" and response.status_code == 200:
        assert response.context["result"]["valid"] is False
    elif response.status_code == 413:  # too large to be read into a form: the 400 page says so
        assert "too large" in response.context["message"]
    else:
        assert 400 <= response.status_code < 500
        context = response.context
        assert context["form"].errors or context.get("refusal"), response.content[:500]


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("name", malformed.names())
def test_it_refuses_the_item_clearly_and_writes_nothing(name, path, earner_ways, corpus_server, caplog):
    item = malformed.corpus()[name]
    before = _rows()
    audit_before = AuditEntry.objects.exclude(action__startswith="backpack.batch_import").count()
    with caplog.at_level(logging.ERROR):
        response = PATHS[path](earner_ways, item, corpus_server)
    _assert_clear_refusal(path, response)
    assert _rows() == before
    assert AuditEntry.objects.exclude(action__startswith="backpack.batch_import").count() == audit_before
    # Nothing was swallowed on the way (a batch import logs, and hides, what broke inside it). Django's
    # security log of a refused request (too large, too many fields) is not a failure.
    errors = [
        r for r in caplog.records if r.levelno >= logging.ERROR and not r.name.startswith("django.security")
    ]
    assert not errors, caplog.text[:2000]


CSV_ITEMS = [name for name in malformed.names()] + ["csv-nul-bytes", "csv-unclosed-quote", "csv-huge-cell"]


def _csv_item(name: str) -> bytes:
    extra = {
        "csv-nul-bytes": b"email,name\nada@example.org,A\x00da\n",
        "csv-unclosed-quote": b'email,name\nada@example.org,"Ada\n',
        "csv-huge-cell": b"email,name\nada@example.org," + b"a" * 1_000_000 + b"\n",
    }
    return extra[name] if name in extra else malformed.corpus()[name].data


@pytest.mark.parametrize("name", CSV_ITEMS)
def test_a_csv_award_upload_of_the_item_is_refused_with_row_errors(name, login, owner, badge_class):
    before = _rows()
    response = login(owner).post(
        reverse("issuing:award_csv", args=[badge_class.public_id]),
        {"file": SimpleUploadedFile("awards.csv", _csv_item(name), "text/csv")},
    )
    assert response.status_code < 500
    parsed = response.context["parsed"]
    assert response.context["form"].errors or parsed.errors, response.content[:500]
    assert _rows() == before
