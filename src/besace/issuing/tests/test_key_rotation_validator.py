"""Key rotation and the 1EdTech validator-core: what it accepts of OB 2.0 assertions signed before and
after a rotation.

Besace lists every RSA key of the issuer in its profile's ``publicKey``, newest first, as OB 2.0 allows
("the key(s) an issuer uses"), so that assertions signed with an earlier key still verify. validator-core
1.1.2 allows only one ``publicKey`` value: once an issuer has rotated its keys it reports that one error
and nothing else; the signature and the key's ownership pass, for the old and the new key alike. See
docs/decisions/005-open-badges-3-credentials.md.
"""

import urllib.request

import pytest

from besace.issuing.signing import issuer_keys_rotate, issuer_signing_key
from besace.openbadges.verify.verifier import BadgeInput, verify_badge
from besace.testing.client_fetcher import ClientFetcher
from besace.testing.obvalidator import describe, errors, run_validator

pytestmark = pytest.mark.validator

EARNER = "earner@example.org"
SINGLE_KEY_ERROR = "has more than the single allowed value"


@pytest.fixture(autouse=True)
def base_url(settings, live_server, transactional_db) -> str:
    settings.BESACE_BASE_URL = live_server.url
    return live_server.url


def signed_jws(assertion) -> str:
    with urllib.request.urlopen(f"{assertion.public_url}/signed.jws", timeout=30) as response:
        return response.read().decode("ascii")


def test_jws_signed_before_and_after_a_rotation(award, owner, base_url):
    assertion = award(EARNER)
    issuer = assertion.badge_class.issuer
    before = signed_jws(assertion)
    old_key = issuer_signing_key(issuer)
    result = run_validator(before, recipient=EARNER)
    assert result["report"]["valid"] is True, describe(result)

    issuer_keys_rotate(issuer=issuer, actor=owner)
    after = signed_jws(assertion)

    new_key = issuer_signing_key(issuer)
    assert new_key != old_key
    for token, key in ((before, old_key), (after, new_key)):
        assert verify_badge(
            BadgeInput(text=token), fetcher=ClientFetcher(base_url), recipient_emails=[EARNER]
        ).valid
        result = run_validator(token, recipient=EARNER)
        [node] = [n for n in result["graph"] if n.get("id") == assertion.signed_id]
        assert node["verification"]["creator"] == key.public_url
        [error] = errors(result)
        assert (error["name"], error["prop_name"]) == ("VALIDATE_PROPERTY", "publicKey"), describe(result)
        assert SINGLE_KEY_ERROR in error["result"]
