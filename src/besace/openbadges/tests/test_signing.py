"""RS256 compact JWS of signed assertions: round trip, hostile tokens, and a cross-check that it is standard.

``verify_compact_jws`` must give back the payload of a token signed by the key, and raise OpenBadgesError,
and nothing else, for every other input. The cross-check verifies Besace's tokens with the
``cryptography`` package alone (RSASSA-PKCS1-v1_5 with SHA-256 over ``header.payload``, RFC 7518 §3.3),
and the other way round, so that any other RS256 implementation (validator-core's python-jose,
backpacks) reads them.
"""

import base64
import hashlib
import hmac
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from besace.openbadges import signing
from besace.openbadges.errors import OpenBadgesError

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ASSERTION = {
    "@context": "https://w3id.org/openbadges/v2",
    "id": "urn:uuid:2f1bd4b1-8a5b-4ef5-9f5c-0d3c6b1d7a11",
    "type": "Assertion",
    "recipient": {"type": "email", "hashed": True, "salt": "deadsea", "identity": "sha256$ab"},
    "badge": "https://besace.example/public/badges/abc",
    "verification": {"type": "signed", "creator": "https://besace.example/public/issuers/i/keys/k"},
    "issuedOn": "2024-01-15T10:00:00+00:00",
    "narrative": "Réussi l'épreuve « finale » — 🎓",
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64json(value) -> str:
    return b64url(json.dumps(value).encode())


@pytest.fixture(scope="module")
def private_pem() -> str:
    return signing.generate_private_key_pem()


@pytest.fixture(scope="module")
def public_pem(private_pem) -> str:
    return signing.public_key_pem(private_pem)


@pytest.fixture(scope="module")
def other_public_pem() -> str:
    return signing.public_key_pem(signing.generate_private_key_pem())


@pytest.fixture(scope="module")
def token(private_pem) -> str:
    return signing.sign_compact_jws(ASSERTION, signing.load_pem_key(private_pem))


def rejected(token, public_pem: str) -> OpenBadgesError:
    with pytest.raises(OpenBadgesError) as info:
        signing.verify_compact_jws(token, public_pem)
    return info.value


# --- keys and the round trip ----------------------------------------------------------------------------


def test_keys_are_pem_rsa_2048(private_pem, public_pem):
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    public = serialization.load_pem_public_key(public_pem.encode())
    assert isinstance(private, rsa.RSAPrivateKey)
    assert private.key_size == signing.RSA_KEY_BITS == 2048
    assert public.public_numbers() == private.public_key().public_numbers()
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in public_pem


def test_sign_verify_round_trip(token, public_pem):
    assert signing.verify_compact_jws(token, public_pem) == ASSERTION
    # Surrounding white space (a JWS pasted or read from a file) is tolerated.
    assert signing.verify_compact_jws(f"  {token}\n", public_pem) == ASSERTION


def test_token_is_compact_rs256_with_the_payload_as_json(token):
    header, payload, signature = token.split(".")
    assert json.loads(b64url_decode(header)) == {"alg": "RS256"}
    assert json.loads(b64url_decode(payload).decode("utf-8")) == ASSERTION
    assert len(b64url_decode(signature)) == 256  # a 2048-bit RSA signature
    assert "=" not in token  # base64url without padding (RFC 7515 §2)


def test_each_key_is_new(private_pem):
    assert signing.generate_private_key_pem() != private_pem


# --- the cross-check with an independent implementation -----------------------------------------------


def test_besace_token_verifies_with_cryptography_alone(token, private_pem, public_pem):
    header, payload, signature = token.split(".")
    key = serialization.load_pem_public_key(public_pem.encode())
    # Raises InvalidSignature unless this is RSASSA-PKCS1-v1_5 SHA-256 over the ASCII "header.payload".
    key.verify(
        b64url_decode(signature), f"{header}.{payload}".encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
    )
    with pytest.raises(InvalidSignature):
        key.verify(
            b64url_decode(signature), f"{header}.{payload}x".encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    # Deterministic, as PKCS#1 v1.5 is: signing again gives the very same token.
    assert signing.sign_compact_jws(ASSERTION, signing.load_pem_key(private_pem)) == token


def test_token_made_with_cryptography_alone_verifies_with_besace(private_pem, public_pem, token):
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    signing_input = f"{b64json({'alg': 'RS256', 'typ': 'JWT'})}.{b64url(json.dumps(ASSERTION).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    foreign = f"{signing_input}.{b64url(signature)}"
    assert signing.verify_compact_jws(foreign, public_pem) == ASSERTION

    # And both sides agree byte for byte on the signature of the same signing input.
    header, payload, besace_signature = token.split(".")
    assert (
        b64url(key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()))
        == besace_signature
    )


# --- what is refused ------------------------------------------------------------------------------------


def test_tampered_payload_is_refused(token, public_pem):
    header, _, signature = token.split(".")
    forged = dict(ASSERTION, issuedOn="2020-01-01T00:00:00+00:00")
    assert "does not verify" in str(rejected(f"{header}.{b64json(forged)}.{signature}", public_pem))


def test_tampered_signature_or_header_is_refused(token, public_pem):
    header, payload, signature = token.split(".")
    raw = bytearray(b64url_decode(signature))
    raw[-1] ^= 1
    rejected(f"{header}.{payload}.{b64url(bytes(raw))}", public_pem)
    rejected(f"{b64json({'alg': 'RS256', 'kid': 'x'})}.{payload}.{signature}", public_pem)
    rejected(f"{header}.{payload}", public_pem)  # signature left out
    rejected(f"{header}.{payload}.", public_pem)


def test_another_issuers_key_is_refused(token, other_public_pem):
    rejected(token, other_public_pem)


def test_alg_none_is_refused(token, public_pem):
    _, payload, signature = token.split(".")
    rejected(f"{b64json({'alg': 'none'})}.{payload}.", public_pem)
    rejected(f"{b64json({'alg': 'none'})}.{payload}.{signature}", public_pem)
    rejected(f"{b64json({'alg': 'None'})}.{payload}.", public_pem)


def test_hs256_signed_with_the_public_key_is_refused(public_pem):
    # The classic algorithm confusion: an HMAC keyed with the (public) PEM must not pass for RS256.
    signing_input = f"{b64json({'alg': 'HS256'})}.{b64url(json.dumps(ASSERTION).encode())}"
    mac = hmac.new(public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    rejected(f"{signing_input}.{b64url(mac)}", public_pem)


@pytest.mark.parametrize("alg", ["RS384", "RS512", "PS256", "ES256"])
def test_other_algorithms_are_refused_even_with_a_valid_signature(private_pem, public_pem, alg):
    from jwcrypto import jwk, jws

    token = jws.JWS(json.dumps(ASSERTION).encode())
    key = jwk.JWK.from_pem(private_pem.encode()) if alg[0] != "E" else jwk.JWK.generate(kty="EC", crv="P-256")
    token.add_signature(key, alg=alg, protected=json.dumps({"alg": alg}))
    rejected(token.serialize(compact=True), public_pem)


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"", b"[1, 2, 3]", b'"a string"', b"42", b"null", b"\xff\xfe invalid utf-8", b'{"a": '],
    ids=["text", "empty", "array", "string", "number", "null", "bad-utf8", "truncated"],
)
def test_validly_signed_payload_that_is_not_a_json_object_is_refused(private_pem, public_pem, payload):
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    signing_input = f"{b64json({'alg': 'RS256'})}.{b64url(payload)}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    rejected(f"{signing_input}.{b64url(signature)}", public_pem)


