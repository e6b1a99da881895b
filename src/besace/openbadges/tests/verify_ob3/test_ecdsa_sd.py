"""ecdsa-sd-2023 derived proofs: 1EdTech's sample, proofs derived by the tests, and hostile ones."""

import base64
import copy
import hashlib
import re

import base58
import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from besace.openbadges import jsonld_contexts
from besace.openbadges.verify.data_integrity import ProofError, rdfc, verify_proof
from besace.openbadges.verify.did import key_from_method, resolve_verification_method
from besace.openbadges.verify.mapped_fetcher import MappedFetcher
from besace.openbadges.verify.model import CHECK_SIGNATURE, VerificationError
from besace.openbadges.verify.ob3 import verify_ob3

from .helpers import DCPV_OB30, NOW, badge, fixture_fetcher, load_json

DERIVED = load_json(DCPV_OB30 / "sd/derivedcredential.json")
DERIVED_PROOF = DERIVED["proof"][0]
FIXTURE_KEY = ec.EllipticCurvePublicKey.from_encoded_point(
    ec.SECP256R1(),
    base58.b58decode(DERIVED_PROOF["verificationMethod"].split("#")[1][1:])[2:],
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def failing(result) -> set[str]:
    return {check.name for check in result.checks if not check.passed}


def signature_message(result) -> str:
    return next(check.message for check in result.checks if check.name == CHECK_SIGNATURE)


# --- a test-side holder: derives proofs as the suite's issuer + holder would -------------------------


def multikey(public_key: ec.EllipticCurvePublicKey) -> bytes:
    return b"\x80\x24" + public_key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)


def did_key_p256(private_key: ec.EllipticCurvePrivateKey) -> str:
    return "did:key:z" + base58.b58encode(multikey(private_key.public_key())).decode()


