"""Besace's issuing models as Open Badges 2.0 documents (built by the standards core)."""

from django.utils import timezone

from besace.issuing.models import Assertion, BadgeClass, Issuer, SigningKey, public_url
from besace.openbadges import ob2


def issuer_document(issuer: Issuer) -> dict:
    # The issuer's id is on Besace, like its assertions: hosted verification needs no allowedOrigins.
    return ob2.issuer_profile(
        id=issuer.public_url,
        name=issuer.name,
        url=issuer.url,
        email=issuer.email,
        description=issuer.description or None,
        image=public_url("public:issuer_image", issuer.public_id) if issuer.image else None,
        revocation_list=public_url("public:issuer_revocations", issuer.public_id),
        public_key=_public_keys(issuer),
    )


def _public_keys(issuer: Issuer) -> str | list[str] | None:
    """The issuer's RSA keys, newest first: earlier ones stay listed, so what they signed still verifies."""
    urls = [key.public_url for key in issuer.signing_keys.filter(algorithm=SigningKey.Algorithm.RSA)]
    return urls[0] if len(urls) == 1 else urls or None


def signing_key_document(key: SigningKey) -> dict:
    return ob2.cryptographic_key(
        id=key.public_url, owner=key.issuer.public_url, public_key_pem=key.public_key_pem
    )


def badge_class_document(badge_class: BadgeClass) -> dict:
    return ob2.badge_class(
        id=badge_class.public_url,
        name=badge_class.name,
        description=badge_class.description,
        image=badge_class.image_url,
        criteria_url=badge_class.criteria_url or None,
        criteria_narrative=badge_class.criteria_text or None,
        issuer=badge_class.issuer.public_url,
        alignments=[
            {
                "targetName": a.target_name,
                "targetUrl": a.target_url,
                "targetDescription": a.target_description,
                "targetFramework": a.target_framework,
                "targetCode": a.target_code,
            }
            for a in badge_class.alignments.all()
        ],
        tags=badge_class.tags,
    )


def assertion_document(assertion: Assertion) -> dict:
    """The hosted form: its id is its public URL, where it is re-fetched to be verified."""
    return ob2.assertion(
        id=assertion.public_url,
        image=assertion.baked_url,
        revoked=assertion.revoked,
        revocation_reason=assertion.revocation_reason or None,
        **_assertion_fields(assertion),
    )


def signed_assertion_document(assertion: Assertion, key: SigningKey) -> dict:
    """The signed form: a urn:uuid id, verified with the issuer's key and its revocation list."""
    return ob2.assertion(
        id=assertion.signed_id,
        image=assertion.badge_class.image_url,
        signing_key=key.public_url,
        **_assertion_fields(assertion),
    )


def _assertion_fields(assertion: Assertion) -> dict:
    evidence = []
    if assertion.evidence_url or assertion.evidence_narrative:
        item: dict = {}
        if assertion.evidence_url:
            item["id"] = assertion.evidence_url
        if assertion.evidence_narrative:
            item["narrative"] = assertion.evidence_narrative
        evidence.append(item)
    return {
        "badge": assertion.badge_class.public_url,
        "recipient_identity_hash": assertion.identity_hash,
        "salt": assertion.salt,
        # In the site's time zone, so the date part reads as the day the issuer chose ("issued on 15
        # January" is midnight in Paris, which in UTC is still the 14th).
        "issued_on": timezone.localtime(assertion.issued_on),
        "expires": timezone.localtime(assertion.expires) if assertion.expires else None,
        "narrative": assertion.narrative or None,
        "evidence": evidence,
    }


def revocation_list_document(issuer: Issuer) -> dict:
    revoked = Assertion.objects.filter(badge_class__issuer=issuer, revoked_at__isnull=False).order_by(
        "revoked_at"
    )
    return ob2.revocation_list(
        id=public_url("public:issuer_revocations", issuer.public_id),
        issuer=issuer.public_url,
        # Both forms of each revoked assertion: the hosted one (its URL) and the signed one (urn:uuid).
        revoked=[(id_, a.revocation_reason) for a in revoked for id_ in (a.public_url, a.signed_id)],
    )
