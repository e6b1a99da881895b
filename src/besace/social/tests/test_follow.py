from django.urls import reverse

from besace.backpack.models import Visibility
from besace.core.audit import audit_entries_for
from besace.social.models import BadgeClassFollow, IssuerFollow


def test_it_follows_and_unfollows_a_public_badge_class(login, follower, earner, hold, key, badge_class):
    hold(earner)  # public: the class is in the gallery
    client = login(follower)

    response = client.post(reverse("social:badge_class_follow", args=[key]))

    assert response.status_code == 302
    assert response["Location"] == reverse("gallery:badge_class", kwargs={"key": key})
    follow = BadgeClassFollow.objects.get(user=follower, badge_class_key=key)
    assert follow.achievement_id == badge_class.public_url
    assert follow.name == "Python"
    assert audit_entries_for(follow).filter(action="social.badge_class.follow").exists()

    client.post(reverse("social:badge_class_follow", args=[key]))  # twice: still one follow
    assert BadgeClassFollow.objects.filter(user=follower).count() == 1

    client.post(reverse("social:badge_class_unfollow", args=[key]))
    assert not BadgeClassFollow.objects.filter(user=follower).exists()


def test_it_refuses_an_unknown_badge_class(login, follower, earner, hold, key):
    hold(earner, visibility=Visibility.PRIVATE)  # in nobody's gallery; the follower does not hold it

    login(follower).post(reverse("social:badge_class_follow", args=[key]))

    assert not BadgeClassFollow.objects.exists()


def test_a_holder_follows_their_own_private_badge_class(login, earner, hold, key):
    hold(earner, visibility=Visibility.PRIVATE)

    login(earner).post(reverse("social:badge_class_follow", args=[key]))

    assert BadgeClassFollow.objects.filter(user=earner, badge_class_key=key).exists()


def test_following_needs_an_account(client, earner, hold, key):
    hold(earner)

    response = client.post(reverse("social:badge_class_follow", args=[key]))

    assert response.status_code == 302 and "login" in response["Location"]
    assert not BadgeClassFollow.objects.exists()


def test_it_follows_an_issuer(login, follower, issuer):
    client = login(follower)

    client.post(reverse("social:issuer_follow", args=[issuer.public_id]))
    assert IssuerFollow.objects.filter(user=follower, issuer=issuer).exists()
    page = client.get(reverse("social:following"))
    assert issuer.name in page.content.decode()

    client.post(reverse("social:issuer_unfollow", args=[issuer.public_id]))
    assert not IssuerFollow.objects.exists()


def test_following_page_query_count(login, follower, make_user, owner, django_assert_max_num_queries):
    from besace.issuing import services as issuing

    for number in range(8):
        other = issuing.issuer_create(
            owner=owner, name=f"Issuer {number}", url="https://example.org", email="b@example.org"
        )
        IssuerFollow.objects.create(user=follower, issuer=other)
        BadgeClassFollow.objects.create(
            user=follower,
            badge_class_key=f"{number:024d}",
            achievement_id=f"urn:x:{number}",
            name=f"B{number}",
        )
    client = login(follower)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("social:following"))
    assert response.status_code == 200


def test_the_gallery_page_shows_the_follow_button_and_comments(client, login, follower, earner, hold, key):
    from besace.social.services import comment_post

    hold(earner)
    comment_post(author=earner, key=key, text="A *fine* badge")
    page = reverse("gallery:badge_class", kwargs={"key": key})

    anonymous = client.get(page).content.decode()
    assert "A <em>fine</em> badge" in anonymous and "to follow this badge" in anonymous

    client = login(follower)
    assert "Follow this badge" in client.get(page).content.decode()
    client.post(reverse("social:badge_class_follow", args=[key]))
    assert "Unfollow" in client.get(page).content.decode()
