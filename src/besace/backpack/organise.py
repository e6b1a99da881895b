"""Earners organise and show their badges: visibility, their own evidence, tags and collections.

Every change is audited. Who may *see* a badge or a collection is decided in besace.access, not here.
"""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from besace.backpack.models import BackpackBadge, Collection, CollectionBadge, EarnerEvidence, Visibility
from besace.core.audit import audit_record
from besace.core.models import new_public_id
from besace.core.ordering import neighbour_swap

MAX_TAGS = 20
MAX_TAG_LENGTH = 50


# Visibility


def badge_visibility_set(*, entry: BackpackBadge, visibility: str, actor) -> BackpackBadge:
    if visibility not in Visibility.values:
        raise ValidationError(_("Choose a visibility."))
    previous = entry.visibility
    if previous != visibility:
        entry.visibility = visibility
        entry.save(update_fields=["visibility"])
        audit_record(
            action="backpack.badge.visibility",
            target=entry,
            actor=actor,
            previous=previous,
            visibility=visibility,
        )
    return entry


# Tags


def tags_parse(text: str) -> list[str]:
    """A comma-separated list as tags: trimmed, inner spaces collapsed, duplicates (any case) dropped.

    Raises ValidationError beyond MAX_TAGS tags or MAX_TAG_LENGTH characters for one tag.
    """
    tags: list[str] = []
    seen: set[str] = set()
    for part in text.split(","):
        tag = " ".join(part.split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationError(
                _("A tag has at most %(length)s characters: “%(tag)s”.")
                % {"length": MAX_TAG_LENGTH, "tag": tag}
            )
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError(_("A badge has at most %(count)s tags.") % {"count": MAX_TAGS})
    return tags


def badge_tags_set(*, entry: BackpackBadge, text: str, actor) -> BackpackBadge:
    tags = tags_parse(text)
    if tags != entry.tags:
        previous, entry.tags = entry.tags, tags
        entry.save(update_fields=["tags"])
        audit_record(action="backpack.badge.tags", target=entry, actor=actor, previous=previous, tags=tags)
    return entry


def badges_tagged(badges, tag: str) -> list[BackpackBadge]:
    """The badges carrying `tag` (any case). Filtered in Python: SQLite cannot look inside JSON lists."""
    wanted = " ".join(tag.split()).casefold()
    return [entry for entry in badges if wanted in {t.casefold() for t in entry.tags}]


def tags_of(badges) -> list[str]:
    """Every tag of these badges once (the first spelling met), sorted without regard to case."""
    tags: dict[str, str] = {}
    for entry in badges:
        for tag in entry.tags:
            tags.setdefault(tag.casefold(), tag)
    return sorted(tags.values(), key=str.casefold)


# The earner's own evidence


def _stored_name(name: str) -> str:
    """Where an evidence file is kept: an unguessable folder (media may be served as files in
    development), the original name, shortened to fit the field."""
    path = PurePath(name.replace("\\", "/")).name or "evidence"
    stem, suffix = PurePath(path).stem[:40] or "evidence", PurePath(path).suffix[:10]
    return f"{new_public_id()}/{stem}{suffix}"


def earner_evidence_add(
    *, entry: BackpackBadge, actor, url: str = "", file=None, narrative: str = ""
) -> EarnerEvidence:
    url, narrative = url.strip(), narrative.strip()
    if not (url or file or narrative):
        raise ValidationError(_("Give a link, a file or a description."))
    if file is not None and file.size > settings.BESACE_MAX_IMPORT_BYTES:
        raise ValidationError(
            _("The file is too large (at most %(size)s).")
            % {"size": filesizeformat(settings.BESACE_MAX_IMPORT_BYTES)}
        )
    evidence = EarnerEvidence(badge=entry, url=url, narrative=narrative)
    if file is not None:
        evidence.file.save(_stored_name(file.name), file, save=False)
    try:
        evidence.save()
    except Exception:
        if evidence.file:
            evidence.file.delete(save=False)
        raise
    audit_record(
        action="backpack.evidence.added",
        target=entry,
        actor=actor,
        evidence=evidence.pk,
        url=url,
        file=evidence.file.name,
        narrative=bool(narrative),
    )
    return evidence


def earner_evidence_delete(*, evidence: EarnerEvidence, actor) -> None:
    entry, pk, file_name = evidence.badge, evidence.pk, evidence.file.name
    storage = evidence.file.storage
    with transaction.atomic():
        evidence.delete()
        audit_record(
            action="backpack.evidence.deleted", target=entry, actor=actor, evidence=pk, file=file_name
        )
        if file_name:
            # Only once the row is gone for good: a rolled-back delete must not lose the file.
            transaction.on_commit(lambda: storage.delete(file_name))


# Collections


def collections_of(owner):
    """An earner's collections, each with how many badges it holds."""
    return Collection.objects.filter(owner=owner).annotate(badge_count=Count("entries"))


def collection_create(
    *, owner, name: str, description: str = "", visibility: str = Visibility.PRIVATE
) -> Collection:
    collection = Collection.objects.create(
        owner=owner, name=name, description=description, visibility=visibility
    )
    audit_record(action="backpack.collection.created", target=collection, actor=owner, visibility=visibility)
    return collection


def collection_update(
    *, collection: Collection, actor, name: str, description: str, visibility: str
) -> Collection:
    previous = collection.visibility
    collection.name, collection.description, collection.visibility = name, description, visibility
    collection.save(update_fields=["name", "description", "visibility"])
    audit_record(
        action="backpack.collection.updated",
        target=collection,
        actor=actor,
        previous_visibility=previous,
        visibility=visibility,
    )
    return collection


def collection_delete(*, collection: Collection, actor) -> None:
    with transaction.atomic():
        audit_record(
            action="backpack.collection.deleted", target=collection, actor=actor, name=collection.name
        )
        collection.delete()


class CollectionError(Exception):
    """The badge cannot go into (or move in) this collection."""


@transaction.atomic
def collection_badge_add(*, collection: Collection, entry: BackpackBadge, actor) -> CollectionBadge:
    if entry.owner_id != collection.owner_id:
        raise CollectionError(_("Only your own badges go into your collections."))
    Collection.objects.select_for_update().filter(pk=collection.pk).first()  # one add or move at a time
    existing = collection.entries.filter(badge=entry).first()
    if existing is not None:
        return existing
    last = collection.entries.aggregate(last=Max("position"))["last"]
    item = CollectionBadge.objects.create(
        collection=collection, badge=entry, position=0 if last is None else last + 1
    )
    audit_record(
        action="backpack.collection.badge_added", target=collection, actor=actor, badge=entry.public_id
    )
    return item


@transaction.atomic
def collection_badge_remove(*, collection: Collection, entry: BackpackBadge, actor) -> None:
    deleted, _rows = collection.entries.filter(badge=entry).delete()
    if deleted:
        audit_record(
            action="backpack.collection.badge_removed", target=collection, actor=actor, badge=entry.public_id
        )


@transaction.atomic
def collection_badge_move(*, collection: Collection, entry: BackpackBadge, up: bool, actor) -> None:
    """Swap a badge with the one before (up) or after it; positions are renumbered 0, 1, 2… on the way."""
    Collection.objects.select_for_update().filter(pk=collection.pk).first()
    items = list(collection.entries.order_by("position", "id"))
    index = next((i for i, item in enumerate(items) if item.badge_id == entry.pk), None)
    if index is None:
        raise CollectionError(_("This badge is not in this collection."))
    changed = neighbour_swap(items, index, up=up)
    if changed is None:
        return  # already first (or last)
    CollectionBadge.objects.bulk_update(changed, ["position"])
    audit_record(
        action="backpack.collection.reordered",
        target=collection,
        actor=actor,
        badge=entry.public_id,
        direction="up" if up else "down",
    )
