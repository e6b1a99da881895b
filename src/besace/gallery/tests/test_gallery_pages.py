"""The gallery's tabs and badge class page, as anonymous visitors and signed-in users see them."""

import re

import pytest
from django.urls import reverse

from besace.backpack.models import BackpackBadge
from besace.gallery.keys import achievement_id, badge_class_key
from besace.gallery.models import GalleryBadgeClass
from besace.issuing import services as issuing_services


def _card_names(response) -> list[str]:
    return re.findall(
        r'<li class="card"><a href="/gallery/badges/[0-9a-f]+/">.*?<strong>(.*?)</strong>',
        response.content.decode(),
        re.S,
    )


@pytest.fixture
def catalogue(issuer, owner, badge_class):
    """Three more badge classes of the issuer, with names, descriptions and tags to search."""
    from django.core.files.base import ContentFile

    from besace.demo.images import badge_png

    def make(name, description="", tags=()):
        return issuing_services.badge_class_create(
            issuer=issuer,
            actor=owner,
            name=name,
            description=description or f"About {name}.",
            image=ContentFile(badge_png(), name="b.png"),
            criteria_text="Do it.",
            tags=list(tags),
        )

    return {
        "python": badge_class,
        "gardening": make("Jardinage écologique", "Cultive un potager sans pesticides.", ["nature"]),
        "welding": make("Soudure", "Assemble des pièces métalliques.", ["atelier", "metal"]),
    }


@pytest.fixture
def earners(make_user, public_profile):
    """Three earners: Zoé in France (public profile, on the map), Karl in Germany, Ana hidden."""
    people = {}
    for key, (first, last, country, city) in {
        "zoe": ("Zoé", "Martin", "FR", "Lyon"),
        "karl": ("Karl", "Weber", "DE", "Berlin"),
        "ana": ("Ana", "Silva", "", ""),
    }.items():
        user = make_user(f"{key}@example.org")
        user.first_name, user.last_name = first, last
        user.save()
        if country:
            public_profile(user, country=country, city=city, show_on_map=True)
        people[key] = user
    return people


@pytest.fixture
def holding(award, catalogue, earners):
    """earner key, badge key, visibility, earner_name -> the accepted backpack badge."""
    from besace.backpack import services as backpack_services

    def hold(person, badge, visibility="public", earner_name="shown"):
        user = earners[person]
        assertion = award(user.email, badge_class=catalogue[badge])
        entry = backpack_services.assertion_accept(assertion=assertion, user=user)
        entry.visibility, entry.earner_name = visibility, earner_name
        entry.save()
        return entry

    return hold


@pytest.fixture
def seeded(holding):
    return {
        "zoe_python": holding("zoe", "python"),
        "zoe_gardening": holding("zoe", "gardening"),
        "karl_python": holding("karl", "python", earner_name="linked"),
        "karl_welding_private": holding("karl", "welding", visibility="private"),
        "ana_welding_signed_in": holding("ana", "welding", visibility="signed_in"),
        "ana_python_hidden_name": holding("ana", "python", earner_name="hidden"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("as_user", [False, True], ids=["anonymous", "signed-in"])
def test_badges_tab_lists_public_badge_classes_only(client, login, seeded, earners, as_user):
    login(earners["ana"] if as_user else None)
    response = client.get(reverse("gallery:badges"))
    assert response.status_code == 200
    # Soudure is held privately by Karl and signed-in-only by Ana: in no one's gallery.
    assert sorted(_card_names(response)) == ["Jardinage écologique", "Python"]
    assert "3 public recipients" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"keywords": "potager"}, ["Jardinage écologique"]),
        ({"keywords": "ECOLOG"}, ["Jardinage écologique"]),  # prefix, any case, without accents
        ({"keywords": "writes python"}, ["Python"]),
        ({"keywords": "soudure"}, []),  # only private / signed-in holders
        ({"name": "jardinage"}, ["Jardinage écologique"]),
        ({"name": "potager"}, []),  # in the description, not the name
        ({"issuer": "universite"}, ["Jardinage écologique", "Python"]),
        ({"issuer": "elsewhere"}, []),
        ({"recipient": "karl"}, ["Python"]),
        ({"recipient": "zoe martin"}, ["Jardinage écologique", "Python"]),
        ({"recipient": "ana"}, []),  # Ana hides her name on her public badge
        ({"country": "DE"}, ["Python"]),
        ({"country": "FR"}, ["Jardinage écologique", "Python"]),
        ({"country": "BR"}, []),
        ({"tag": "Nature"}, ["Jardinage écologique"]),
        ({"tag": "atelier"}, []),
        ({"country": "DE", "keywords": "jardinage"}, []),
        ({"country": "ZZ"}, ["Jardinage écologique", "Python"]),  # an unknown country is ignored
    ],
)
def test_search_by_each_criterion(client, seeded, criteria, expected):
    response = client.get(reverse("gallery:badges"), {**criteria, "sort": "name"})
    assert response.status_code == 200
    assert _card_names(response) == expected


