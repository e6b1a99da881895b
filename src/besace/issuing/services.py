"""Issuer-side operations: issuers, badge classes, awards, revocation. Each one is audited."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from besace.core.audit import audit_record
from besace.issuing.emails import award_email_send
from besace.issuing.models import Alignment, Assertion, BadgeClass, Issuer, IssuerStaff
from besace.openbadges.hashing import hash_identity, new_salt, normalise_email

@dataclass(frozen=True)
class AwardRequest:
    """What is needed to award a badge to one person (a form, a CSV row or the command line)."""

    email: str
    name: str = ""
    narrative: str = ""
    evidence_url: str = ""
    evidence_narrative: str = ""
    issued_on: datetime.datetime | None = None


@transaction.atomic
def issuer_create(*, owner, name: str, url: str, email: str, description: str = "", image=None) -> Issuer:
    issuer = Issuer.objects.create(name=name, url=url, email=normalise_email(email), description=description)
    if image:
        issuer.image.save(image.name, image, save=True)
    IssuerStaff.objects.create(issuer=issuer, user=owner, role=IssuerStaff.Role.OWNER)
    audit_record(action="issuer.created", target=issuer, actor=owner, name=name)
    return issuer


@transaction.atomic
def issuer_update(*, issuer: Issuer, actor, **fields) -> Issuer:
    image = fields.pop("image", None)
    for name, value in fields.items():
        setattr(issuer, name, value)
    if image:
        issuer.image.save(image.name, image, save=False)
    issuer.save()
    audit_record(action="issuer.updated", target=issuer, actor=actor, fields=sorted(fields))
    return issuer


@transaction.atomic
def issuer_staff_set(*, issuer: Issuer, user, role: str, actor) -> IssuerStaff:
    membership, _created = IssuerStaff.objects.update_or_create(issuer=issuer, user=user, defaults={"role": role})
    audit_record(action="issuer.staff.set", target=issuer, actor=actor, user=user.email, role=role)
    return membership


@transaction.atomic
def badge_class_create(
    *,
    issuer: Issuer,
    actor,
    name: str,
    description: str,
    image,
    criteria_text: str = "",
    criteria_url: str = "",
    tags: list[str] | None = None,
    expires_after_days: int | None = None,
    expires_on: datetime.datetime | None = None,
    alignments: list[dict] | None = None,
) -> BadgeClass:
    if not (criteria_text or criteria_url):
        raise ValidationError(_("Give the criteria as text, as a URL, or both."))
    badge_class = BadgeClass(
        issuer=issuer,
        name=name,
        description=description,
        criteria_text=criteria_text,
        criteria_url=criteria_url,
        tags=sorted({t.strip() for t in tags or [] if t.strip()}),
        expires_after_days=expires_after_days,
        expires_on=expires_on,
    )
    badge_class.image.save(image.name, image, save=False)
    badge_class.save()
    for position, alignment in enumerate(alignments or []):
        Alignment.objects.create(badge_class=badge_class, position=position, **alignment)
    audit_record(action="badgeclass.created", target=badge_class, actor=actor, name=name)
    return badge_class


def _expiry_for(badge_class: BadgeClass, issued_on: datetime.datetime) -> datetime.datetime | None:
    if badge_class.expires_after_days:
        return issued_on + datetime.timedelta(days=badge_class.expires_after_days)
    return badge_class.expires_on


def _assertion_create(*, badge_class: BadgeClass, award: AwardRequest, actor, language: str) -> Assertion:
    email = normalise_email(award.email)
    salt = new_salt()
    issued_on = award.issued_on or timezone.now()
    assertion = Assertion.objects.create(
        badge_class=badge_class,
        recipient_email=email,
        recipient_name=award.name,
        salt=salt,
        identity_hash=hash_identity(email, salt),
        issued_on=issued_on,
        expires=_expiry_for(badge_class, issued_on),
        narrative=award.narrative,
        evidence_url=award.evidence_url,
        evidence_narrative=award.evidence_narrative,
        language=language,
        awarded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(action="assertion.awarded", target=assertion, actor=actor, badge_class=badge_class.public_id)
    # E-mail only once the award is committed: no mail for an award that was rolled back.
    transaction.on_commit(lambda: award_email_send(assertion))
    return assertion


@transaction.atomic
def badge_award(*, badge_class: BadgeClass, award: AwardRequest, actor=None, language: str = "") -> Assertion:
    return _assertion_create(badge_class=badge_class, award=award, actor=actor, language=language)


@transaction.atomic
def badges_award_bulk(
    *, badge_class: BadgeClass, awards: list[AwardRequest], actor=None, language: str = ""
) -> list[Assertion]:
    """All or nothing: one failing row rolls every award of the batch back."""
    return [_assertion_create(badge_class=badge_class, award=a, actor=actor, language=language) for a in awards]


@transaction.atomic
def assertion_revoke(*, assertion: Assertion, reason: str, actor) -> Assertion:
    assertion = Assertion.objects.select_for_update().get(pk=assertion.pk)
    if assertion.revoked:
        return assertion
    assertion.revoked_at = timezone.now()
    assertion.revocation_reason = reason.strip() or _("Revoked by the issuer.")
    assertion.save(update_fields=["revoked_at", "revocation_reason"])
    audit_record(action="assertion.revoked", target=assertion, actor=actor, reason=assertion.revocation_reason)
    return assertion
