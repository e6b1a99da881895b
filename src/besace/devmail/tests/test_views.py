"""/dev/mail/: the inbox of e-mails Besace would have sent, and each message as HTML or text."""

import re

import pytest
from django.urls import reverse

from besace.issuing.models import Assertion


@pytest.fixture(autouse=True)
def _dev_mail(settings):
    settings.ROOT_URLCONF = "besace.devmail.tests.urls"
    settings.EMAIL_BACKEND = "besace.devmail.backend.ConsoleAndFolderEmailBackend"


@pytest.fixture
def awarded(award, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return award("earner@example.org", name="Ada")


def test_it_is_not_served_without_debug(client, db, settings):
    settings.ROOT_URLCONF = "besace.urls"  # as imported with DEBUG off, the tests' setting
    assert client.get("/dev/mail/").status_code == 404


def test_it_lists_the_messages_sent(client, awarded, badge_class):
    page = client.get(reverse("devmail:inbox")).content.decode()
    assert "earner@example.org" in page and badge_class.name in page
    (message_id,) = re.findall(r'href="/dev/mail/([^/"]+)/"', page)
    assert reverse("devmail:message", args=[message_id]) in page


def test_it_shows_a_message_as_html_with_its_claim_link(client, awarded):
    page = client.get(reverse("devmail:inbox")).content.decode()
    (message_id,) = re.findall(r'href="/dev/mail/([^/"]+)/"', page)
    response = client.get(reverse("devmail:message", args=[message_id]))
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    (claim_link,) = set(re.findall(r'href="(http://testserver/claim/[^"]+/)"', html))
    assert "Get my badge" in html
    claim_page = client.get(claim_link.removeprefix("http://testserver"))
    assert claim_page.status_code == 200 and claim_page.context["assertion"] == Assertion.objects.get()


def test_it_shows_a_message_as_text(client, awarded):
    (message_id,) = re.findall(
        r'href="/dev/mail/([^/"]+)/"', client.get(reverse("devmail:inbox")).content.decode()
    )
    response = client.get(reverse("devmail:message", args=[message_id]) + "?format=text")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Hello Ada," in response.content.decode()


def test_it_answers_404_for_an_unknown_message(client, awarded):
    assert client.get(reverse("devmail:message", args=["nope"])).status_code == 404
    assert client.get("/dev/mail/..%2F..%2Fsecret/").status_code == 404


def test_it_says_when_there_is_no_mail_yet(client, db):
    assert "No e-mail yet." in client.get(reverse("devmail:inbox")).content.decode()
