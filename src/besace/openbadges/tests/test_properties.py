"""Properties of the standards core's parsers, whatever they are given (issue 7, "bad input at volume").

Round trips: any text baked into any badge image comes out the same. Hostile input: only the declared
errors come out (BakingError, OpenBadgesError, VerificationError), never a crash, and a forged JWS is
never accepted. The fuzzing of whole verifications lives in verify/test_fuzz.py and verify_ob3/.
"""

import base64
import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import example, given
from hypothesis import strategies as st

from besace.openbadges import hashing, jsonld_contexts
from besace.openbadges.errors import BakingError, OpenBadgesError, UnknownContextError
from besace.openbadges.images import bake_badge_image, read_image_payload, sniff_image_type
from besace.openbadges.signing import is_compact_jws
from besace.openbadges.verify import dates, jws, vc_jwt
from besace.openbadges.verify.mapped_fetcher import MappedFetcher
from besace.openbadges.verify.model import VerificationError

from .samples import SVG_BYTES, make_png
from .verify_ob3.helpers import did_key

PNG = make_png(8, 8)
# Any Unicode, lone surrogates included (JSON's "\ud800" decodes to one): what untrusted text can hold.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=200)
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --- Baking: PNG and SVG, OB 2.0 and OB 3.0 -----------------------------------------------------------


@pytest.mark.parametrize("image", [PNG, SVG_BYTES], ids=["png", "svg"])
@pytest.mark.parametrize("is_ob3", [False, True], ids=["ob2", "ob3"])
@given(value=st.text(max_size=300))
def test_any_unicode_json_payload_round_trips_through_any_image(image, is_ob3, value):
    payload = json.dumps({"id": "urn:uuid:1", "name": value}, ensure_ascii=False)
    baked = bake_badge_image(
        image, payload=payload, is_ob3_credential=is_ob3, hosted_url="https://x.example/a"
    )
    read = read_image_payload(baked)
    assert read.text == payload and read.is_ob3_credential is is_ob3
    assert sniff_image_type(baked) == sniff_image_type(image)


@pytest.mark.parametrize("image", [PNG, SVG_BYTES], ids=["png", "svg"])
@given(header=st.binary(max_size=40), payload=st.binary(max_size=200))
def test_a_compact_jws_round_trips_through_any_image(image, header, payload):
    token = f"{b64url(header)}.{b64url(payload)}.{b64url(b'sig')}"
    baked = bake_badge_image(image, payload=token, is_ob3_credential=False)
    assert read_image_payload(baked).text == token


@pytest.mark.parametrize("image", [PNG, SVG_BYTES], ids=["png", "svg"])
@given(payload=ANY_TEXT)
def test_any_text_is_baked_and_read_back_or_refused_with_a_baking_error(image, payload):
    try:
        baked = bake_badge_image(image, payload=payload, is_ob3_credential=False, hosted_url="https://x/a")
    except BakingError:
        return
    read = read_image_payload(baked)
    # SVG keeps a bare payload (not JSON) in its verify attribute: XML normalises line ends there.
    assert read is not None and read.text.replace("\r\n", "\n") in (payload, payload.replace("\r", "\n"))


@given(data=st.binary(max_size=600))
def test_any_bytes_read_as_an_image_raise_only_baking_errors(data):
    for reader in (read_image_payload, sniff_image_type):
        try:
            reader(data)
        except BakingError:
            pass


@given(data=st.binary(max_size=300), payload=st.text(max_size=50))
def test_baking_into_any_bytes_raises_only_baking_errors(data, payload):
    for prefix in (b"", b"\x89PNG\r\n\x1a\n", b'<svg xmlns="http://www.w3.org/2000/svg">'):
        try:
            bake_badge_image(prefix + data, payload=payload, is_ob3_credential=False)
        except BakingError:
            pass


# --- JSON-LD contexts ---------------------------------------------------------------------------------


@given(url=ANY_TEXT)
def test_any_context_url_is_shipped_or_refused_never_fetched(url):
    try:
        context = jsonld_contexts.load_context(url)
    except UnknownContextError:
        return
    assert isinstance(context, dict)


# --- JWS and VC-JWT ------------------------------------------------------------------------------------

SEGMENTS = st.one_of(
    st.text(max_size=60),
    st.binary(max_size=60).map(b64url),
    JSON_VALUES.map(lambda value: b64url(json.dumps(value).encode())),
)


