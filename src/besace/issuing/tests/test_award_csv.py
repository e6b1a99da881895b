"""Awarding from a CSV file: preview, then confirm; a faulty file awards nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from besace.issuing.models import Assertion
from besace.issuing.views import CSV_SESSION_KEY

GOOD_CSV = (
    "email,name,narrative,evidence_url\n"
    "ada@example.org,Ada Lovelace,First program,https://portfolio.example/ada\n"
    "Alan@Example.org,Alan Turing,,\n"
    "\n"
    'grace@example.org,Grace Hopper,"Compilers, and more",\n'
)


def _csv(content, name="awards.csv"):
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content, "text/csv")


@pytest.fixture
def preview(login, owner, badge_class):
    def upload(content, name="awards.csv", user=None):
        client = login(user or owner)
        return client.post(
            reverse("issuing:award_csv", args=[badge_class.public_id]), {"file": _csv(content, name)}
        )

    return upload


@pytest.fixture
def confirm(login, owner, badge_class, django_capture_on_commit_callbacks):
    def post(user=None):
        with django_capture_on_commit_callbacks(execute=True):
            return login(user or owner).post(
                reverse("issuing:award_csv", args=[badge_class.public_id]), {"confirm": "1"}
            )

    return post


def test_it_previews_every_row_and_creates_nothing_yet(preview, mailoutbox):
    response = preview(GOOD_CSV)
    assert response.status_code == 200
    parsed = response.context["parsed"]
    assert parsed.errors == []
    assert [(a.email, a.name) for a in parsed.awards] == [
        ("ada@example.org", "Ada Lovelace"),
        ("Alan@Example.org", "Alan Turing"),
        ("grace@example.org", "Grace Hopper"),
    ]
    page = response.content.decode()
    assert "3 awards are ready" in page and "Compilers, and more" in page and 'name="confirm"' in page
    assert not Assertion.objects.exists() and mailoutbox == []


@pytest.mark.parametrize("role", ["owner", "awarder"])
def test_it_awards_every_row_on_confirmation_with_one_email_each(
    request, preview, confirm, role, badge_class, mailoutbox
):
    user = request.getfixturevalue(role)
    preview(GOOD_CSV, user=user)
    response = confirm(user)
    assert response.status_code == 302
    assert sorted(Assertion.objects.values_list("recipient_email", flat=True)) == [
        "ada@example.org",
        "alan@example.org",
        "grace@example.org",
    ]
    ada = Assertion.objects.get(recipient_email="ada@example.org")
    assert (ada.narrative, ada.evidence_url, ada.awarded_by) == (
        "First program",
        "https://portfolio.example/ada",
        user,
    )
    assert sorted(m.to[0] for m in mailoutbox) == ["ada@example.org", "alan@example.org", "grace@example.org"]


def test_it_awards_a_preview_only_once(preview, confirm):
    preview(GOOD_CSV)
    confirm()
    response = confirm()
    assert Assertion.objects.count() == 3
    assert response.status_code == 302


CP1252_EXCEL = "email;name;narrative\r\nzoe@example.org;Zoé Lefèvre;Réussite à l'épreuve\r\n".encode("cp1252")


def test_it_reads_a_semicolon_separated_french_excel_export_in_cp1252(preview, confirm):
    parsed = preview(CP1252_EXCEL).context["parsed"]
    assert parsed.errors == []
    confirm()
    zoe = Assertion.objects.get()
    assert (zoe.recipient_name, zoe.narrative) == ("Zoé Lefèvre", "Réussite à l'épreuve")


def test_it_reads_utf8_with_a_byte_order_mark(preview):
    parsed = preview("\ufeffemail,name\nzoe@example.org,Zoé\n".encode()).context["parsed"]
    assert parsed.errors == [] and parsed.awards[0].name == "Zoé"


@pytest.mark.parametrize(
    ("content", "expected_error"),
    [
        ("name,narrative\nAda,x\n", "Line 1: the header must name an “email” column"),
        (
            "email,name\nada@example.org,Ada\nnot-an-address,Bob\n",
            "Line 3: Recipient's e-mail address: Enter a valid",
        ),
        (
            "email,name\nada@example.org,Ada\nbob@example.org,Bob,extra\n",
            "Line 3: expected 2 columns, found 3.",
        ),
        ("email,name\nada@example.org\n", "Line 2: expected 2 columns, found 1."),
        (
            "email\nada@example.org\nbob@example.org\nADA@example.org\n",
            "Line 4: ada@example.org is already on line 2.",
        ),
        (
            "email,evidence_url\nada@example.org,notaurl with spaces\n",
            "Line 2: Evidence URL: Enter a valid URL.",
        ),
        (
            "email,evidence_url\nada@example.org,javascript:alert(1)\n",
            "Line 2: Evidence URL: Enter a valid URL.",
        ),
        ("   \n\n", "The file is empty."),
        ("email,name\n", "The file has no award rows under its header."),
        ("email,name,grade\nada@example.org,Ada,A\n", "Line 1: unknown column(s): grade."),
        ("email,name,email\nada@example.org,Ada,b@example.org\n", "Line 1: repeated column(s): email."),
        ('email,name\nada@example.org,"Ada\n', "Line 2: unexpected end of data"),
        (
            "email,name\nada@example.org,Ada\x00\n",
            "Line 2: Recipient's name: Null characters are not allowed.",
        ),
    ],
    ids=[
        "no-email-column",
        "bad-email",
        "too-many-columns",
        "too-few-columns",
        "duplicate",
        "bad-url",
        "script-url",
        "blank",
        "header-only",
        "unknown-column",
        "repeated-column",
        "open-quote",
        "nul",
    ],
)
def test_it_reports_a_faulty_file_by_line_and_awards_nothing(
    preview, confirm, content, expected_error, mailoutbox
):
    response = preview(content)
    assert response.status_code == 200
    errors = response.context["parsed"].errors
    assert any(error.startswith(expected_error) for error in errors), errors
    page = response.content.decode()
    assert "Nothing was awarded" in page and 'name="confirm"' not in page
    confirm()
    assert not Assertion.objects.exists() and mailoutbox == []


def test_it_refuses_an_empty_file(preview, confirm):
    response = preview("")
    assert response.context["form"].errors["file"] == ["The submitted file is empty."]
    confirm()
    assert not Assertion.objects.exists()


def test_it_reports_every_faulty_line_at_once(preview):
    errors = preview("email\nok@example.org\nbad1\nok2@example.org\nbad2\n").context["parsed"].errors
    assert [e.split(":")[0] for e in errors] == ["Line 3", "Line 5"]


def test_it_refuses_a_file_over_the_size_limit(preview, confirm, settings):
    settings.BESACE_MAX_CSV_BYTES = 1024
    response = preview("email\n" + "someone@example.org\n" * 100)
    assert "The file is too large" in response.context["form"].errors["file"][0]
    confirm()
    assert not Assertion.objects.exists()


def test_it_forgets_a_good_preview_once_another_file_is_uploaded(preview, confirm):
    preview(GOOD_CSV)
    preview("email\nnot-an-address\n")
    confirm()
    assert not Assertion.objects.exists()


def test_it_checks_the_file_again_on_confirmation(login, owner, badge_class, confirm, mailoutbox):
    # A session altered between preview and confirmation (or a parser change) must not award bad rows.
    client = login(owner)
    session = client.session
    session[CSV_SESSION_KEY] = {
        "badge_class": badge_class.public_id,
        "text": "email\nok@example.org\nnot-an-address\n",
    }
    session.save()
    response = confirm()
    assert response.status_code == 200
    assert "Line 3" in response.content.decode()
    assert not Assertion.objects.exists() and mailoutbox == []


@pytest.mark.parametrize(
    "stored",
    [
        None,
        {"badge_class": "another-badge", "text": "email\nok@example.org\n"},
        {"badge_class": "BADGE", "text": None},
        "garbage",
    ],
)
def test_it_refuses_a_confirmation_without_a_matching_preview(login, owner, badge_class, confirm, stored):
    client = login(owner)
    if stored is not None:
        session = client.session
        if isinstance(stored, dict) and stored["badge_class"] == "BADGE":
            stored = {**stored, "badge_class": badge_class.public_id}
        session[CSV_SESSION_KEY] = stored
        session.save()
    response = confirm()
    assert response.status_code == 302
    assert not Assertion.objects.exists()


def test_it_limits_the_number_of_rows(preview, monkeypatch):
    monkeypatch.setattr("besace.issuing.csv_awards.MAX_ROWS", 2)
    errors = preview("email\na@example.org\nb@example.org\nc@example.org\n").context["parsed"].errors
    assert errors == ["Too many rows: at most 2 awards per file."]
