"""Reads on the issuing side, scoped by who asks."""

from django.db.models import Count, Q, QuerySet

from besace.issuing.models import Assertion, BadgeClass, Issuer


def public_assertion_page_context(assertion: Assertion) -> dict:
    badge_class = assertion.badge_class
    return {"assertion": assertion, "badge_class": badge_class, "issuer": badge_class.issuer}


def issuer_badge_classes(issuer: Issuer) -> QuerySet[BadgeClass]:
    return issuer.badge_classes.annotate(
        awarded_count=Count("assertions"),
        revoked_count=Count("assertions", filter=Q(assertions__revoked_at__isnull=False)),
    )


def badge_class_assertions(badge_class: BadgeClass) -> QuerySet[Assertion]:
    return badge_class.assertions.select_related("badge_class").order_by("-issued_on", "-id")
