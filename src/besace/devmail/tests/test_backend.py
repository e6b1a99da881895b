"""The development e-mail backend: console output plus one .eml file per message."""

import email
import email.policy

from django.core.mail import EmailMultiAlternatives, get_connection

BACKEND = "besace.devmail.backend.ConsoleAndFolderEmailBackend"


def test_it_prints_and_keeps_each_message_as_an_eml_file(settings, capsys):
    connection = get_connection(BACKEND)
    messages = []
    for n in range(2):
        message = EmailMultiAlternatives(
            f"Subject {n}", f"Text {n}", to=[f"p{n}@example.org"], connection=connection
        )
        message.attach_alternative(f"<p>HTML {n}</p>", "text/html")
        messages.append(message)
    assert connection.send_messages(messages) == 2
    files = sorted(settings.BESACE_DEV_MAIL_DIR.glob("*.eml"))
    assert len(files) == 2
    parsed = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert sorted(p["Subject"] for p in parsed) == ["Subject 0", "Subject 1"]
    assert (
        "<p>HTML 0</p>"
        in next(p for p in parsed if p["Subject"] == "Subject 0").get_body(("html",)).get_content()
    )
    assert "Subject: Subject 0" in capsys.readouterr().out


def test_it_creates_the_mail_folder(settings, tmp_path):
    settings.BESACE_DEV_MAIL_DIR = tmp_path / "not" / "there" / "yet"
    get_connection(BACKEND).send_messages([EmailMultiAlternatives("s", "t", to=["a@example.org"])])
    assert len(list(settings.BESACE_DEV_MAIL_DIR.glob("*.eml"))) == 1