def test_json_serialisations_are_refused(token, public_pem):
    # jwcrypto also reads the JSON serialisations; this verifies the compact one only (the signature
    # below is valid: only the form is refused).
    header, payload, signature = token.split(".")
    flattened = json.dumps({"protected": header, "payload": payload, "signature": signature})
    assert "not a compact JWS" in str(rejected(flattened, public_pem))
    general = json.dumps({"payload": payload, "signatures": [{"protected": header, "signature": signature}]})
    rejected(general, public_pem)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        " ",
        "....",
        "a.b",
        "a.b.c.d",
        "a.b.c",
        "!!!.???.***",
        "é.é.é",
        "ａ.ｂ.ｃ",
        "\x00",
        "\ud800.a.b",
        "[" * 100_000,
        "{" * 10,
        "e30.e30.e30",
        "eyJhbGciOiJSUzI1NiJ9.e30.AAAA",
    ],
)
def test_garbage_strings_are_refused(garbage, public_pem):
    rejected(garbage, public_pem)


@pytest.mark.parametrize("not_text", [None, 42, b"a.b.c", ["a", "b", "c"], {"payload": "e30"}])
def test_non_strings_are_refused(not_text, public_pem):
    rejected(not_text, public_pem)


@pytest.mark.parametrize(
    "header",
    [
        "[" * 50_000,  # deeply nested: must not reach a RecursionError
        "[1, 2]",
        '"RS256"',
        "null",
        "{}",
        '{"alg": ["RS256"]}',
        '{"alg": null}',
        '{"alg": "RS256", "crit": ["exp"]}',
        '{"alg": "RS256", "b64": false, "crit": ["b64"]}',
        '{"alg": "RS256", "jwk": 5}',
    ],
)
def test_hostile_headers_with_a_real_signature_are_refused(token, public_pem, header):
    _, payload, signature = token.split(".")
    rejected(f"{b64url(header.encode())}.{payload}.{signature}", public_pem)