@pytest.mark.django_db
def test_sorting(client, seeded, imported):
    other_issuer = imported("private")
    other_issuer.normalised = {
        "achievement": {"id": "urn:z", "name": "Zythologie"},
        "issuer": {"name": "Abbaye"},
    }
    other_issuer.visibility = "public"
    other_issuer.save()
    GalleryBadgeClass.objects.exclude(name="Jardinage écologique").update(updated_at="2020-01-01T00:00:00Z")
    GalleryBadgeClass.objects.filter(name="Zythologie").update(updated_at="2019-01-01T00:00:00Z")

    def order(sort):
        return _card_names(client.get(reverse("gallery:badges"), {"sort": sort}))

    assert order("name") == ["Jardinage écologique", "Python", "Zythologie"]
    assert order("recipients")[0] == "Python"  # 3 people, then 1 each
    assert order("updated") == ["Jardinage écologique", "Python", "Zythologie"]
    assert order("issuer") == ["Zythologie", "Jardinage écologique", "Python"]  # Abbaye, then Université
    assert order("nonsense") == order("updated")


@pytest.mark.django_db
def test_pagination_and_query_count(client, imported, make_user, django_assert_max_num_queries):
    owner = make_user("collector@example.org")
    for number in range(30):
        entry = imported("private", owner=owner)
        entry.normalised = {
            "achievement": {"id": f"urn:badge:{number}", "name": f"Badge {number:02}"},
            "issuer": {"name": "Elsewhere"},
        }
        entry.visibility = "public"
        entry.save()
    with django_assert_max_num_queries(6):
        first = client.get(reverse("gallery:badges"), {"sort": "name"})
    assert _card_names(first) == [f"Badge {n:02}" for n in range(24)]
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("gallery:badges"), {"sort": "name", "page": 2})
    assert _card_names(second) == [f"Badge {n:02}" for n in range(24, 30)]
    assert client.get(reverse("gallery:badges"), {"page": "x"}).status_code == 200


