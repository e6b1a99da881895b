"""A page with many blocks of every kind is shown in a fixed number of queries."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from besace.backpack import organise
from besace.demo.images import badge_png
from besace.pages.models import Block
from besace.profiles.services import profile_for


def _page_with_blocks(earner, make_page, add_block, kept, imported, copies: int):
    profile = profile_for(earner)
    profile.visibility = "public"
    profile.save()
    page = make_page(visibility="public")
    collection = organise.collection_create(owner=earner, name="All", visibility="public")
    for _copy in range(copies):
        awarded, other = kept(visibility="public", tags=["t"]), imported(visibility="public", tags=["t"])
        for entry in (awarded, other):
            organise.collection_badge_add(collection=collection, entry=entry, actor=earner)
            add_block(page, Block.Kind.BADGE, badge=entry)
        add_block(page, Block.Kind.HEADING, text="Heading")
        add_block(page, Block.Kind.TEXT, text="Some *text*")
        add_block(page, Block.Kind.COLLECTION, collection=collection)
        add_block(page, Block.Kind.TAG, text="t")
        add_block(page, Block.Kind.FILE, file=SimpleUploadedFile("a.png", badge_png(size=16)))
        add_block(page, Block.Kind.PROFILE)
    return page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_view_does_not_grow_with_its_blocks(
    client, earner, make_page, add_block, kept, imported, make_user
):
    small = _page_with_blocks(earner, make_page, add_block, kept, imported, copies=1)
    large = _page_with_blocks(earner, make_page, add_block, kept, imported, copies=6)
    assert large.blocks.count() == 48
    for viewer in (None, make_user("viewer@example.org"), earner):
        if viewer is not None:
            client.force_login(viewer)
        for name in ("pages:page", "pages:embed"):
            client.get(reverse(name, args=[small.public_id]))  # the first request after login does more
            few = _queries(client, reverse(name, args=[small.public_id]))
            many = _queries(client, reverse(name, args=[large.public_id]))
            assert many == few <= 12, (viewer, name)