@pytest.mark.parametrize(
    "key", ["", "garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"]
)
def test_unusable_key_is_an_open_badges_error(token, key):
    assert "not a usable PEM key" in str(rejected(token, key))


# --- fuzzing --------------------------------------------------------------------------------------------

B64URL = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=64)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
HEADERS = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries(
        {"alg": st.sampled_from(["RS256", "none", "HS256", "RS512", "rs256", "", None])},
        optional={"crit": JSON_VALUES, "b64": st.booleans(), "kid": JSON_VALUES, "typ": st.text(max_size=8)},
    ),
)


def only_open_badges_errors(token, public_pem: str) -> None:
    try:
        signing.verify_compact_jws(token, public_pem)
    except OpenBadgesError:
        pass


@FUZZ
@given(st.text(max_size=300))
def test_random_text_only_raises_open_badges_errors(public_pem, text):
    only_open_badges_errors(text, public_pem)


@FUZZ
@given(st.lists(B64URL, min_size=0, max_size=5))
def test_random_base64url_parts_only_raise_open_badges_errors(public_pem, parts):
    only_open_badges_errors(".".join(parts), public_pem)


@FUZZ
@given(header=HEADERS, payload=JSON_VALUES, signature=B64URL | st.sampled_from(["", "x"]))
def test_random_json_parts_only_raise_open_badges_errors(public_pem, token, header, payload, signature):
    real_signature = token.split(".")[2]
    for sig in (signature, real_signature):
        candidate = f"{b64json(header)}.{b64json(payload)}.{sig}"
        only_open_badges_errors(candidate, public_pem)


@FUZZ
@given(position=st.integers(min_value=0), replacement=st.characters(), delete=st.booleans())
def test_one_character_changed_in_a_real_token_is_refused_or_equivalent(
    token, public_pem, position, replacement, delete
):
    position %= len(token)
    mutated = token[:position] + ("" if delete else replacement) + token[position + 1 :]
    try:
        payload = signing.verify_compact_jws(mutated, public_pem)
    except OpenBadgesError:
        return
    # Only a change that decodes to the same bytes may still verify (e.g. the unused low bits of the
    # last base64url character of a part): never another payload.
    assert payload == ASSERTION