def p1363(private_key: ec.EllipticCurvePrivateKey, message: bytes) -> bytes:
    r, s = decode_dss_signature(private_key.sign(message, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def encode(components: list, header: bytes = b"\xd9\x5d\x01") -> str:
    return "u" + base64.urlsafe_b64encode(header + cbor2.dumps(components)).rstrip(b"=").decode()


def derive(document, private_key, method, mandatory=lambda nquad: False, *, tamper=None):
    """A derived proof of everything in ``document`` (the revealed document), statement by statement."""
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-sd-2023",
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": method,
        "proofPurpose": "assertionMethod",
    }
    options = {**proof, "@context": document["@context"]}
    proof_hash = hashlib.sha256(rdfc(options, jsonld_contexts.load_context).encode()).digest()
    nquads = rdfc(document, jsonld_contexts.load_context)
    labels = sorted(set(re.findall(r"_:(c14n\d+)", nquads)))
    hmac_labels = {label: hashlib.sha256(label.encode()).digest() for label in labels}

    def relabelled(match):
        return "_:u" + base64.urlsafe_b64encode(hmac_labels[match.group(1)]).rstrip(b"=").decode()

    lines = sorted(re.sub(r"_:(c14n\d+)", relabelled, line) + "\n" for line in nquads.splitlines())
    indexes = [i for i, line in enumerate(lines) if mandatory(line)]
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    public = multikey(ephemeral.public_key())
    mandatory_hash = hashlib.sha256("".join(lines[i] for i in indexes).encode()).digest()
    components = [
        p1363(private_key, proof_hash + public + mandatory_hash),
        public,
        [p1363(ephemeral, line.encode()) for i, line in enumerate(lines) if i not in indexes],
        {int(label[4:]): value for label, value in hmac_labels.items()},
        indexes,
    ]
    if tamper:
        tamper(components)
    return {**document, "proof": [{**proof, "proofValue": encode(components)}]}


ISSUER_KEY = ec.generate_private_key(ec.SECP256R1())
ISSUER = did_key_p256(ISSUER_KEY)
METHOD = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"
BADGE = badge(ISSUER)


def is_mandatory(nquad: str) -> bool:
    return "#issuer>" in nquad or "rdf-syntax-ns#type" in nquad


# --- 1EdTech's derived credential ------------------------------------------------------------------


def test_the_1edtech_derived_credential_verifies():
    result = verify_ob3(DERIVED, fetcher=fixture_fetcher(), now=NOW)
    assert result.valid, result.checks
    assert signature_message(result) == "1 valid proof(s) by the issuer"
    verify_proof(DERIVED, DERIVED_PROOF, FIXTURE_KEY)


def _revealed_values(node, path=()):
    """Paths of every revealed string value (types, contexts and the proof aside)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("@context", "type", "proof"):
                yield from _revealed_values(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _revealed_values(value, (*path, index))
    elif isinstance(node, str):
        yield path


@pytest.mark.parametrize("path", list(_revealed_values(DERIVED)), ids=lambda path: ".".join(map(str, path)))
def test_altering_any_revealed_value_of_the_1edtech_credential_fails_the_signature(path):
    altered = copy.deepcopy(DERIVED)
    node = altered
    for step in path[:-1]:
        node = node[step]
    value = node[path[-1]]
    node[path[-1]] = value[:-1] + ("X" if not value.endswith("X") else "Y")
    result = verify_ob3(altered, fetcher=fixture_fetcher(), now=NOW)
    assert CHECK_SIGNATURE in failing(result)
    with pytest.raises(ProofError):
        verify_proof(altered, altered["proof"][0], FIXTURE_KEY)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["issuer"].pop("url"),  # withholding a statement the proof discloses
        lambda d: d.update(name="Added"),  # disclosing a statement the proof does not cover
        lambda d: d["credentialSubject"]["achievement"]["criteria"].update(id="https://x.example/c"),
        lambda d: d["proof"][0].update(created="2011-01-01T19:23:24Z"),  # proof options are signed too
        lambda d: d["proof"][0].update(verificationMethod=METHOD),  # another key
    ],
)
def test_other_alterations_of_the_1edtech_credential_fail(change):
    altered = copy.deepcopy(DERIVED)
    change(altered)
    assert CHECK_SIGNATURE in failing(verify_ob3(altered, fetcher=fixture_fetcher(), now=NOW))


# --- derived by the tests ----------------------------------------------------------------------------


def test_a_derived_proof_with_mandatory_statements_and_blank_nodes_verifies():
    signed = derive(BADGE, ISSUER_KEY, METHOD, is_mandatory)
    components = cbor2.loads(base64.urlsafe_b64decode(signed["proof"][0]["proofValue"][1:] + "==")[3:])
    assert components[4] and components[3]  # mandatory indexes and blank node labels both exercised
    result = verify_ob3(signed, fetcher=MappedFetcher(), now=NOW)
    assert result.valid, result.checks


@pytest.mark.parametrize(
    "tamper, message",
    [
        # A mandatory statement made optional, or the reverse (the signature count kept right).
        (lambda c: (c[4].pop(), c[2].append(bytes(64))), "base signature"),
        (lambda c: (c[4].append(max(c[4]) + 1), c[2].pop()), "base signature"),
        (lambda c: c[4].pop(), r"signs \d+ statement"),
        (lambda c: c[4].append(10_000), "past the revealed statements"),
        (lambda c: c[2].pop(), "signs"),
        (lambda c: c[2].reverse(), "does not match its signature"),
        (lambda c: c.__setitem__(1, multikey(ec.generate_private_key(ec.SECP256R1()).public_key())), "base"),
        (lambda c: c.__setitem__(0, bytes(64)), "base signature"),
        (lambda c: c.__setitem__(3, {k + 1: v for k, v in c[3].items()}), "no label"),
        (lambda c: c.__setitem__(3, {k: bytes([k]) * 32 for k in c[3]}), "signature does not match"),
        (lambda c: c.__setitem__(3, {"c14n0": bytes(32)}), "label map"),
        (lambda c: c.__setitem__(3, {k: bytes(32) for k in c[3]}), "same label"),
        (lambda c: c.__setitem__(1, b"\x80\x24" + bytes(33)), "base signature"),
        (lambda c: c.pop(), "five components"),
    ],
)
def test_tampered_derived_proofs_fail(tamper, message):
    signed = derive(BADGE, ISSUER_KEY, METHOD, is_mandatory, tamper=tamper)
    with pytest.raises(ProofError, match=message):
        verify_proof(signed, signed["proof"][0], ISSUER_KEY.public_key())
    assert CHECK_SIGNATURE in failing(verify_ob3(signed, fetcher=MappedFetcher(), now=NOW))


def test_altering_a_mandatory_statement_fails_the_base_signature():
    signed = derive(BADGE, ISSUER_KEY, METHOD, is_mandatory)
    signed["issuer"]["id"] = "https://issuer.example/someone-else"
    with pytest.raises(ProofError, match="base signature"):
        verify_proof(signed, signed["proof"][0], ISSUER_KEY.public_key())


def test_a_base_proof_is_refused_the_holder_must_derive_first():
    base = derive(BADGE, ISSUER_KEY, METHOD)
    proof = base["proof"][0]
    # Base proof components: baseSignature, publicKey, hmacKey, signatures, mandatoryPointers.
    proof["proofValue"] = encode([bytes(64), bytes(35), bytes(32), [], ["/issuer"]], b"\xd9\x5d\x00")
    with pytest.raises(ProofError, match="base proof.*must derive"):
        verify_proof(base, proof, ISSUER_KEY.public_key())
    result = verify_ob3(base, fetcher=MappedFetcher(), now=NOW)
    assert failing(result) == {CHECK_SIGNATURE} and "derive" in signature_message(result)


def test_the_key_must_be_p256():
    with pytest.raises(ProofError, match="P-256"):
        verify_proof(DERIVED, DERIVED_PROOF, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(ProofError, match="P-256"):
        verify_proof(DERIVED, DERIVED_PROOF, ec.generate_private_key(ec.SECP384R1()).public_key())


def test_p256_multikeys_resolve():
    key = resolve_verification_method(METHOD, fetcher=MappedFetcher())
    assert key.public_key == ISSUER_KEY.public_key() and key.confirmed
    multibase = METHOD.split("#")[1]
    fragment = resolve_verification_method(f"https://issuer.example/p#{multibase}", fetcher=MappedFetcher())
    assert fragment.public_key == ISSUER_KEY.public_key() and not fragment.confirmed
    assert key_from_method({"publicKeyMultibase": multibase}) == ISSUER_KEY.public_key()


# --- garbage -------------------------------------------------------------------------------------


def _expect_proof_error(value: object) -> None:
    proof = {**DERIVED_PROOF, "proofValue": value}
    with pytest.raises(ProofError):
        verify_proof(DERIVED, proof, FIXTURE_KEY)


CBOR_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.binary(max_size=70),
        st.sampled_from([bytes(32), bytes(35), bytes(64), b"\x80\x24" + bytes(33)]),
        st.text(max_size=10),
        st.floats(),
    ),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.integers(-3, 20), inner, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(st.one_of(st.text(max_size=80), st.binary(max_size=200).map(lambda b: encode_raw(b))))
def test_garbage_proof_values_raise_only_proof_errors(value):
    _expect_proof_error(value)


def encode_raw(raw: bytes, header: bytes = b"") -> str:
    return "u" + base64.urlsafe_b64encode(header + raw).rstrip(b"=").decode()


@FUZZ
@given(st.binary(max_size=200), st.sampled_from([b"\xd9\x5d\x01", b"\xd9\x5d\x00"]))
def test_garbage_after_the_header_raises_only_proof_errors(raw, header):
    _expect_proof_error(encode_raw(raw, header))


@FUZZ
@given(CBOR_VALUES)
def test_ill_typed_components_raise_only_proof_errors(components):
    _expect_proof_error(encode(components))


@FUZZ
@given(st.data())
def test_corrupted_1edtech_proof_values_fail(data):
    value = DERIVED_PROOF["proofValue"]
    raw = bytearray(base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4)))
    position = data.draw(st.integers(0, len(raw) - 1))
    raw[position] ^= data.draw(st.integers(1, 255))
    _expect_proof_error(encode_raw(bytes(raw)))
    credential = {**DERIVED, "proof": [{**DERIVED_PROOF, "proofValue": encode_raw(bytes(raw))}]}
    try:
        result = verify_ob3(credential, fetcher=fixture_fetcher(), now=NOW)
    except VerificationError:
        return
    assert CHECK_SIGNATURE in failing(result)