@given(token=st.one_of(ANY_TEXT, st.lists(SEGMENTS, min_size=3, max_size=3).map(".".join)))
def test_any_string_read_as_a_jws_raises_only_verification_errors(token):
    try:
        read = jws.read_unverified(token)
    except VerificationError:
        assert not is_compact_jws(token) or token.count(".") == 2
        return
    assert isinstance(read.header, dict) and isinstance(read.payload_text, str)


@given(token=st.one_of(ANY_TEXT, st.lists(SEGMENTS, min_size=3, max_size=3).map(".".join)))
def test_any_string_decoded_as_a_vc_jwt_raises_only_verification_errors(token):
    try:
        decoded = vc_jwt.decode(token)
    except VerificationError:
        return
    vc_jwt.claim_problems(decoded)  # never raises


ISSUER_KEY = Ed25519PrivateKey.generate()
ISSUER = did_key(ISSUER_KEY)
CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": ISSUER,
}
WRONG_ALGORITHMS = st.sampled_from(["none", "None", "HS256", "HS512", "RS1", "PS256", "", "ES256K", "eddsa"])


@given(
    algorithm=WRONG_ALGORITHMS | st.text(max_size=10),
    signature=st.binary(max_size=100),
    extra=st.dictionaries(st.sampled_from(["kid", "jwk", "crit", "b64", "typ"]), JSON_VALUES, max_size=3),
)
def test_a_vc_jwt_with_a_forged_signature_or_a_wrong_algorithm_is_never_accepted(algorithm, signature, extra):
    header = {**extra, "alg": algorithm}
    header.setdefault("kid", f"{ISSUER}#{ISSUER.removeprefix('did:key:')}")
    payload = {"vc": CREDENTIAL, "iss": ISSUER}
    token = (
        f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}.{b64url(signature)}"
    )
    with pytest.raises(OpenBadgesError):  # VerificationError, JwtSignatureError...
        vc_jwt.verify_signature(vc_jwt.decode(token), fetcher=MappedFetcher(), issuer_id=ISSUER)


# --- Dates ---------------------------------------------------------------------------------------------


@given(value=JSON_VALUES | st.datetimes().map(datetime.isoformat))
def test_any_value_read_as_a_credential_date_is_a_zoned_datetime_or_none(value):
    parsed = dates.parse_datetime(value)
    assert parsed is None or parsed.tzinfo is not None


@given(credential=st.dictionaries(st.sampled_from(["validFrom", "validUntil", "issuanceDate"]), JSON_VALUES))
def test_any_validity_dates_give_a_reason_or_none(credential):
    problem = dates.validity_problem(credential, datetime.now(UTC))
    assert problem is None or isinstance(problem, str)


# --- E-mail addresses and recipient identities -------------------------------------------------------


@given(email=ANY_TEXT)
def test_normalising_an_address_is_idempotent(email):
    once = hashing.normalise_email(email)
    assert hashing.normalise_email(once) == once


@given(email=st.emails(), salt=st.text(max_size=20))
def test_an_address_matches_the_hash_of_its_normal_form_whatever_its_case(email, salt):
    hashed = hashing.hash_identity(hashing.normalise_email(email), salt)
    identity = {"type": "email", "hashed": True, "salt": salt, "identity": hashed}
    assert hashing.identity_matches(identity, f" {email.upper()} ")


@given(
    identity=st.dictionaries(
        st.sampled_from(["type", "hashed", "salt", "identity"]),
        JSON_VALUES | st.sampled_from(["email", True, "true", "sha256$00", "md5$00"]),
    ),
    email=ANY_TEXT,
)
@example(identity={"hashed": True, "salt": "\udfff", "identity": "sha256$00"}, email="a@example.org")
@example(identity={"hashed": True, "salt": "", "identity": "sha256$00"}, email="\ud800@example.org")
def test_any_identity_object_matches_or_not_without_raising(identity, email):
    assert hashing.identity_matches(identity, email) in (True, False)


@given(text=ANY_TEXT)
@example(text="\ud800@example.org")
def test_any_text_hashes_or_is_refused_with_an_open_badges_error(text):
    try:
        hashed = hashing.hash_identity(text, text)
    except OpenBadgesError:
        return
    assert hashed.startswith("sha256$")
