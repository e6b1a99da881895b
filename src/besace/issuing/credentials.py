"""Besace's awards as Open Badges 3.0 OpenBadgeCredentials, and the documents that verify them.

Every award is also an OpenBadgeCredential: with a Data Integrity proof (eddsa-rdfc-2022, the issuer's
Ed25519 key) or as a VC-JWT (RS256, the issuer's RSA key). Its id is the assertion's public URL, which
also serves it (content negotiation), and its status is the issuer's 1EdTech revocation list.

The issuer's OB 3.0 id is a did:web DID when Besace is served over HTTPS (did:web has no other
scheme), else its profile URL; every key a proof names resolves from Besace itself, through the DID
document or at the key's URL. See docs/decisions/005-open-badges-3-credentials.md.
"""

from django.conf import settings
from django.utils import timezone

from besace.issuing import jsonld
from besace.issuing.models import Assertion, Issuer, SigningKey, public_url
from besace.issuing.signing import issuer_signing_key
from besace.openbadges import ob3, ob3_signing

Algorithm = SigningKey.Algorithm


def publishes_did() -> bool:
    """did:web DIDs resolve over HTTPS only: a plain-HTTP Besace (development) identifies issuers by URL."""
    return settings.BESACE_BASE_URL.startswith("https://")


def issuer_did(issuer: Issuer) -> str:
    return ob3.did_web(public_url("public:issuer_did", issuer.public_id))


def issuer_id(issuer: Issuer) -> str:
    """The issuer's id in OB 3.0 credentials, and the controller of its keys."""
    return issuer_did(issuer) if publishes_did() else issuer.public_url


def verification_method_id(key: SigningKey) -> str:
    """What proofs and VC-JWT headers name the key by: a DID URL, or the key's own URL."""
    if publishes_did():
        return f"{issuer_did(key.issuer)}#{key.public_id}"
    return key.public_url


def _method(key: SigningKey, id: str) -> dict:
    build = (
        ob3_signing.multikey_method if key.algorithm == Algorithm.ED25519 else ob3_signing.json_web_key_method
    )
    return build(id=id, controller=issuer_id(key.issuer), public_key_pem=key.public_key_pem)


def key_document(key: SigningKey) -> dict:
    """What the key's URL serves: an Ed25519 key as a Multikey; an RSA key as the OB 2.0 CryptographicKey
    (which signed OB 2.0 assertions name) that also carries the key as a JWK, for VC-JWTs."""
    if key.algorithm == Algorithm.ED25519:
        return ob3_signing.standalone(_method(key, key.public_url))
    method = _method(key, key.public_url)
    return {
        **jsonld.signing_key_document(key),
        "controller": method["controller"],
        "publicKeyJwk": method["publicKeyJwk"],
    }


def did_document(issuer: Issuer) -> dict:
    """The issuer's DID document: all its keys, the retired ones too (what they signed still verifies)."""
    keys = issuer.signing_keys.select_related("issuer")
    return ob3.did_document(
        did=issuer_did(issuer),
        also_known_as=issuer.public_url,
        methods=[_method(key, verification_method_id(key)) for key in keys],
    )


def revocation_list_document(issuer: Issuer) -> dict:
    revoked = Assertion.objects.filter(badge_class__issuer=issuer, revoked_at__isnull=False).order_by(
        "revoked_at"
    )
    return ob3.revocation_list(
        id=public_url("public:issuer_credential_status", issuer.public_id),
        issuer=issuer_id(issuer),
        revoked=[(a.public_url, a.revocation_reason) for a in revoked],
    )


def unsigned_credential(assertion: Assertion) -> dict:
    badge_class = assertion.badge_class
    issuer = badge_class.issuer
    ob2_badge = jsonld.badge_class_document(badge_class)
    evidence = {}
    if assertion.evidence_url:
        evidence["id"] = assertion.evidence_url
    if assertion.evidence_narrative:
        evidence["narrative"] = assertion.evidence_narrative
    return ob3.open_badge_credential(
        id=assertion.public_url,
        issuer=ob3.profile(
            id=issuer_id(issuer),
            name=issuer.name,
            url=issuer.url,
            email=issuer.email,
            description=issuer.description or None,
            image_url=public_url("public:issuer_image", issuer.public_id) if issuer.image else None,
        ),
        achievement=ob3.achievement(
            id=badge_class.public_url,
            name=badge_class.name,
            description=badge_class.description,
            criteria_url=badge_class.criteria_url or None,
            criteria_narrative=badge_class.criteria_text or None,
            image_url=badge_class.image_url,
            alignments=ob2_badge.get("alignment", []),
            tags=badge_class.tags,
        ),
        # In the site's time zone, as the OB 2.0 forms (the date part reads as the day the issuer chose).
        valid_from=timezone.localtime(assertion.issued_on),
        valid_until=timezone.localtime(assertion.expires) if assertion.expires else None,
        recipient_identity_hash=assertion.identity_hash,
        salt=assertion.salt,
        narrative=assertion.narrative or None,
        evidence=[evidence] if evidence else [],
        status_list_url=public_url("public:issuer_credential_status", issuer.public_id),
    )


def open_badge_credential(assertion: Assertion, key: SigningKey | None = None) -> dict:
    """The award as an OpenBadgeCredential, with an eddsa-rdfc-2022 proof by the issuer's newest
    Ed25519 key (``key``, when the caller has already looked it up)."""
    key = key or issuer_signing_key(assertion.badge_class.issuer, Algorithm.ED25519)
    return ob3_signing.add_data_integrity_proof(
        unsigned_credential(assertion),
        key.private_key(),
        verification_method=verification_method_id(key),
        created=timezone.now(),
    )


def open_badge_credential_jwt(assertion: Assertion) -> str:
    """The award as a VC-JWT signed (RS256) by the issuer's newest RSA key, named by its ``kid``."""
    key = issuer_signing_key(assertion.badge_class.issuer, Algorithm.RSA)
    return ob3_signing.sign_vc_jwt(
        unsigned_credential(assertion), key.private_key(), kid=verification_method_id(key)
    )
