"""Each kind of block, added from the editor and shown on the page; editing, moving and deleting."""

import pytest
from django.urls import reverse

from besace.backpack import organise
from besace.core.audit import audit_entries_for
from besace.pages.models import Block
from besace.profiles.services import profile_for


def _add(client, page, kind: str, data: dict | None = None, files: dict | None = None):
    fields = {"kind": kind, **{f"{kind}-{name}": value for name, value in (data or {}).items()}}
    return client.post(reverse("pages:block_add", args=[page.public_id]), {**fields, **(files or {})})


def _view(client, page) -> str:
    response = client.get(reverse("pages:page", args=[page.public_id]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def page(make_page):
    return make_page()


def test_it_adds_a_heading_and_sanitised_markdown_text(login, earner, page, client):
    owner = login(earner)
    response = _add(owner, page, "heading", {"text": "  About   me "})
    heading = page.blocks.get()
    assert response["Location"] == reverse("pages:edit", args=[page.public_id]) + f"#block-{heading.pk}"
    assert heading.text == "About me"
    _add(owner, page, "text", {"text": "I **teach**. <script>alert(1)</script> [site](javascript:alert(1))"})
    client.logout()
    html = _view(client, page)
    assert "<h2>About me</h2>" in html
    assert "<strong>teach</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html


def test_it_refuses_empty_text(login, earner, page):
    response = _add(login(earner), page, "heading", {"text": "   "})
    assert response.status_code == 400 and not page.blocks.exists()


def test_it_adds_one_of_the_owners_badges_and_no_one_elses(login, earner, page, kept, imported, make_user):
    entry = kept(visibility="public")
    client = login(earner)
    _add(client, page, "badge", {"badge": entry.public_id})
    block = page.blocks.get()
    assert block.badge == entry
    assert entry.name in _view(client, page)

    stranger = imported(owner=make_user("stranger@example.org"), visibility="public", name="Not yours")
    response = _add(client, page, "badge", {"badge": stranger.public_id})
    assert response.status_code == 400 and page.blocks.count() == 1


def test_it_adds_a_collection_and_shows_its_badges_in_order(login, earner, page, kept, client):
    first, second = kept(visibility="public"), kept(visibility="public")
    collection = organise.collection_create(owner=earner, name="Teaching", visibility="public")
    for entry in (second, first):
        organise.collection_badge_add(collection=collection, entry=entry, actor=earner)
    first.name, second.name = "First badge", "Second badge"
    first.save(update_fields=["name"])
    second.save(update_fields=["name"])
    _add(login(earner), page, "collection", {"collection": collection.public_id})
    client.logout()
    html = _view(client, page)
    assert "Teaching" in html
    assert html.index("Second badge") < html.index("First badge")


def test_it_adds_the_badges_with_a_tag(login, earner, page, kept, client):
    for name, tags in (("First tagged", ["Python", "data"]), ("Tagged too", ["python"]), ("Untagged", ["x"])):
        entry = kept(visibility="public", tags=tags)
        entry.name = name
        entry.save(update_fields=["name"])
    owner = login(earner)
    editor = owner.get(reverse("pages:edit", args=[page.public_id])).content.decode()
    assert '<option value="data">' in editor and '<option value="x">' in editor  # the owner's tags
    assert '<option value="python">' in editor and '<option value="Python">' not in editor  # once
    _add(owner, page, "tag", {"text": "python"})
    assert _add(owner, page, "tag", {"text": "no such tag"}).status_code == 400
    client.logout()
    html = _view(client, page)
    assert "Badges tagged “python”" in html
    assert "First tagged" in html and "Tagged too" in html and "Untagged" not in html


def test_it_adds_the_profile_card_shown_as_the_profile_allows(login, earner, page, client):
    profile = profile_for(earner)
    profile.display_name, profile.bio, profile.website = (
        "Léa Martin",
        "I *teach* maths.",
        "https://lea.example",
    )
    profile.visibility = "public"
    profile.save()
    _add(login(earner), page, "profile")
    assert page.blocks.get().kind == Block.Kind.PROFILE
    client.logout()
    html = _view(client, page)
    assert "Léa Martin" in html and "<em>teach</em>" in html and "https://lea.example" in html
    assert reverse("profiles:detail", kwargs={"slug": profile.slug}) in html
    assert earner.email not in html

    profile.visibility = "private"
    profile.save()
    assert "Léa Martin" not in _view(client, page)


def test_it_edits_moves_and_deletes_blocks_and_audits_each_step(login, earner, page):
    client = login(earner)
    for text in ("One", "Two", "Three"):
        _add(client, page, "heading", {"text": text})
    one, two, three = page.blocks.all()

    edit_url = reverse("pages:block_edit", args=[page.public_id, two.pk])
    assert 'value="Two"' in client.get(edit_url).content.decode()
    client.post(edit_url, {"text": "Deux"})
    two.refresh_from_db()
    assert two.text == "Deux"

    move = reverse("pages:block_move", args=[page.public_id, three.pk])
    client.post(move, {"direction": "up"})
    assert list(page.blocks.values_list("text", flat=True)) == ["One", "Three", "Deux"]
    client.post(move, {"direction": "up"})
    client.post(move, {"direction": "up"})  # already first: nothing changes
    assert list(page.blocks.values_list("text", flat=True)) == ["Three", "One", "Deux"]
    client.post(reverse("pages:block_move", args=[page.public_id, one.pk]), {"direction": "down"})
    assert list(page.blocks.values_list("text", flat=True)) == ["Three", "Deux", "One"]

    client.post(reverse("pages:block_delete", args=[page.public_id, one.pk]))
    assert list(page.blocks.values_list("text", flat=True)) == ["Three", "Deux"]
    actions = [action for action in audit_entries_for(page).order_by("id").values_list("action", flat=True)]
    assert actions == [
        "pages.page.created",
        "pages.block.added",
        "pages.block.added",
        "pages.block.added",
        "pages.block.updated",
        "pages.block.moved",
        "pages.block.moved",
        "pages.block.moved",
        "pages.block.deleted",
    ]


def test_a_block_goes_with_the_badge_it_shows(earner, page, kept, add_block):
    entry = kept(visibility="public")
    add_block(page, Block.Kind.BADGE, badge=entry)
    entry.delete()
    assert not page.blocks.exists()


def test_an_unknown_kind_is_refused(login, earner, page):
    response = login(earner).post(reverse("pages:block_add", args=[page.public_id]), {"kind": "video"})
    assert response.status_code == 400 and not page.blocks.exists()
