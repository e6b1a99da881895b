import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from besace.backpack.models import Visibility
from besace.backpack.organise import badge_visibility_set
from besace.core.audit import audit_entries_for
from besace.social import services
from besace.social.models import BadgeClassFollow, Member, Notification


@pytest.fixture
def following(follower, earner, hold, key, badge_class):
    """`follower` follows the badge class, which `earner` holds (privately, for now)."""
    entry = hold(earner, visibility=Visibility.PRIVATE)
    BadgeClassFollow.objects.create(
        user=follower, badge_class_key=key, achievement_id=badge_class.public_url, name=badge_class.name
    )
    mail.outbox.clear()
    return entry


def _unsubscribe_link(message) -> str:
    return re.search(r"http://testserver(/social/unsubscribe/\S+/)", message.body).group(1)


def test_a_comment_is_mailed_to_followers_but_not_its_author(
    django_capture_on_commit_callbacks, following, earner, follower, key
):
    services.badge_class_follow(user=earner, key=key)  # the author follows too

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_post(author=earner, key=key, text="Loved the *final* project")

    assert [message.to for message in mail.outbox] == [[follower.email]]
    message = mail.outbox[0]
    assert "commented on “Python”" in message.subject
    assert "Loved the *final* project" in message.body
    assert f"http://testserver/gallery/badges/{key}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert earner.email not in message.body  # names, never addresses


def test_a_new_public_recipient_is_mailed_once(
    django_capture_on_commit_callbacks, following, earner, follower
):
    with django_capture_on_commit_callbacks(execute=True):
        badge_visibility_set(entry=following, visibility=Visibility.PUBLIC, actor=earner)
    with django_capture_on_commit_callbacks(execute=True):
        badge_visibility_set(entry=following, visibility=Visibility.SIGNED_IN, actor=earner)
        badge_visibility_set(entry=following, visibility=Visibility.PUBLIC, actor=earner)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [follower.email]
    assert "now holds “Python”" in mail.outbox[0].subject
    assert f"/badges/{following.public_id}/" in mail.outbox[0].body


def test_a_badge_shown_to_signed_in_users_only_is_not_news(
    django_capture_on_commit_callbacks, following, earner
):
    with django_capture_on_commit_callbacks(execute=True):
        badge_visibility_set(entry=following, visibility=Visibility.SIGNED_IN, actor=earner)

    assert mail.outbox == []


def test_issuer_followers_hear_of_public_recipients(
    django_capture_on_commit_callbacks, make_user, issuer, hold
):
    fan = make_user("fan@example.org")
    services.issuer_follow(user=fan, issuer=issuer)
    earner = make_user("someone@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        hold(earner)

    news = [message for message in mail.outbox if "now holds" in message.subject]
    assert [message.to for message in news] == [[fan.email]]


def test_a_connection_request_is_mailed_in_the_recipients_language(
    django_capture_on_commit_callbacks, make_user
):
    alice = make_user("alice@example.org")
    alice.first_name = "Alice"
    alice.save()
    bob = make_user("bob@example.org")
    bob.language = "fr"
    bob.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.connection_request(requester=alice, addressee=bob)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [bob.email]
    assert message.extra_headers["Content-Language"] == "fr"
    assert "alice@example.org" in message.body
    assert "http://testserver/social/connections/" in message.body


def test_the_unsubscribe_link_works_without_login(
    client, django_capture_on_commit_callbacks, following, earner, follower, key
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_post(author=earner, key=key, text="First")
    link = _unsubscribe_link(mail.outbox[0])
    mail.outbox.clear()

    assert client.get(link).status_code == 200  # asks first: link checkers open links
    assert Member.objects.filter(user=follower).first() is None or (
        Member.objects.get(user=follower).email_notifications == "immediately"
    )
    response = client.post(link)  # no login, no CSRF token: the signature is the proof

    assert response.status_code == 200
    member = Member.objects.get(user=follower)
    assert member.email_notifications == "never"
    assert audit_entries_for(member).filter(action="social.unsubscribe").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_post(author=earner, key=key, text="Second")
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=follower).count() == 2  # still recorded, not mailed


def test_a_tampered_unsubscribe_link_is_refused(client, follower):
    from besace.social.notifications import unsubscribe_token

    token = unsubscribe_token(follower)

    response = client.post(reverse("social:unsubscribe", args=[token[:-2] + "xx"]))

    assert response.status_code == 400
    assert not Member.objects.filter(user=follower, email_notifications="never").exists()


def test_daily_digest(django_capture_on_commit_callbacks, login, following, earner, follower, key):
    login(follower).post(reverse("social:settings"), {"email_notifications": "daily"})
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_post(author=earner, key=key, text="One")
        services.comment_post(author=earner, key=key, text="Two")
    assert mail.outbox == []

    call_command("social_digest")

    assert len(mail.outbox) == 1
    assert "One" in mail.outbox[0].body and "Two" in mail.outbox[0].body
    call_command("social_digest")
    assert len(mail.outbox) == 1  # sent once


def test_a_badge_made_private_before_the_digest_is_left_out(
    django_capture_on_commit_callbacks, login, following, earner, follower
):
    login(follower).post(reverse("social:settings"), {"email_notifications": "daily"})
    with django_capture_on_commit_callbacks(execute=True):
        badge_visibility_set(entry=following, visibility=Visibility.PUBLIC, actor=earner)
    badge_visibility_set(entry=following, visibility=Visibility.PRIVATE, actor=earner)

    call_command("social_digest")

    assert mail.outbox == []
