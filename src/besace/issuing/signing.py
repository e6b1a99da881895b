"""Signed forms of Besace-issued assertions: each issuer signs with its own RSA key (RS256 JWS)."""

from django.db import transaction

from besace.core.audit import audit_record
from besace.issuing import jsonld
from besace.issuing.models import Assertion, Issuer, SigningKey
from besace.openbadges import signing


def issuer_signing_key(issuer: Issuer) -> SigningKey:
    """The issuer's current key, made on first use (and recorded) so issuers that never sign have none."""
    key = issuer.signing_keys.first()
    if key is not None:
        return key
    with transaction.atomic():
        Issuer.objects.select_for_update().get(pk=issuer.pk)  # one key even when two requests race
        key = issuer.signing_keys.first()
        if key is None:
            private_pem = signing.generate_private_key_pem()
            key = SigningKey.objects.create(
                issuer=issuer, private_key_pem=private_pem, public_key_pem=signing.public_key_pem(private_pem)
            )
            audit_record(action="issuer.key.created", target=issuer, key=key.public_id)
    return key


def signed_assertion_jws(assertion: Assertion) -> str:
    key = issuer_signing_key(assertion.badge_class.issuer)
    return signing.sign_compact_jws(jsonld.signed_assertion_document(assertion, key), key.private_key_pem)
