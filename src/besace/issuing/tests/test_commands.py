"""The `besace issuers`, `besace badgeclasses` and `besace award` commands."""

import io

import pytest
from django.core.management import CommandError, call_command

from besace.core.audit import audit_entries_for
from besace.issuing import services
from besace.issuing.models import Assertion


def _run(*args, **options) -> list[str]:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue().splitlines()


def test_it_lists_issuers(issuer, outsider):
    other = services.issuer_create(
        owner=outsider, name="Autre école", url="https://a.example", email="a@a.example"
    )
    assert _run("issuers") == [f"{other.public_id}\tAutre école", f"{issuer.public_id}\tUniversité Test"]


def test_it_lists_badge_classes_of_all_issuers_or_of_one(badge_class, svg_badge_class, outsider):
    other_issuer = services.issuer_create(
        owner=outsider, name="Autre", url="https://a.example", email="a@a.example"
    )
    assert len(_run("badgeclasses")) == 2
    lines = _run("badgeclasses", badge_class.issuer.public_id)
    assert lines == [
        f"{badge_class.public_id}\tPython\tUniversité Test",
        f"{svg_badge_class.public_id}\tTeamwork\tUniversité Test",
    ]
    assert _run("badgeclasses", other_issuer.public_id) == []


def test_it_refuses_an_unknown_issuer(db):
    with pytest.raises(CommandError, match="No issuer with id nope"):
        _run("badgeclasses", "nope")


def test_it_awards_and_prints_the_public_assertion_url_last(
    badge_class, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lines = _run(
            "award",
            badge_class.public_id,
            "Earner@Example.org",
            "--name",
            "Ada",
            "--narrative",
            "Did it",
            "--evidence-url",
            "https://evidence.example/1",
        )
    assertion = Assertion.objects.get()
    assert lines[-1] == assertion.public_url
    assert (
        assertion.recipient_email,
        assertion.recipient_name,
        assertion.narrative,
        assertion.evidence_url,
    ) == ("earner@example.org", "Ada", "Did it", "https://evidence.example/1")
    assert assertion.awarded_by is None
    assert audit_entries_for(assertion).get().action == "assertion.awarded"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["earner@example.org"]


def test_it_writes_the_email_in_the_language_asked(
    badge_class, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _run("award", badge_class.public_id, "earner@example.org", "--language", "fr")
    assert mailoutbox[0].extra_headers["Content-Language"] == "fr"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "earner@example.org"], "No badge class with id nope"),
        (["BADGE", "not-an-address"], "Recipient's e-mail address: Enter a valid email address."),
        (["BADGE", "e@example.org", "--evidence-url", "ftp:/x"], "Evidence URL: Enter a valid URL."),
        (
            ["BADGE", "e@example.org", "--name", "n" * 300],
            "Recipient's name: Ensure this value has at most 200",
        ),
    ],
)
def test_it_refuses_bad_arguments_clearly_and_awards_nothing(badge_class, args, message, mailoutbox):
    args = [badge_class.public_id if arg == "BADGE" else arg for arg in args]
    with pytest.raises(CommandError, match=message):
        _run("award", *args)
    assert not Assertion.objects.exists() and mailoutbox == []


def test_it_refuses_an_unknown_language(badge_class):
    with pytest.raises(CommandError):
        _run("award", badge_class.public_id, "e@example.org", "--language", "xx")
