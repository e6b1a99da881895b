"""Writes to the gallery index (besace.gallery.models): one entry per public backpack badge, one
aggregate row per badge class with at least one. Called by the signal receivers and the rebuild command."""

from itertools import islice

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Count, F, Max, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from besace import access
from besace.backpack.models import BackpackBadge
from besace.backpack.sharing import earner_shown
from besace.gallery.keys import achievement_id, badge_class_key
from besace.gallery.models import GalleryBadgeClass, GalleryEntry, GalleryTag
from besace.gallery.search_text import fold
from besace.profiles.selectors import profile_of

ANONYMOUS = AnonymousUser()
INDEX_RELATED = ("assertion__badge_class", "owner__profile")
# A class is described by its latest public badge (then the highest id, so that the rebuild agrees).
REPRESENTATIVE_ORDER = (F("updated_at").desc(), F("badge_id").desc())
_ENTRY_FIELDS = ("badge_class_id", "owner_id", "recipient_name", "country", "city", "on_map", "issued_on")


def _entry_row(badge: BackpackBadge, updated_at) -> GalleryEntry:
    """What the gallery may say about this public badge and its earner, as they chose."""
    shown = earner_shown(badge, ANONYMOUS)
    profile = profile_of(badge.owner)
    public_profile = profile is not None and access.profile_visible_to(ANONYMOUS, profile)
    located = public_profile and (profile.show_location or profile.on_map)
    recipient_name = shown.name if shown else ""
    return GalleryEntry(
        badge=badge,
        badge_class_id=badge_class_key(achievement_id(badge)),
        owner_id=badge.owner_id,
        recipient_name=recipient_name,
        recipient_folded=fold(recipient_name),
        country=str(profile.country) if located else "",
        city=profile.city if located else "",
        on_map=public_profile and profile.on_map,
        issued_on=badge.issued_on,
        updated_at=updated_at,
    )


def _image_url(badge: BackpackBadge) -> str:
    if badge.assertion_id:
        return badge.assertion.badge_class.image_url
    return reverse("share:badge_image", args=[badge.public_id]) if badge.image else ""


def _class_row(badge: BackpackBadge, key: str, updated_at) -> GalleryBadgeClass:
    """The badge class as described by one of its public badges (counts are filled in separately)."""
    achievement = (badge.normalised or {}).get("achievement") or {}
    name = achievement.get("name") or badge.name
    issuer_name = ((badge.normalised or {}).get("issuer") or {}).get("name") or badge.issuer_name
    tags = [str(tag)[:100] for tag in achievement.get("tags") or () if str(tag).strip()]
    document = " ".join([name, achievement.get("description") or "", issuer_name, *tags])
    return GalleryBadgeClass(
        key=key,
        achievement_id=achievement_id(badge)[:500],
        representative=badge,
        name=name[:300],
        issuer_name=issuer_name[:300],
        image_url=_image_url(badge)[:500],
        tags=tags,
        updated_at=updated_at,
        name_folded=fold(name)[:300],
        issuer_folded=fold(issuer_name)[:300],
        document=fold(document),
    )


def _class_summary(latest: GalleryEntry, recipients: int) -> GalleryBadgeClass:
    """A class's gallery row: described by its latest public badge, counting its public recipients."""
    row = _class_row(latest.badge, latest.badge_class_id, latest.updated_at)
    row.recipient_count = recipients
    return row


def _recipient_counts(keys) -> dict[str, int]:
    """Per badge class key: the people who hold one of its public badges (classes without any left out)."""
    totals = (
        GalleryEntry.objects.filter(badge_class_id__in=keys)
        .values("badge_class_id")
        .annotate(recipients=Count("owner", distinct=True))
        .order_by()
    )
    return {total["badge_class_id"]: total["recipients"] for total in totals}


def _tag_rows(badge_class: GalleryBadgeClass) -> list[GalleryTag]:
    return [
        GalleryTag(badge_class=badge_class, tag=tag) for tag in sorted({fold(t) for t in badge_class.tags})
    ]


def class_refresh(key: str) -> None:
    """Recount a badge class's public recipients and describe it from its latest public badge;
    the class leaves the gallery with its last public badge."""
    with transaction.atomic():
        recipients = _recipient_counts([key]).get(key)
        if not recipients:
            GalleryBadgeClass.objects.filter(key=key).delete()
            return
        latest = (
            GalleryEntry.objects.filter(badge_class_id=key)
            .select_related(*(f"badge__{path}" for path in INDEX_RELATED))
            .order_by(*REPRESENTATIVE_ORDER)
            .first()
        )
        row = _class_summary(latest, recipients)
        row.save()
        GalleryTag.objects.filter(badge_class_id=key).delete()
        GalleryTag.objects.bulk_create(_tag_rows(row))


