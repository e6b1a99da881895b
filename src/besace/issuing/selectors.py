"""Reads on the issuing side, scoped by who asks."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import Resolver404, resolve

from besace.issuing.models import Assertion, AwardEmail, AwardJob, BadgeClass, Issuer


def public_assertion_page_context(assertion: Assertion) -> dict:
    badge_class = assertion.badge_class
    return {"assertion": assertion, "badge_class": badge_class, "issuer": badge_class.issuer}


def issuer_badge_classes(issuer: Issuer) -> QuerySet[BadgeClass]:
    return issuer.badge_classes.annotate(
        awarded_count=Count("assertions"),
        revoked_count=Count("assertions", filter=Q(assertions__revoked_at__isnull=False)),
    )


def badge_class_assertions(badge_class: BadgeClass) -> QuerySet[Assertion]:
    return badge_class.assertions.select_related("badge_class", "email_delivery").order_by(
        "-issued_on", "-id"
    )


def award_job_email_counts(job: AwardJob) -> list[tuple[str, int]]:
    """How many of the job's award e-mails stand at each delivery status (label, count), in status order."""
    counts = dict(
        AwardEmail.objects.filter(assertion__award_job=job)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(label, counts[status]) for status, label in AwardEmail.Status.choices if counts.get(status)]


def assertion_for_badge_id(badge_id: str) -> Assertion | None:
    """The Besace award a verified badge id names: its hosted URL (with or without .json) or its signed
    form's urn:uuid. None for badges of other issuers."""
    if badge_id.startswith("urn:uuid:"):
        try:
            return Assertion.objects.filter(uuid=uuid.UUID(badge_id.removeprefix("urn:uuid:"))).first()
        except ValueError:
            return None
    if not badge_id.startswith(settings.BESACE_BASE_URL + "/"):
        return None
    try:
        match = resolve(urlsplit(badge_id.removeprefix(settings.BESACE_BASE_URL)).path)
    except Resolver404:
        return None
    if match.view_name not in ("public:assertion", "public:assertion_json"):
        return None
    return Assertion.objects.filter(public_id=match.kwargs["public_id"]).first()
