from django.urls import reverse

from besace.backpack.models import Visibility
from besace.backpack.organise import badge_visibility_set
from besace.social import services
from besace.social.models import Activity, BadgeClassFollow


def _follow(user, key, badge_class):
    BadgeClassFollow.objects.create(
        user=user, badge_class_key=key, achievement_id=badge_class.public_url, name=badge_class.name
    )


def _home(login, user) -> str:
    return login(user).get(reverse("backpack:home")).content.decode()


def test_followers_see_new_public_recipients(login, follower, earner, hold, key, badge_class):
    _follow(follower, key, badge_class)
    entry = hold(earner)

    html = _home(login, follower)

    assert "now holds “Python”" in html
    assert reverse("share:badge", args=[entry.public_id]) in html


def test_a_private_badge_never_shows(client, login, follower, earner, hold, key, badge_class):
    _follow(follower, key, badge_class)
    services.connection_accept(
        connection=services.connection_request(requester=follower, addressee=earner), user=earner
    )
    entry = hold(earner, visibility=Visibility.PRIVATE)
    assert not Activity.objects.filter(kind="public_recipient").exists()
    assert entry.public_id not in _home(login, follower)

    badge_visibility_set(entry=entry, visibility=Visibility.PUBLIC, actor=earner)
    assert entry.public_id in _home(login, follower)

    # Made private again: gone from the stream at once, though what happened is still recorded.
    badge_visibility_set(entry=entry, visibility=Visibility.PRIVATE, actor=earner)
    assert entry.public_id not in _home(login, follower)
    assert Activity.objects.filter(kind="public_recipient", entry=entry).exists()

    # Revoked by its issuer: gone as well.
    badge_visibility_set(entry=entry, visibility=Visibility.PUBLIC, actor=earner)
    from besace.issuing.services import assertion_revoke

    assertion_revoke(
        assertion=entry.assertion, reason="Mistake", actor=badge_class.issuer.memberships.first().user
    )
    assert entry.public_id not in _home(login, follower)


def test_connections_activity_shows(login, follower, earner, make_user):
    friend = make_user("friend@example.org")
    friend.first_name = "Frida"
    friend.save()
    services.connection_accept(
        connection=services.connection_request(requester=friend, addressee=follower), user=follower
    )
    services.connection_accept(
        connection=services.connection_request(requester=earner, addressee=friend), user=friend
    )

    html = _home(login, follower)

    assert "are now connected" in html and "Frida" in html


def test_issuer_followers_see_new_badge_classes(login, follower, issuer, owner):
    from django.core.files.base import ContentFile

    from besace.demo.images import badge_png
    from besace.issuing.services import badge_class_create

    services.issuer_follow(user=follower, issuer=issuer)
    badge_class_create(
        issuer=issuer, actor=owner, name="Rust", description="Writes Rust.",
        image=ContentFile(badge_png(), name="rust.png"), criteria_text="Ship it.",
    )  # fmt: skip

    assert "Université Test created the badge “Rust”." in _home(login, follower)


def test_hidden_comments_leave_the_stream(login, follower, earner, hold, key, badge_class, make_user):
    _follow(follower, key, badge_class)
    hold(earner, visibility=Visibility.PRIVATE)
    comment = services.comment_post(author=earner, key=key, text="Visible for now")
    assert "commented on “Python”" in _home(login, follower)
    staff = make_user("staff@example.org")
    staff.is_staff = True
    staff.save()

    services.comment_hidden_set(comment=comment, moderator=staff, hidden=True)

    assert "commented on" not in _home(login, follower)


def test_the_stream_query_count(
    login, follower, make_user, hold, key, badge_class, django_assert_max_num_queries
):
    _follow(follower, key, badge_class)
    for number in range(12):
        holder = make_user(f"holder{number}@example.org")
        hold(holder)
        services.comment_post(author=holder, key=key, text=f"Comment {number}")
        services.connection_accept(
            connection=services.connection_request(requester=holder, addressee=follower), user=follower
        )
    client = login(follower)
    client.get(reverse("backpack:home"))

    with django_assert_max_num_queries(10):
        html = client.get(reverse("backpack:home")).content.decode()

    assert html.count("commented on “Python”") == 12


def test_earners_are_named_only_as_they_chose(login, follower, earner, hold, key, badge_class, make_user):
    from besace.backpack.models import EarnerName
    from besace.backpack.sharing import badge_earner_name_set

    earner.first_name, earner.last_name = "Eve", "Earner"
    earner.save()
    _follow(follower, key, badge_class)
    friend = make_user("friend@example.org")
    services.connection_accept(
        connection=services.connection_request(requester=friend, addressee=earner), user=earner
    )
    entry = hold(earner)  # the earner's name is hidden unless they choose otherwise

    assert "Someone now holds “Python”." in _home(login, follower)
    assert "Eve" not in _home(login, follower)
    assert entry.public_id not in _home(login, friend)  # telling connections would name the earner

    badge_earner_name_set(entry=entry, choice=EarnerName.SHOWN, actor=earner)

    assert "Eve Earner now holds “Python”." in _home(login, follower)
    assert "Eve Earner now holds “Python”." in _home(login, friend)
