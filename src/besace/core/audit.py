"""The audit log: every service that changes state records what happened here."""

from collections.abc import Iterable

from django.db import models

from besace.core.models import AuditEntry


def _entry(*, action: str, target: models.Model, actor, data: dict) -> AuditEntry:
    return AuditEntry(
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data,
    )


def audit_record(*, action: str, target: models.Model, actor=None, **data) -> AuditEntry:
    entry = _entry(action=action, target=target, actor=actor, data=data)
    entry.save()
    return entry


def audit_record_bulk(
    *, action: str, targets: Iterable[models.Model], actor=None, **data
) -> list[AuditEntry]:
    """audit_record for each of many saved targets, in bulk inserts (awards from a large file)."""
    return AuditEntry.objects.bulk_create(
        [_entry(action=action, target=target, actor=actor, data=data) for target in targets]
    )


def audit_entries_for(target: models.Model):
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