def entry_sync(badge: BackpackBadge) -> None:
    """Bring the index in line with one backpack badge: in it exactly while anyone may see it."""
    with transaction.atomic():
        existing = GalleryEntry.objects.filter(badge_id=badge.pk).first()
        if not access.badge_visible_to(ANONYMOUS, badge):
            if existing is not None:
                existing.delete()  # the post_delete receiver recounts its class
            return
        now = timezone.now()
        row = _entry_row(badge, now)
        if existing is not None and all(getattr(existing, f) == getattr(row, f) for f in _ENTRY_FIELDS):
            return  # nothing the gallery shows changed (a re-verification, a new tag...)
        key = row.badge_class_id
        if not GalleryBadgeClass.objects.filter(key=key).exists():
            _class_row(badge, key, now).save()
        row.save()
        class_refresh(key)
        if existing is not None and existing.badge_class_id != key:
            class_refresh(existing.badge_class_id)


def owner_entries_sync(user) -> None:
    """After a profile or account change: what the index says about this earner (name, place)."""
    for badge in BackpackBadge.objects.filter(owner=user, gallery_entry__isnull=False).select_related(
        *INDEX_RELATED
    ):
        entry_sync(badge)


def rebuild(batch_size: int = 5000) -> int:
    """Rebuild the whole index from the backpacks; returns the number of public badges indexed.

    The rows are those the live updates write (same functions), each badge's modification date being
    the date it entered its backpack. Set-based: a few queries per `batch_size` badges or classes, and
    memory bounded by the batch. One transaction, so that the gallery shows the old index until the
    new one is complete.
    """
    with transaction.atomic():
        _index_empty()
        count = _entries_write(batch_size)
        _classes_write(batch_size)
    if connection.vendor == "postgresql":
        # The planner's statistics for the new rows; VACUUM (impossible in a transaction) also marks the
        # pages all-visible, so that counts are answered from the indexes alone.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in (GalleryEntry, GalleryBadgeClass, GalleryTag):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    return count


def _index_empty() -> None:
    # Plain DELETEs: the ORM's would recount each class once per deleted entry (post_delete receiver).
    with connection.cursor() as cursor:
        for model in (GalleryTag, GalleryEntry, GalleryBadgeClass):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


def _entries_write(batch_size: int) -> int:
    """One entry per public badge, read by ranges of `batch_size` primary keys.

    Ranges rather than "the next batch_size public badges": however the planner misjudges how many
    badges are public, each query reads one range of the primary key index. The entries go in before
    their classes, which are computed from them: the foreign key is checked at commit (Django's
    constraints are deferred)."""
    # The document as received and the verification report are large and say nothing the index needs.
    public = access.badges_visible_to(ANONYMOUS).select_related(*INDEX_RELATED).defer("original", "checks")
    last_pk = BackpackBadge.objects.aggregate(last=Max("pk"))["last"] or 0
    count = 0
    for start in range(0, last_pk, batch_size):
        batch = public.filter(pk__gt=start, pk__lte=start + batch_size).order_by()
        rows = GalleryEntry.objects.bulk_create(_entry_row(badge, badge.accepted_at) for badge in batch)
        count += len(rows)
    return count


def _classes_write(batch_size: int) -> None:
    """One row per class of the entries, described by its latest entry as class_refresh does, and its tags."""
    latest = (
        GalleryEntry.objects.alias(
            rank=Window(RowNumber(), partition_by=F("badge_class_id"), order_by=REPRESENTATIVE_ORDER)
        )
        .filter(rank=1)
        .values_list("badge_id", flat=True)
        .order_by()
    )
    latest_ids = latest.iterator(chunk_size=batch_size)
    while batch_ids := list(islice(latest_ids, batch_size)):
        entries = list(
            GalleryEntry.objects.filter(badge_id__in=batch_ids).select_related(
                *(f"badge__{path}" for path in INDEX_RELATED)
            )
        )
        recipients = _recipient_counts([entry.badge_class_id for entry in entries])
        rows = [_class_summary(entry, recipients[entry.badge_class_id]) for entry in entries]
        GalleryBadgeClass.objects.bulk_create(rows)
        GalleryTag.objects.bulk_create(tag for row in rows for tag in _tag_rows(row))
