"""Issuer keys and the signed forms of Besace-issued assertions.

Each issuer has an RSA key (OB 2.0 JWS, OB 3.0 VC-JWT) and an Ed25519 key (OB 3.0 Data Integrity
proofs), each made on first use. Rotating makes new ones; new signatures use the newest key of each
kind, and older keys stay published so that what they signed still verifies.
"""

from collections import defaultdict

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from besace.core.audit import audit_record
from besace.issuing import jsonld, key_encryption
from besace.issuing.models import Assertion, Issuer, SigningKey
from besace.openbadges import ob3_signing, signing

Algorithm = SigningKey.Algorithm


def issuer_signing_key(issuer: Issuer, algorithm: str = Algorithm.RSA) -> SigningKey:
    """The issuer's newest key of this kind, made on first use (and recorded) so issuers that never
    sign have none."""
    key = issuer.signing_keys.filter(algorithm=algorithm).first()
    if key is not None:
        return key
    with transaction.atomic():
        Issuer.objects.select_for_update().get(pk=issuer.pk)  # one key even when two requests race
        key = issuer.signing_keys.filter(algorithm=algorithm).first()
        if key is None:
            key = _key_create(issuer, algorithm)
            audit_record(action="issuer.key.created", target=issuer, key=key.public_id, algorithm=algorithm)
    return key


@transaction.atomic
def issuer_keys_rotate(*, issuer: Issuer, actor) -> list[SigningKey]:
    """New keys of both kinds for the issuer; the old ones stay published, so earlier signatures
    still verify, and are no longer used to sign."""
    Issuer.objects.select_for_update().get(pk=issuer.pk)
    keys = [_key_create(issuer, algorithm) for algorithm in Algorithm.values]
    audit_record(
        action="issuer.key.rotated", target=issuer, actor=actor, keys=[key.public_id for key in keys]
    )
    return keys


@transaction.atomic
def signing_keys_reencrypt() -> int:
    """Every private key encrypted again with the first key of BESACE_KEY_ENCRYPTION_KEYS, so that the
    others can be removed from the setting; all or none. Returns how many keys were re-encrypted."""
    keys = list(SigningKey.objects.select_for_update(of=("self",)).select_related("issuer").order_by("pk"))
    for key in keys:
        try:
            key.private_key_encrypted = key_encryption.reencrypt(key.private_key_encrypted)
        except ImproperlyConfigured as error:
            raise ImproperlyConfigured(f"{key}: {error}") from None
    SigningKey.objects.bulk_update(keys, ["private_key_encrypted"], batch_size=500)
    by_issuer = defaultdict(list)
    for key in keys:
        by_issuer[key.issuer].append(key.public_id)
    for issuer, public_ids in by_issuer.items():
        audit_record(action="issuer.key.reencrypted", target=issuer, keys=public_ids)
    return len(keys)


def _key_create(issuer: Issuer, algorithm: str) -> SigningKey:
    if algorithm == Algorithm.ED25519:
        private_pem = ob3_signing.generate_ed25519_private_key_pem()
        public_pem = ob3_signing.ed25519_public_key_pem(private_pem)
    else:
        private_pem = signing.generate_private_key_pem()
        public_pem = signing.public_key_pem(private_pem)
    return SigningKey.objects.create(
        issuer=issuer,
        algorithm=algorithm,
        private_key_encrypted=key_encryption.encrypt(private_pem),
        public_key_pem=public_pem,
    )


def signed_assertion_jws(assertion: Assertion) -> str:
    key = issuer_signing_key(assertion.badge_class.issuer)
    return signing.sign_compact_jws(jsonld.signed_assertion_document(assertion, key), key.private_key())
