"""Collections: named, ordered selections of badges, with their own visibility and share link."""

import pytest
from django.urls import reverse

from besace import access
from besace.backpack import organise
from besace.backpack.models import Collection
from besace.backpack.tests.organise_fixtures import imported_fixture, kept_fixture  # noqa: F401
from besace.core.audit import audit_entries_for
from besace.issuing import services as issuing_services


@pytest.fixture
def collection(earner):
    return organise.collection_create(owner=earner, name="Teaching", visibility="public")


def _order(collection: Collection) -> list[int]:
    return list(collection.entries.order_by("position", "id").values_list("badge_id", flat=True))


def _share_page(client, collection: Collection):
    return client.get(reverse("share:collection", args=[collection.public_id]))


def test_it_creates_edits_and_deletes_a_collection_and_audits_each_step(login, earner, kept):
    client = login(earner)
    response = client.post(
        reverse("backpack:collection_new"),
        {"name": "Data", "description": "What I know.", "visibility": "private"},
    )
    collection = Collection.objects.get(owner=earner)
    assert response["Location"] == reverse("backpack:collection", args=[collection.public_id])
    assert (collection.name, collection.description, collection.visibility) == (
        "Data",
        "What I know.",
        "private",
    )

    edit = reverse("backpack:collection_edit", args=[collection.public_id])
    assert 'value="Data"' in client.get(edit).content.decode()
    client.post(edit, {"name": "Data science", "description": "", "visibility": "signed_in"})
    collection.refresh_from_db()
    assert (collection.name, collection.visibility) == ("Data science", "signed_in")

    entry = kept()
    organise.collection_badge_add(collection=collection, entry=entry, actor=earner)
    client.post(reverse("backpack:collection_delete", args=[collection.public_id]))
    assert not Collection.objects.exists()
    entry.refresh_from_db()  # the badge stays in the backpack
    actions = list(audit_entries_for(collection).order_by("id").values_list("action", "actor", "data"))
    assert actions == [
        ("backpack.collection.created", earner.pk, {"visibility": "private"}),
        (
            "backpack.collection.updated",
            earner.pk,
            {"previous_visibility": "private", "visibility": "signed_in"},
        ),
        ("backpack.collection.badge_added", earner.pk, {"badge": entry.public_id}),
        ("backpack.collection.deleted", earner.pk, {"name": "Data science"}),
    ]


def test_it_refuses_a_collection_without_a_name(login, earner):
    response = login(earner).post(reverse("backpack:collection_new"), {"name": "", "visibility": "public"})
    assert response.status_code == 400 and not Collection.objects.exists()


def test_it_adds_and_removes_badges_from_the_collection_page_and_the_badge_page(
    login, earner, kept, collection
):
    first, second = kept(), kept()
    client = login(earner)
    page = client.get(reverse("backpack:collection", args=[collection.public_id])).content.decode()
    assert f'value="{first.public_id}"' in page and f'value="{second.public_id}"' in page  # may be added

    client.post(
        reverse("backpack:collection_badge_add", args=[collection.public_id]), {"badge": first.public_id}
    )
    response = client.post(
        reverse("backpack:badge_collection_add", args=[second.public_id]),
        {"collection": collection.public_id},
    )
    assert response["Location"] == reverse("backpack:badge", args=[second.public_id]) + "#collections"
    assert _order(collection) == [first.pk, second.pk]
    client.post(
        reverse("backpack:collection_badge_add", args=[collection.public_id]), {"badge": first.public_id}
    )
    assert _order(collection) == [first.pk, second.pk]  # once only

    badge_page = client.get(reverse("backpack:badge", args=[second.public_id])).content.decode()
    assert reverse("backpack:collection", args=[collection.public_id]) in badge_page
    assert 'name="collection"' not in badge_page  # already in every collection: nothing to add it to
    client.post(
        reverse("backpack:collection_badge_remove", args=[collection.public_id, first.public_id]),
        {"from_badge": ""},
    )
    assert _order(collection) == [second.pk]
    actions = list(audit_entries_for(collection).values_list("action", flat=True))
    assert actions.count("backpack.collection.badge_added") == 2
    assert actions.count("backpack.collection.badge_removed") == 1


def test_it_reorders_badges_with_up_and_down_buttons(login, earner, kept, collection):
    a, b, c = kept(), kept(), kept()
    for entry in (a, b, c):
        organise.collection_badge_add(collection=collection, entry=entry, actor=earner)
    client = login(earner)

    def move(entry, direction):
        url = reverse("backpack:collection_badge_move", args=[collection.public_id, entry.public_id])
        return client.post(url, {"direction": direction})

    response = move(c, "up")
    assert response["Location"].endswith(f"#badge-{c.public_id}")
    assert _order(collection) == [a.pk, c.pk, b.pk]
    move(a, "down")
    assert _order(collection) == [c.pk, a.pk, b.pk]
    move(c, "up")  # already first: nothing changes
    move(b, "down")  # already last
    assert _order(collection) == [c.pk, a.pk, b.pk]
    assert list(collection.entries.order_by("position").values_list("position", flat=True)) == [0, 1, 2]
    page = client.get(reverse("backpack:collection", args=[collection.public_id])).content.decode()
    assert page.index(f'id="badge-{c.public_id}"') < page.index(f'id="badge-{a.public_id}"')
    assert page.index(f'id="badge-{a.public_id}"') < page.index(f'id="badge-{b.public_id}"')
    assert page.count('value="up"') == 2 and page.count('value="down"') == 2
    reordered = audit_entries_for(collection).filter(action="backpack.collection.reordered")
    assert reordered.count() == 2


