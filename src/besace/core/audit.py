"""The audit log: every service that changes state records what happened here."""

from django.db import models

from besace.core.models import AuditEntry


def audit_record(*, action: str, target: models.Model, actor=None, **data) -> AuditEntry:
    return AuditEntry.objects.create(
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data,
    )


def audit_entries_for(target: models.Model):
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
