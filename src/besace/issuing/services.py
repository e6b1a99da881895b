"""Issuer-side operations: issuers, badge classes, awards, revocation. Each one is audited."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from besace.core.audit import audit_record, audit_record_bulk
from besace.issuing.emails import award_emails_send_task
from besace.issuing.models import Alignment, Assertion, AwardEmail, BadgeClass, Issuer, IssuerStaff
from besace.openbadges.hashing import hash_identity, new_salt, normalise_email
from besace.openbadges.images import sniff_image_type


@dataclass(frozen=True)
class AwardRequest:
    """What is needed to award a badge to one person (a form, a CSV row or the command line)."""

    email: str
    name: str = ""
    narrative: str = ""
    evidence_url: str = ""
    evidence_narrative: str = ""
    issued_on: datetime.datetime | None = None


def _image_store(field_file, image, *, stem: str) -> None:
    """Store an uploaded image under a name whose extension says what the bytes are.

    The uploader's file name is not trusted: an SVG named "badge.png" must still be served and
    baked as SVG (forms check the content with besace.issuing.images.validate_badge_image).
    """
    image.seek(0)
    kind = sniff_image_type(image.read())
    image.seek(0)
    if kind is None:
        raise ValidationError({"image": _("The image must be a PNG or an SVG file.")})
    field_file.save(f"{stem}.{kind}", image, save=False)


@transaction.atomic
def issuer_create(*, owner, name: str, url: str, email: str, description: str = "", image=None) -> Issuer:
    issuer = Issuer(name=name, url=url, email=normalise_email(email), description=description)
    if image:
        _image_store(issuer.image, image, stem=issuer.public_id)
    issuer.save()
    IssuerStaff.objects.create(issuer=issuer, user=owner, role=IssuerStaff.Role.OWNER)
    audit_record(action="issuer.created", target=issuer, actor=owner, name=name)
    return issuer


@transaction.atomic
def issuer_update(*, issuer: Issuer, actor, **fields) -> Issuer:
    image = fields.pop("image", None)
    if "email" in fields:
        fields["email"] = normalise_email(fields["email"])
    for name, value in fields.items():
        setattr(issuer, name, value)
    if image:
        _image_store(issuer.image, image, stem=issuer.public_id)
    issuer.save()
    audit_record(action="issuer.updated", target=issuer, actor=actor, fields=sorted(fields))
    return issuer


@transaction.atomic
def issuer_staff_set(*, issuer: Issuer, user, role: str, actor) -> IssuerStaff:
    # Lock the issuer's memberships so two owners demoting each other at once cannot both succeed.
    owners = set(
        IssuerStaff.objects.select_for_update()
        .filter(issuer=issuer, role=IssuerStaff.Role.OWNER)
        .values_list("user_id", flat=True)
    )
    if role != IssuerStaff.Role.OWNER and owners == {user.pk}:
        raise ValidationError(_("An issuer needs at least one owner: make someone else owner first."))
    membership, _created = IssuerStaff.objects.update_or_create(
        issuer=issuer, user=user, defaults={"role": role}
    )
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
    verification: str = BadgeClass.Verification.HOSTED,
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
        verification=verification,
    )
    _image_store(badge_class.image, image, stem=badge_class.public_id)
    badge_class.save()
    for position, alignment in enumerate(alignments or []):
        Alignment.objects.create(badge_class=badge_class, position=position, **alignment)
    audit_record(
        action="badgeclass.created", target=badge_class, actor=actor, name=name, verification=verification
    )
    return badge_class


def _expiry_for(badge_class: BadgeClass, issued_on: datetime.datetime) -> datetime.datetime | None:
    if badge_class.expires_after_days:
        return issued_on + datetime.timedelta(days=badge_class.expires_after_days)
    return badge_class.expires_on


def _assertion_new(
    *, badge_class: BadgeClass, award: AwardRequest, actor, language: str, **fields
) -> Assertion:
    """The assertion of one award, not saved yet (salt and identity hash computed here)."""
    email = normalise_email(award.email)
    salt = new_salt()
    issued_on = award.issued_on or timezone.now()
    return Assertion(
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
        **fields,
    )


@transaction.atomic
def badge_award(*, badge_class: BadgeClass, award: AwardRequest, actor=None, language: str = "") -> Assertion:
    assertion = _assertion_new(badge_class=badge_class, award=award, actor=actor, language=language)
    assertion.save()
    AwardEmail.objects.create(assertion=assertion)
    audit_record(action="assertion.awarded", target=assertion, actor=actor, badge_class=badge_class.public_id)
    # E-mail only once the award is committed (no mail for an award that was rolled back), by a task: a slow
    # or failing mail server neither holds up the request nor loses the e-mail (the task is retried, and
    # its AwardEmail, committed with the award, shows the issuer how it went).
    transaction.on_commit(lambda: award_emails_send_task.enqueue([assertion.pk]), robust=True)
    return assertion


def assertions_create_bulk(
    *,
    badge_class: BadgeClass,
    awards: list[AwardRequest],
    actor=None,
    language: str = "",
    job=None,
    first_row=0,
) -> list[Assertion]:
    """Many awards in a few inserts, each audited and with its AwardEmail waiting; no e-mail is sent (the
    caller queues them once committed).

    For an AwardJob, `first_row` is the job row of the first award: the unique (job, row) makes a
    batch that was already committed fail instead of awarding its rows twice.
    """
    assertions = Assertion.objects.bulk_create(
        [
            _assertion_new(
                badge_class=badge_class,
                award=award,
                actor=actor,
                language=language,
                award_job=job,
                award_job_row=None if job is None else first_row + offset,
            )
            for offset, award in enumerate(awards)
        ]
    )
    AwardEmail.objects.bulk_create([AwardEmail(assertion=assertion) for assertion in assertions])
    audit_data = {"badge_class": badge_class.public_id}
    if job is not None:
        audit_data["award_job"] = job.public_id
    audit_record_bulk(action="assertion.awarded", targets=assertions, actor=actor, **audit_data)
    return assertions


@transaction.atomic
def badges_award_bulk(
    *, badge_class: BadgeClass, awards: list[AwardRequest], actor=None, language: str = ""
) -> list[Assertion]:
    """All or nothing, in the caller's process: for a few awards (a CSV file goes through an AwardJob)."""
    assertions = assertions_create_bulk(
        badge_class=badge_class, awards=awards, actor=actor, language=language
    )
    pks = [assertion.pk for assertion in assertions]
    transaction.on_commit(lambda: award_emails_send_task.enqueue(pks), robust=True)
    return assertions


@transaction.atomic
def assertion_revoke(*, assertion: Assertion, reason: str, actor) -> Assertion:
    assertion = Assertion.objects.select_for_update().get(pk=assertion.pk)
    if assertion.revoked:
        return assertion
    assertion.revoked_at = timezone.now()
    assertion.revocation_reason = reason.strip() or _("Revoked by the issuer.")
    assertion.save(update_fields=["revoked_at", "revocation_reason"])
    audit_record(
        action="assertion.revoked", target=assertion, actor=actor, reason=assertion.revocation_reason
    )
    return assertion
