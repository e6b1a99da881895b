"""Every notification e-mail, and the daily digest, is written in its recipient's language, all of it."""

import pytest
from django.core import mail

from besace.backpack.models import Visibility
from besace.backpack.organise import badge_visibility_set
from besace.gallery.keys import badge_class_key
from besace.social import selectors, services
from besace.social.models import BadgeClassFollow, Member
from besace.social.notifications import daily_digests_send
from besace.testing.i18n import email_texts, english_left


@pytest.fixture
def readers(make_user, badge_class):
    """Two followers of the badge class, one reading French and one English."""
    readers = {}
    for language in ("fr", "en"):
        reader = make_user(f"{language}@example.org")
        reader.first_name, reader.language = "Dominique", language
        reader.save()
        BadgeClassFollow.objects.create(
            user=reader,
            badge_class_key=badge_class_key(badge_class.public_url),
            achievement_id=badge_class.public_url,
            name=badge_class.name,
        )
        readers[language] = reader
    return readers


def _mail_by_language(readers) -> dict[str, list]:
    by_language = {
        language: [m for m in mail.outbox if m.to == [reader.email]] for language, reader in readers.items()
    }
    mail.outbox.clear()
    assert len(by_language["fr"]) == len(by_language["en"]) == 1
    return {language: messages[0] for language, messages in by_language.items()}


def _assert_all_french(messages: dict) -> None:
    assert messages["fr"].extra_headers["Content-Language"] == "fr"
    assert messages["en"].extra_headers["Content-Language"] == "en"
    for french, english in zip(email_texts(messages["fr"]), email_texts(messages["en"]), strict=True):
        assert english_left(french=french, english=english) == []
        assert french != english


def test_each_notification_email_is_all_french_for_a_french_reader(
    django_capture_on_commit_callbacks, readers, earner, hold, key
):
    entry = hold(earner, visibility=Visibility.PRIVATE)
    mail.outbox.clear()
    steps = {
        "a new public holder": lambda: badge_visibility_set(
            entry=entry, visibility=Visibility.PUBLIC, actor=earner
        ),
        "a comment": lambda: services.comment_post(author=earner, key=key, text="Well done, everyone"),
        "a connection request": lambda: [
            services.connection_request(requester=earner, addressee=reader) for reader in readers.values()
        ],
        "an endorsement request": lambda: services.endorsement_request(
            entry=entry, user=earner, endorsers=list(readers.values())
        ),
    }
    for step, make_news in steps.items():
        with django_capture_on_commit_callbacks(execute=True):
            make_news()
            if step == "a connection request":
                for reader in readers.values():
                    connection = selectors.connection_between(earner, reader)
                    services.connection_accept(connection=connection, user=reader)
        _assert_all_french(_mail_by_language(readers))


def test_the_daily_digest_is_all_french_for_a_french_reader(
    django_capture_on_commit_callbacks, readers, earner, hold, key
):
    for reader in readers.values():
        Member.objects.update_or_create(
            user=reader, defaults={"email_notifications": Member.EmailNotifications.DAILY}
        )
    with django_capture_on_commit_callbacks(execute=True):
        hold(earner, visibility=Visibility.PUBLIC)
        services.comment_post(author=earner, key=key, text="Well done, everyone")
    mail.outbox.clear()

    assert daily_digests_send() == 2

    messages = _mail_by_language(readers)
    _assert_all_french(messages)
    assert messages["fr"].subject == "Votre actualité Besace"