def test_it_keeps_collections_to_their_owner(login, outsider, earner, kept, collection):
    entry = kept()
    mine = organise.collection_create(owner=outsider, name="Mine")
    client = login(outsider)
    for url in (
        reverse("backpack:collection", args=[collection.public_id]),
        reverse("backpack:collection_edit", args=[collection.public_id]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("backpack:collection_delete", args=[collection.public_id])).status_code == 404
    add = reverse("backpack:collection_badge_add", args=[collection.public_id])
    assert client.post(add, {"badge": entry.public_id}).status_code == 404
    # Nor can anyone put someone else's badge into their own collection.
    add_to_mine = reverse("backpack:collection_badge_add", args=[mine.public_id])
    assert client.post(add_to_mine, {"badge": entry.public_id}).status_code == 404
    with pytest.raises(organise.CollectionError):
        organise.collection_badge_add(collection=mine, entry=entry, actor=outsider)
    assert Collection.objects.filter(pk=collection.pk).exists() and not mine.entries.exists()


@pytest.mark.parametrize(
    ("visibility", "anonymous", "other"),
    [("private", 404, 404), ("signed_in", 404, 200), ("public", 200, 200)],
)
def test_it_shares_a_collection_as_its_visibility_says(
    client, login, earner, outsider, collection, visibility, anonymous, other
):
    collection.visibility = visibility
    collection.save()
    assert _share_page(client, collection).status_code == anonymous
    assert _share_page(login(outsider), collection).status_code == other
    assert _share_page(login(earner), collection).status_code == 200
    missing = client.get(reverse("share:collection", args=["NoSuchCollection000000"]))
    assert missing.status_code == 404
    assert access.collection_visible_to(None, collection) is (anonymous == 200)
    assert access.collections_visible_to(None).filter(pk=collection.pk).exists() is (anonymous == 200)
    assert access.collections_visible_to(outsider).filter(pk=collection.pk).exists() is (other == 200)


def test_it_hides_from_others_the_badges_they_may_not_see_even_in_a_public_collection(
    client, login, earner, outsider, kept, imported, collection
):
    public = kept("public", name="Ada")
    signed_in = imported("signed_in", name="Signed-in only")
    private = imported("private", name="Secret badge")
    revoked = kept("public")
    issuing_services.assertion_revoke(assertion=revoked.assertion, reason="Mistake", actor=None)
    for entry in (public, signed_in, private, revoked):
        organise.collection_badge_add(collection=collection, entry=entry, actor=earner)

    def shown(client):
        return [item.badge_id for item in _share_page(client, collection).context["items"]]

    client.logout()
    assert shown(client) == [public.pk]
    page = _share_page(client, collection).content.decode()
    assert "Secret badge" not in page and private.public_id not in page and "Signed-in only" not in page
    assert shown(login(outsider)) == [public.pk, signed_in.pk]
    assert shown(login(earner)) == [public.pk, signed_in.pk, private.pk, revoked.pk]
    # The owner's page says which badges others cannot see.
    owner_page = client.get(reverse("backpack:collection", args=[collection.public_id])).content.decode()
    assert "Hidden from others: this badge is private." in owner_page


def test_it_links_shared_badges_to_their_share_pages(client, kept, imported, collection, earner):
    award, other = kept("public"), imported("public")
    for entry in (award, other):
        organise.collection_badge_add(collection=collection, entry=entry, actor=earner)
    page = _share_page(client, collection).content.decode()
    assert f'href="/badges/{award.public_id}/"' in page and f'href="/badges/{other.public_id}/"' in page
    assert reverse("share:badge_image", args=[other.public_id]) in page
    assert "/backpack/" not in page.split("<main")[1]


def test_it_lists_my_collections_on_my_badges(login, earner, kept, collection):
    organise.collection_badge_add(collection=collection, entry=kept(), actor=earner)
    organise.collection_create(owner=earner, name="Empty one")
    page = login(earner).get(reverse("backpack:home")).content.decode()
    assert "Teaching" in page and "1 badge" in page and "Empty one" in page and "0 badges" in page
    assert reverse("backpack:collection", args=[collection.public_id]) in page
    assert reverse("backpack:collection_new") in page


def test_it_shows_the_share_link_of_a_collection_others_may_see(login, earner, collection):
    page = login(earner).get(reverse("backpack:collection", args=[collection.public_id])).content.decode()
    assert f"http://testserver/collections/{collection.public_id}/" in page
    collection.visibility = "private"
    collection.save()
    page = login(earner).get(reverse("backpack:collection", args=[collection.public_id])).content.decode()
    assert f"testserver/collections/{collection.public_id}/" not in page
    assert f'href="/collections/{collection.public_id}/"' not in page


def test_it_shows_a_collection_of_20_badges_in_a_few_queries(
    client, login, earner, kept, imported, collection, django_assert_max_num_queries
):
    for n in range(20):
        entry = kept("public", tags=["t"]) if n % 2 else imported("public")
        organise.collection_badge_add(collection=collection, entry=entry, actor=earner)
    share = reverse("share:collection", args=[collection.public_id])
    with django_assert_max_num_queries(
        3
    ):  # the collection, its visible badges (with awards, classes, issuers)
        response = client.get(share)
    assert len(response.context["items"]) == 20
    owner_page = reverse("backpack:collection", args=[collection.public_id])
    login(earner).get(owner_page)
    # Session, user and consent middleware; the collection, its badges, the badges that may be added.
    with django_assert_max_num_queries(7):
        response = client.get(owner_page)
    assert len(response.context["items"]) == 20
    with django_assert_max_num_queries(7):
        assert len(client.get(share).context["items"]) == 20
