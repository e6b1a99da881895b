"""Reads of portfolio pages, and what a page shows to one viewer (filtered by besace.access)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from besace import access
from besace.backpack.models import BackpackBadge, CollectionBadge
from besace.backpack.organise import badges_tagged, tags_of
from besace.backpack.selectors import backpack_badges
from besace.pages.models import Block, Page
from besace.profiles.selectors import profile_of, public_profile_url

BADGE_RELATED = "assertion__badge_class__issuer"


def my_pages(user) -> QuerySet[Page]:
    """The pages `user` made, each with how many blocks it has."""
    return Page.objects.filter(owner=user).annotate(block_count=Count("blocks"))


def page_get(public_id: str) -> Page | None:
    """A page by its public id, whoever may see it (ask access.page_visible_to before showing it)."""
    return Page.objects.select_related("owner__profile").filter(public_id=public_id).first()


def pages_of(user, viewer) -> QuerySet[Page]:
    """`user`'s pages that `viewer` may see without a password (for their profile page)."""
    return access.pages_visible_to(viewer, Page.objects.filter(owner=user))


def public_pages(query: str = "") -> QuerySet[Page]:
    """Public pages (the gallery), newest first; with `query`, those whose title or text holds each word."""
    pages = Page.objects.filter(visibility=Page.Visibility.PUBLIC).select_related("owner__profile")
    for word in query.split():
        in_text = Block.objects.filter(
            page=OuterRef("pk"), kind__in=[Block.Kind.HEADING, Block.Kind.TEXT], text__icontains=word
        )
        pages = pages.filter(Q(title__icontains=word) | Exists(in_text))
    return pages


# What a page shows


@dataclass
class ShownBlock:
    block: Block
    badges: list[BackpackBadge] = field(default_factory=list)  # of a collection or a tag
    profile: object | None = None  # the owner's Profile, for a profile card
    profile_url: str | None = None


def blocks_shown(page: Page, viewer) -> list[ShownBlock]:
    """The blocks of `page` as `viewer` sees them, in order, in a fixed number of queries.

    A badge, collection or profile the viewer may not see leaves its block out; a collection or tag shows
    only the badges the viewer may see one by one. Ask access.page_visible_to first.
    """
    blocks = list(page.blocks.select_related(f"badge__{BADGE_RELATED}", "collection"))
    owner = page.owner
    shown: list[ShownBlock] = []
    for block in blocks:
        if block.kind == Block.Kind.BADGE and not access.badge_visible_to(viewer, block.badge):
            continue
        if block.kind == Block.Kind.COLLECTION and not access.collection_visible_to(viewer, block.collection):
            continue
        if block.kind == Block.Kind.PROFILE:
            profile_url = public_profile_url(owner, viewer)
            if profile_url is None:
                continue
            shown.append(ShownBlock(block, profile=profile_of(owner), profile_url=profile_url))
            continue
        shown.append(ShownBlock(block))

    collection_ids = {item.block.collection_id for item in shown if item.block.kind == Block.Kind.COLLECTION}
    if collection_ids:
        visible = access.badges_visible_to(viewer, BackpackBadge.objects.filter(owner=owner))
        by_collection = defaultdict(list)
        entries = CollectionBadge.objects.filter(collection__in=collection_ids, badge__in=visible)
        for entry in entries.select_related(f"badge__{BADGE_RELATED}").order_by("position", "id"):
            by_collection[entry.collection_id].append(entry.badge)
        for item in shown:
            if item.block.kind == Block.Kind.COLLECTION:
                item.badges = by_collection[item.block.collection_id]

    if any(item.block.kind == Block.Kind.TAG for item in shown):
        visible_badges = list(access.badges_visible_to(viewer, backpack_badges(owner)))
        for item in shown:
            if item.block.kind == Block.Kind.TAG:
                item.badges = badges_tagged(visible_badges, item.block.text)
    return shown


# The owner's editor


@dataclass
class BlockChoices:
    """What the owner may put in a block: their badges, collections and tags."""

    badges: list[BackpackBadge]
    collections: list
    tags: list[str]


def block_choices(owner) -> BlockChoices:
    badges = list(backpack_badges(owner))
    return BlockChoices(badges=badges, collections=list(owner.collections.all()), tags=tags_of(badges))