@pytest.mark.django_db
def test_badge_class_page_lists_every_named_public_recipient_and_counts_the_others(
    client, seeded, earners, django_assert_max_num_queries
):
    key = badge_class_key(achievement_id(seeded["zoe_python"]))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("gallery:badge_class", kwargs={"key": key}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Writes Python." in page and "<strong>final</strong>" in page  # description, Markdown criteria
    assert "ESCO" in page and "Université Test" in page  # competence, issuer
    assert "Zoé Martin" in page
    karl_profile = reverse("profiles:detail", kwargs={"slug": earners["karl"].profile.slug})
    assert f'<a href="{karl_profile}">Karl Weber</a>' in page  # linked to his public profile, as chosen
    assert "Ana" not in page and "Silva" not in page
    assert "and 1 other recipient who does not show their name." in page
    assert reverse("share:badge", args=[seeded["zoe_python"].public_id]) in page
    assert reverse("share:badge", args=[seeded["ana_python_hidden_name"].public_id]) not in page
    assert 'id="follow"' in page and 'id="comments"' in page  # besace.social's block


@pytest.mark.django_db
def test_an_earners_badge_page_links_to_all_its_recipients_once_someone_shows_it(client, seeded, earners):
    """Even a private holder finds who else holds the badge; no link while the gallery has no page for it."""
    ana_python, karl_welding = seeded["ana_python_hidden_name"], seeded["karl_welding_private"]
    gallery_page = reverse("gallery:badge_class", kwargs={"key": badge_class_key(achievement_id(ana_python))})
    client.force_login(earners["ana"])
    badge_page = client.get(reverse("backpack:badge", args=[ana_python.public_id])).content.decode()
    assert f'<a href="{gallery_page}">See all recipients of this badge</a>' in badge_page
    client.force_login(earners["karl"])
    private_only = client.get(reverse("backpack:badge", args=[karl_welding.public_id])).content.decode()
    assert "See all recipients of this badge" not in private_only


@pytest.mark.django_db
def test_badge_class_page_of_a_badge_nobody_made_public_is_not_found(client, seeded):
    key = badge_class_key(achievement_id(seeded["karl_welding_private"]))
    assert client.get(reverse("gallery:badge_class", kwargs={"key": key})).status_code == 404
    assert client.get(reverse("gallery:badge_class", kwargs={"key": "nothing"})).status_code == 404


@pytest.mark.django_db
def test_profiles_tab_lists_and_searches_public_profiles_only(
    client, seeded, earners, make_user, public_profile, django_assert_max_num_queries
):
    hidden = make_user("hidden@example.org")
    public_profile(hidden, display_name="Secret Agent", visibility="signed_in")
    pseudonym = make_user("pseudo@example.org")
    pseudonym.first_name = "Realname"
    pseudonym.save()
    public_profile(pseudonym, display_name="Masked")
    with django_assert_max_num_queries(5):
        page = client.get(reverse("gallery:profiles")).content.decode()
    assert "Zoé Martin" in page and "Karl Weber" in page and "Masked" in page
    assert "Secret Agent" not in page and "Ana Silva" not in page

    def names(**criteria):
        page = client.get(reverse("gallery:profiles"), criteria).content.decode()
        return re.findall(r"<strong>(.*?)</strong>", page)

    assert names(name="weber") == ["Karl Weber"]
    assert names(city="lyon") == ["Zoé Martin"]
    assert names(country="DE") == ["Karl Weber"]
    assert names(name="realname") == []  # the account name behind a pseudonym stays hidden
    assert names(name="secret") == []
    assert names(name="zoe mart") == ["Zoé Martin"]  # accents folded, words as prefixes

    pseudonym.profile.display_name = ""  # the account name becomes the shown name, and searchable
    pseudonym.profile.save()
    assert names(name="realname") == ["Realname"]
    pseudonym.first_name = "Renamed"
    pseudonym.save()
    assert names(name="renamed") == ["Renamed"] and names(name="realname") == []


@pytest.mark.django_db
def test_map_places_people_who_opted_in_and_their_public_badges(client, seeded, earners, public_profile):
    public_profile(earners["ana"], country="BR", city="Recife", show_on_map=False)
    response = client.get(reverse("gallery:map"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and 'id="country-FR"' in page
    assert "France: 1 people, 2 public badges" in page
    assert "Germany: 1 people, 1 public badges" in page
    assert "Brazil" not in page  # Ana did not place herself on the map
    france = client.get(reverse("gallery:map"), {"country": "FR"}).content.decode()
    assert "Lyon" in france and "Zoé Martin" in france and "Jardinage écologique" in france
    assert "Karl" not in france


@pytest.mark.django_db
def test_pages_tab_answers(client, seeded):
    assert client.get(reverse("gallery:pages")).status_code == 200


@pytest.mark.django_db
def test_a_crawl_of_the_gallery_as_anonymous_shows_no_private_item(client, seeded, earners):
    hidden = [seeded["karl_welding_private"], seeded["ana_welding_signed_in"]]
    pages = [reverse(f"gallery:{tab}") for tab in ("badges", "pages", "profiles", "map")]
    pages += [reverse("gallery:map") + "?country=" + code for code in ("FR", "DE", "PT")]
    pages += [
        reverse("gallery:badge_class", kwargs={"key": key})
        for key in GalleryBadgeClass.objects.values_list("key", flat=True)
    ]
    for path in pages:
        page = client.get(path).content.decode()
        assert "Soudure" not in page and "Ana Silva" not in page, path
        for entry in hidden:
            assert entry.public_id not in page, path
    assert not BackpackBadge.objects.filter(
        pk__in=[e.pk for e in hidden], gallery_entry__isnull=False
    ).exists()
