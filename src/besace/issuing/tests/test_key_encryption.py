"""Issuers' private keys are stored encrypted with BESACE_KEY_ENCRYPTION_KEYS: nothing readable in the
database, a clear error (never a new key) when the setting has lost the key, and the encryption key can
be changed while everything signed before still verifies."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from besace.core.audit import audit_entries_for
from besace.issuing import credentials
from besace.issuing.checks import key_encryption_keys_usable
from besace.issuing.models import SigningKey
from besace.issuing.signing import issuer_keys_rotate, issuer_signing_key, signed_assertion_jws
from besace.openbadges import signing
from besace.openbadges.signing import verify_compact_jws
from besace.openbadges.verify.ob3 import verify_ob3
from besace.openbadges.verify.verifier import BadgeInput, verify_badge
from besace.testing.client_fetcher import ClientFetcher

EARNER = "earner@example.org"
BASE = "http://testserver"


def new_key() -> str:
    return Fernet.generate_key().decode()


def stored_private_keys() -> list[str]:
    """What the database itself holds, read without the model."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key_encrypted FROM issuing_signingkey")
        return [value for (value,) in cursor.fetchall()]


def signed_forms(assertion) -> list:
    """The award as a signed OB 2.0 JWS, an OB 3.0 credential with an eddsa-rdfc-2022 proof and a VC-JWT."""
    return [
        signed_assertion_jws(assertion),
        credentials.open_badge_credential(assertion),
        credentials.open_badge_credential_jwt(assertion),
    ]


def assert_verify(forms: list, client) -> None:
    fetcher = ClientFetcher(BASE, client)
    jws, *ob3_forms = forms
    assert verify_badge(BadgeInput(text=jws), fetcher=fetcher, recipient_emails=[EARNER]).valid
    for form in ob3_forms:
        result = verify_ob3(form, fetcher=fetcher, recipient_emails=[EARNER])
        assert result.valid, result.checks


def test_the_database_holds_no_private_key_in_clear(settings, award, client):
    settings.BESACE_KEY_ENCRYPTION_KEYS = [new_key()]
    assertion = award(EARNER)

    assert_verify(signed_forms(assertion), client)

    stored = stored_private_keys()
    assert len(stored) == 2  # an RSA and an Ed25519 key
    fernet = Fernet(settings.BESACE_KEY_ENCRYPTION_KEYS[0])
    for value in stored:
        assert "BEGIN" not in value and "PRIVATE" not in value
        assert fernet.decrypt(value.encode()).startswith(b"-----BEGIN PRIVATE KEY")


def test_each_private_key_is_decrypted_and_loaded_once(award):
    issuer = award(EARNER).badge_class.issuer
    rsa = issuer_signing_key(issuer, SigningKey.Algorithm.RSA)
    ed25519 = issuer_signing_key(issuer, SigningKey.Algorithm.ED25519)

    # Another instance of the same row gets the very same loaded key: no PEM is parsed again.
    assert SigningKey.objects.get(pk=rsa.pk).private_key() is rsa.private_key()
    assert SigningKey.objects.get(pk=ed25519.pk).private_key() is ed25519.private_key()
    assert rsa.private_key().export_to_pem().decode() == rsa.public_key_pem
    assert ed25519.private_key().public_key() == load_pem_public_key(ed25519.public_key_pem.encode())


def test_a_lost_encryption_key_is_a_clear_error_and_no_key_is_made_again(settings, award):
    settings.BESACE_KEY_ENCRYPTION_KEYS = [new_key()]
    assertion = award(EARNER)
    signed_forms(assertion)
    stored = stored_private_keys()

    settings.BESACE_KEY_ENCRYPTION_KEYS = [new_key()]
    for sign in (
        signed_assertion_jws,
        credentials.open_badge_credential,
        credentials.open_badge_credential_jwt,
    ):
        with pytest.raises(ImproperlyConfigured, match="BESACE_KEY_ENCRYPTION_KEYS"):
            sign(assertion)
    assert stored_private_keys() == stored


