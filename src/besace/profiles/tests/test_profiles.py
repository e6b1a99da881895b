"""Profiles: who sees them (public_profile_url, the page), what they show, and their settings page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from besace import access
from besace.backpack.models import Collection
from besace.core.audit import audit_entries_for
from besace.profiles.models import Profile
from besace.profiles.selectors import public_profile_url
from besace.profiles.services import profile_for

SEES = {
    # profile visibility: (anonymous, another signed-in user, the owner)
    "private": (False, False, True),
    "signed_in": (False, True, True),
    "public": (True, True, True),
}


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", SEES)
def test_public_profile_url_and_the_page_follow_the_visibility(client, login, earner, outsider, visibility):
    profile = profile_for(earner)
    profile.visibility = visibility
    profile.save()
    path = reverse("profiles:detail", kwargs={"slug": profile.slug})
    for viewer, expected in zip((AnonymousUser(), outsider, earner), SEES[visibility], strict=True):
        assert public_profile_url(earner, viewer) == (path if expected else None)
        assert access.profile_visible_to(viewer, profile) is expected
        assert (profile in access.profiles_visible_to(viewer)) is expected
        client.logout()
        login(viewer if viewer.is_authenticated else None)
        assert client.get(path).status_code == (200 if expected else 404)
    assert public_profile_url(earner) == (path if SEES[visibility][0] else None)  # viewer None: anonymous


@pytest.mark.django_db
def test_without_a_profile_there_is_no_profile_url(earner, outsider):
    assert public_profile_url(earner, outsider) is None
    assert public_profile_url(earner, earner) is None
    assert not Profile.objects.exists()  # reading does not create one


@pytest.mark.django_db
def test_profile_for_creates_one_private_profile_with_a_slug_from_the_name(earner, make_user):
    profile = profile_for(earner)
    assert (profile.slug, profile.visibility, profile.name) == ("amelie-poulain", "private", "Amélie Poulain")
    assert profile_for(earner) == profile
    namesake = make_user("namesake@example.org")
    namesake.first_name, namesake.last_name = "Amélie", "Poulain"
    namesake.save()
    assert profile_for(namesake).slug.startswith("amelie-poulain-")
    nameless = profile_for(make_user("nameless@example.org"))
    assert nameless.slug == "member" and "nameless" not in nameless.name  # never the e-mail address


@pytest.mark.django_db
@pytest.mark.parametrize("as_other_user", [False, True], ids=["anonymous", "signed-in"])
def test_profile_page_shows_only_what_the_viewer_may_see(
    client, login, kept, earner, outsider, as_other_user, django_assert_max_num_queries
):
    profile = profile_for(earner)
    profile.visibility, profile.city, profile.country = "public", "Lyon", "FR"
    profile.bio = "Hello <script>alert(1)</script> **world**"
    profile.save()
    public, signed_in, private = kept("public"), kept("signed_in"), kept("private")
    for name, visibility in (("Open", "public"), ("Members", "signed_in"), ("Mine", "private")):
        Collection.objects.create(owner=earner, name=f"{name} collection", visibility=visibility)
    login(outsider if as_other_user else None)
    # Profile, badges, collections, pages; plus the session, account and consent of a signed-in viewer.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("profiles:detail", kwargs={"slug": profile.slug})).content.decode()
    assert "Amélie Poulain" in page and "Lyon, France" in page
    assert "<strong>world</strong>" in page and "<script>" not in page
    assert reverse("share:badge", args=[public.public_id]) in page
    assert (reverse("share:badge", args=[signed_in.public_id]) in page) is as_other_user
    assert reverse("share:badge", args=[private.public_id]) not in page
    assert "Open collection" in page and ("Members collection" in page) is as_other_user
    assert "Mine collection" not in page
    assert "earner@example.org" not in page


@pytest.mark.django_db
def test_fields_the_earner_chooses_not_to_show_are_not_shown(client, kept, earner):
    profile = profile_for(earner)
    profile.visibility, profile.city, profile.country = "public", "Lyon", "FR"
    profile.show_location = profile.show_badges = False
    profile.save()
    public = kept("public")
    page = client.get(reverse("profiles:detail", kwargs={"slug": profile.slug})).content.decode()
    assert "Lyon" not in page and "France" not in page
    assert public.public_id not in page


@pytest.mark.django_db
def test_settings_page_saves_the_profile_and_audits_it(client, login, earner, outsider):
    assert client.get(reverse("profiles:settings")).status_code == 302  # to the login page
    login(earner)
    assert client.get(reverse("profiles:settings")).status_code == 200
    response = client.post(
        reverse("profiles:settings"),
        {
            "visibility": "public",
            "slug": "amelie",
            "display_name": "Amélie P.",
            "bio": "Gardener.",
            "website": "amelie.example",
            "city": "Lyon",
            "country": "FR",
            "show_location": "on",
            "show_on_map": "on",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=earner)
    assert (profile.slug, profile.name, profile.website, str(profile.country)) == (
        "amelie",
        "Amélie P.",
        "https://amelie.example",
        "FR",
    )
    assert profile.on_map and not profile.show_badges
    entry = audit_entries_for(profile).get()
    assert entry.action == "profile.updated" and "visibility" in entry.data["fields"]
    assert public_profile_url(earner, None) == "/people/amelie/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("slug", "me"), ("slug", "not a slug"), ("country", "XX"), ("visibility", "everyone")],
)
def test_settings_page_refuses_bad_values(client, login, earner, field, value):
    login(earner)
    data = {"visibility": "public", "slug": "amelie", field: value}
    response = client.post(reverse("profiles:settings"), data)
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert Profile.objects.get(user=earner).visibility == "private"


@pytest.mark.django_db
def test_the_slug_of_another_profile_is_refused(client, login, earner, outsider):
    other = profile_for(outsider)
    login(earner)
    response = client.post(reverse("profiles:settings"), {"visibility": "public", "slug": other.slug})
    assert response.status_code == 200
    assert Profile.objects.get(user=earner).slug != other.slug


@pytest.mark.django_db
def test_the_account_page_links_to_the_profile_settings(client, login, earner):
    login(earner)
    assert reverse("profiles:settings") in client.get(reverse("account_email")).content.decode()
