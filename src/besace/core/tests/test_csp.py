"""Content-Security-Policy: every HTML page carries it, and no page needs what it forbids (inline script,
event handler attributes, javascript: URLs, inline styles), so injected markup could never run.

The pages are those of the URL access test (every pattern with parameters, filled with a user's own
objects), every pattern without parameters, and what a visitor and that user reach by following links.
"""

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from oauth2_provider.models import Application

from besace.core.tests.test_privacy_crawl import START, crawl
from besace.core.tests.test_url_access import TARGETS, worlds  # noqa: F401 - a fixture
from besace.pages.models import Page

FRAMEABLE = {"share:badge_embed", "pages:embed"}
# Script elements holding data, which browsers never run.
DATA_SCRIPTS = {"application/json", "application/ld+json"}
# Sign-in providers' endpoints: without a configured client they answer nothing but an error.
UNCONFIGURED = ("google_", "microsoft_", "facebook_")


class _Inline(HTMLParser):
    """What a page holds that `script-src 'self'` / `style-src 'self'` would block."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src") and names.get("type") not in DATA_SCRIPTS:
            self.problems.append("an inline <script>")
        if tag == "style":
            self.problems.append("an inline <style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an event handler attribute ({name}) on <{tag}>")
            if name == "style":
                self.problems.append(f"a style attribute on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"a javascript: URL on <{tag}>")


def inline_problems(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.problems


def _directives(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def _policy_problems(response) -> list[str]:
    header = response.get("Content-Security-Policy", "")
    if not header:
        return ["no Content-Security-Policy header"]
    policy = _directives(header)
    problems = [
        f"{name} {' '.join(policy.get(name, []))}"
        for name, expected in {
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
        }.items()
        if policy.get(name) != expected
    ]
    if "'self'" not in policy.get("form-action", []):
        problems.append("form-action without 'self'")
    return problems


def _patterns_without_parameters(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            )
            if not pattern.pattern.regex.groupindex:
                yield from _patterns_without_parameters(pattern, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groupindex:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _urls(victim) -> dict[str, str]:
    urls = {}
    for name in _patterns_without_parameters():
        if name.startswith(UNCONFIGURED):
            continue
        try:
            urls[name] = reverse(name)
        except Exception:  # noqa: S112 - a pattern built from a regular expression with optional groups
            continue
    for name, fill in TARGETS.items():
        if not name.startswith("badgr:"):
            urls[name] = reverse(name, kwargs=fill(victim))
    return urls


def _html_responses(client: Client, urls: dict[str, str]):
    for name, url in urls.items():
        response = client.get(url)
        if "text/html" in response.get("Content-Type", "") and not response.streaming:
            yield name, url, response


def test_every_html_page_has_the_policy_and_nothing_inline(worlds):  # noqa: F811
    victim, _attacker = worlds
    as_victim = Client()
    as_victim.force_login(victim.user)
    problems, checked = [], set()
    for client in (Client(), as_victim):
        for name, url, response in _html_responses(client, _urls(victim)):
            checked.add(name)
            body = response.content.decode(errors="replace")
            problems += [f"{name} {url}: {p}" for p in _policy_problems(response) + inline_problems(body)]
            ancestors = _directives(response["Content-Security-Policy"]).get("frame-ancestors")
            if response.status_code < 400:
                expected = ["*"] if name in FRAMEABLE else ["'none'"]
                if ancestors != expected:
                    problems.append(f"{name} {url}: frame-ancestors {ancestors}")
    for client in (Client(), as_victim):
        for path, text in crawl(client, START).items():
            if text.lstrip().lower().startswith("<!doctype html"):
                problems += [f"{path}: {p}" for p in inline_problems(text)]
    # The pages whose scripts moved to static files are among those checked.
    assert {"backpack:batch_import_progress", "backpack:badge", "pages:edit", "gallery:map"} <= checked
    assert problems == [], "\n".join(problems)


def test_a_framed_embed_is_not_refused_by_x_frame_options(client, worlds):  # noqa: F811
    victim, _attacker = worlds
    victim.page.visibility = Page.Visibility.PUBLIC
    victim.page.save(update_fields=["visibility"])
    response = client.get(reverse("pages:embed", args=[victim.page.public_id]))
    assert "X-Frame-Options" not in response
    assert _directives(response["Content-Security-Policy"])["frame-ancestors"] == ["*"]
    assert client.get("/")["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("redirect_uri", "source"),
    [
        ("https://app.example:8443/callback", "https://app.example:8443"),
        ("com.example.app:/callback", "com.example.app:"),
    ],
)
def test_the_consent_page_may_send_its_answer_to_the_clients_redirect_uri(
    login, make_user, redirect_uri, source
):
    application = Application.objects.create(
        name="Moodle",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
    )
    query = {
        "client_id": application.client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }
    response = login(make_user("earner@example.org")).get(
        f"{reverse('connect:authorize')}?{urlencode(query)}"
    )
    assert response.status_code == 200 and b"authorizationForm" in response.content
    assert _directives(response["Content-Security-Policy"])["form-action"] == ["'self'", source]
    # Only there: other pages keep their forms on the site.
    assert _directives(login(None).get("/")["Content-Security-Policy"])["form-action"] == ["'self'"]