def test_without_the_setting_the_key_derived_from_secret_key_is_named_in_the_error(settings, award):
    settings.BESACE_KEY_ENCRYPTION_KEYS = []
    assertion = award(EARNER)
    signed_forms(assertion)

    settings.SECRET_KEY = "another secret key"
    with pytest.raises(ImproperlyConfigured, match="derived from SECRET_KEY"):
        signed_assertion_jws(assertion)


def test_a_malformed_encryption_key_is_reported_by_the_system_check(settings, issuer):
    settings.BESACE_KEY_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    [error] = key_encryption_keys_usable(None)
    assert error.id == "besace.issuing.E001" and "BESACE_KEY_ENCRYPTION_KEYS" in error.msg
    with pytest.raises(ImproperlyConfigured, match="BESACE_KEY_ENCRYPTION_KEYS"):
        issuer_signing_key(issuer)
    assert not SigningKey.objects.exists()

    settings.BESACE_KEY_ENCRYPTION_KEYS = [new_key()]
    assert key_encryption_keys_usable(None) == []


def test_badges_signed_before_a_key_rotation_and_a_new_encryption_key_still_verify(
    settings, award, owner, client
):
    old, new = new_key(), new_key()
    settings.BESACE_KEY_ENCRYPTION_KEYS = [old]
    assertion = award(EARNER)
    issuer = assertion.badge_class.issuer
    signed_first = signed_forms(assertion)
    issuer_keys_rotate(issuer=issuer, actor=owner)
    signed_after_rotation = signed_forms(assertion)

    settings.BESACE_KEY_ENCRYPTION_KEYS = [new, old]
    output = io.StringIO()
    call_command("rotate_key_encryption", stdout=output)
    assert output.getvalue().startswith("4 signing keys encrypted")
    settings.BESACE_KEY_ENCRYPTION_KEYS = [new]  # the operator drops the old key

    stored = stored_private_keys()
    assert len(stored) == 4  # two generations of an RSA and an Ed25519 key
    for value in stored:
        Fernet(new).decrypt(value.encode())
        with pytest.raises(InvalidToken):
            Fernet(old).decrypt(value.encode())
    signed_last = signed_forms(assertion)
    for forms in (signed_first, signed_after_rotation, signed_last):
        assert_verify(forms, client)
    assert signed_last[0] == signed_after_rotation[0]  # RS256 is deterministic: the same newest key signs
    [entry] = audit_entries_for(issuer).filter(action="issuer.key.reencrypted")
    assert sorted(entry.data["keys"]) == sorted(SigningKey.objects.values_list("public_id", flat=True))


def test_re_encryption_without_the_old_key_changes_nothing(settings, award):
    old = new_key()
    settings.BESACE_KEY_ENCRYPTION_KEYS = [old]
    signed_forms(award(EARNER))
    stored = stored_private_keys()

    settings.BESACE_KEY_ENCRYPTION_KEYS = [new_key()]
    with pytest.raises(CommandError, match="BESACE_KEY_ENCRYPTION_KEYS"):
        call_command("rotate_key_encryption")
    assert stored_private_keys() == stored
    assert not audit_entries_for(SigningKey.objects.first().issuer).filter(action="issuer.key.reencrypted")


ENCRYPTING_MIGRATION = ("issuing", "0005_signingkey_private_key_encrypted")
BEFORE_IT = ("issuing", "0004_award_job")


def migrate(target: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_clear_keys_and_back(settings):
    settings.BESACE_KEY_ENCRYPTION_KEYS = [new_key()]
    pem = signing.generate_private_key_pem()
    try:
        apps = migrate([BEFORE_IT])
        issuer = apps.get_model("issuing", "Issuer").objects.create(
            name="Before", url="https://before.example", email="badges@before.example"
        )
        apps.get_model("issuing", "SigningKey").objects.create(
            issuer=issuer, algorithm="rsa", private_key_pem=pem, public_key_pem=signing.public_key_pem(pem)
        )

        migrate([ENCRYPTING_MIGRATION])
        [stored] = stored_private_keys()
        assert "BEGIN" not in stored
        key = SigningKey.objects.get()
        assert verify_compact_jws(signing.sign_compact_jws({"a": 1}, key.private_key()), key.public_key_pem)

        apps = migrate([BEFORE_IT])
        assert apps.get_model("issuing", "SigningKey").objects.get().private_key_pem == pem
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
