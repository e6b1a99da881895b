"""Who sees a page (owner / another signed-in user / anonymous × each visibility), and what it shows:
only the badges and collections the viewer may see one by one."""

import pytest
from django.urls import reverse

from besace import access
from besace.backpack import organise
from besace.pages.models import Block, Page
from besace.pages.selectors import pages_of, public_pages

PASSWORD = "open sesame"


@pytest.fixture
def other(make_user):
    return make_user("other@example.org")


def _viewer(name, earner, other):
    return {"owner": earner, "other": other, "anonymous": None}[name]


@pytest.mark.parametrize(
    ("visibility", "viewer", "expected"),
    [
        ("private", "owner", 200),
        ("private", "other", 404),
        ("private", "anonymous", 404),
        ("signed_in", "owner", 200),
        ("signed_in", "other", 200),
        ("signed_in", "anonymous", 404),
        ("public", "owner", 200),
        ("public", "other", 200),
        ("public", "anonymous", 200),
        ("password", "owner", 200),
        ("password", "other", 403),  # the password prompt
        ("password", "anonymous", 403),
    ],
)
def test_the_visibility_matrix(client, earner, other, make_page, add_block, visibility, viewer, expected):
    page = make_page(visibility=visibility, password=PASSWORD if visibility == "password" else "")
    add_block(page, Block.Kind.HEADING, text="Secret heading")
    user = _viewer(viewer, earner, other)
    if user is not None:
        client.force_login(user)
    for name in ("pages:page", "pages:embed"):
        response = client.get(reverse(name, args=[page.public_id]))
        assert response.status_code == expected
        assert ("Secret heading" in response.content.decode()) == (expected == 200)
    assert access.page_visible_to(user, page) == (expected == 200)


@pytest.mark.parametrize("viewer", ["other", "anonymous"])
def test_a_password_page_opens_with_the_right_password_only_and_once_per_session(
    client, earner, other, make_page, add_block, viewer
):
    page = make_page(visibility="password", password=PASSWORD)
    add_block(page, Block.Kind.HEADING, text="Secret heading")
    if viewer == "other":
        client.force_login(other)
    url, unlock = reverse("pages:page", args=[page.public_id]), reverse("pages:unlock", args=[page.public_id])
    prompt = client.get(url)
    assert prompt.status_code == 403 and 'name="password"' in prompt.content.decode()
    assert "Secret heading" not in prompt.content.decode()

    wrong = client.post(unlock, {"password": "open sesam"})
    assert wrong.status_code == 403 and "Wrong password" in wrong.content.decode()
    assert "Secret heading" not in wrong.content.decode()
    assert client.get(url).status_code == 403

    assert client.post(unlock, {"password": PASSWORD})["Location"] == url
    assert "Secret heading" in client.get(url).content.decode()  # no password asked again
    assert "Secret heading" in client.get(reverse("pages:embed", args=[page.public_id])).content.decode()

    # A new password locks the page again for those who had the old one.
    page.password_hash = "!"  # any other hash
    page.save(update_fields=["password_hash"])
    assert client.get(url).status_code == 403


def test_unlock_is_only_for_password_pages(client, make_page):
    page = make_page(visibility="private")
    assert client.post(reverse("pages:unlock", args=[page.public_id]), {"password": ""}).status_code == 404
    assert client.post(reverse("pages:unlock", args=["nope"]), {"password": ""}).status_code == 404


def test_a_private_badge_on_a_public_page_is_hidden_from_everyone_else(
    client, earner, other, make_page, add_block, kept, imported
):
    page = make_page(visibility="public")
    shown = kept(visibility="public")
    hidden = kept(visibility="private")
    members_only = kept(visibility="signed_in")
    revoked = imported(visibility="public", revoked=True)
    for entry, name in ((shown, "Shown"), (hidden, "Hidden"), (members_only, "Members"), (revoked, "Gone")):
        entry.name = f"{name} badge"
        entry.save(update_fields=["name"])
        add_block(page, Block.Kind.BADGE, badge=entry)
    url = reverse("pages:page", args=[page.public_id])

    html = client.get(url).content.decode()
    assert "Shown badge" in html
    assert "Hidden badge" not in html and "Members badge" not in html and "Gone badge" not in html
    assert hidden.public_id not in html

    client.force_login(other)
    html = client.get(url).content.decode()
    assert "Shown badge" in html and "Members badge" in html
    assert "Hidden badge" not in html and "Gone badge" not in html

    client.force_login(earner)
    html = client.get(url).content.decode()
    assert all(f"{name} badge" in html for name in ("Shown", "Hidden", "Members", "Gone"))


def test_collections_and_tags_show_only_what_the_viewer_may_see(client, earner, make_page, add_block, kept):
    page = make_page(visibility="public")
    public_badge, private_badge = (
        kept(visibility="public", tags=["maths"]),
        kept(visibility="private", tags=["maths"]),
    )
    public_badge.name, private_badge.name = "Public badge", "Private badge"
    public_badge.save(update_fields=["name"])
    private_badge.save(update_fields=["name"])
    open_collection = organise.collection_create(owner=earner, name="Open collection", visibility="public")
    closed_collection = organise.collection_create(
        owner=earner, name="Closed collection", visibility="private"
    )
    for collection in (open_collection, closed_collection):
        for entry in (public_badge, private_badge):
            organise.collection_badge_add(collection=collection, entry=entry, actor=earner)
        add_block(page, Block.Kind.COLLECTION, collection=collection)
    add_block(page, Block.Kind.TAG, text="maths")

    html = client.get(reverse("pages:page", args=[page.public_id])).content.decode()
    assert "Open collection" in html and "Closed collection" not in html
    assert html.count("Public badge") == 2  # in the collection and in the tag group
    assert "Private badge" not in html

    client.force_login(earner)
    html = client.get(reverse("pages:page", args=[page.public_id])).content.decode()
    assert "Closed collection" in html and html.count("Private badge") == 3


def test_lists_of_pages_never_hold_what_the_viewer_may_not_see(earner, other, make_page):
    public = make_page(visibility="public", title="Open maths portfolio")
    members = make_page(visibility="signed_in", title="Members maths")
    make_page(visibility="private", title="Private maths")
    make_page(visibility="password", password=PASSWORD, title="Password maths")
    assert set(pages_of(earner, None)) == {public}
    assert set(pages_of(earner, other)) == {public, members}
    assert set(pages_of(earner, earner)) == set(Page.objects.all())
    assert list(public_pages()) == [public]
    assert list(public_pages("MATHS open")) == [public]
    assert list(public_pages("members")) == []


def test_public_pages_are_found_by_their_text(make_page, add_block):
    page = make_page(visibility="public", title="Portfolio")
    add_block(page, Block.Kind.TEXT, text="I teach **statistics** in Lyon.")
    add_block(page, Block.Kind.HEADING, text="Statistics")
    assert list(public_pages("statistics lyon")) == [page]
    assert list(public_pages("physics")) == []
