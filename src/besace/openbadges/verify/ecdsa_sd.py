"""Derived proofs of the ecdsa-sd-2023 cryptosuite (W3C Data Integrity ECDSA Cryptosuites v1.0, §3.4).

A selective-disclosure credential is signed twice over. The issuer signs, with its P-256 key, the hash
of the proof options, an ephemeral public key and the hash of the mandatory N-Quads (the statements a
holder can never withhold); the ephemeral key signs every other N-Quad on its own. The holder reveals
a subset of the credential with a *derived* proof: the issuer's base signature, the ephemeral key, the
signatures of the revealed non-mandatory N-Quads, the blank node labels the issuer used (HMAC-based,
so they do not leak the hidden statements) and which revealed N-Quads are mandatory.

This module checks such a proof given the two things that need JSON-LD (the hash of the canonical
proof options and the canonical N-Quads of the revealed document, which ``data_integrity`` computes);
it raises SelectiveDisclosureError, and nothing else, when the proof is malformed or does not verify.
"""

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ..errors import OpenBadgesError
from .did import KeyResolutionError, p256_from_multikey_bytes

SUITE = "ecdsa-sd-2023"
# CBOR tag 0x5d00 / 0x5d01 (as the three bytes d9 5d 0x), which starts every proof value of the suite.
BASE_PROOF_HEADER = b"\xd9\x5d\x00"
DERIVED_PROOF_HEADER = b"\xd9\x5d\x01"
_P256_SIGNATURE_BYTES = 64  # IEEE P1363: r || s, 32 bytes each
_P256_MULTIKEY_BYTES = 35  # multicodec 0x1200 (varint 80 24) + compressed point
_HMAC_LABEL_BYTES = 32  # HMAC-SHA-256
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
# In a canonical N-Quad, an IRI, a literal (quotes inside are escaped) or a blank node label: IRIs and
# literals are matched only to be skipped, so that text looking like a label inside them is left alone.
_NQUAD_TERMS = re.compile(r'<[^>]*>|"(?:[^"\\]|\\.)*"|_:(c14n[0-9]+)')


class SelectiveDisclosureError(OpenBadgesError):
    """The ecdsa-sd-2023 proof is malformed or does not verify (the message says which)."""


@dataclass(frozen=True)
class DerivedProof:
    base_signature: bytes
    public_key: bytes  # the ephemeral P-256 key, as multikey bytes (multicodec header included)
    signatures: tuple[bytes, ...]  # one per revealed non-mandatory N-Quad, in canonical order
    label_map: dict[str, str]  # canonical blank node label (c14nN) -> the issuer's label (u...)
    mandatory_indexes: tuple[int, ...]


def parse_derived_proof_value(value: object) -> DerivedProof:
    """The components of a derived proof value (``u`` multibase, base64url without padding, CBOR)."""
    if not isinstance(value, str) or not value.startswith("u") or not _BASE64URL.fullmatch(value[1:]):
        raise SelectiveDisclosureError("the proofValue is not base64url multibase (u...)")
    try:
        raw = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
    except (binascii.Error, ValueError) as error:
        raise SelectiveDisclosureError("the proofValue is not valid base64url") from error
    if raw.startswith(BASE_PROOF_HEADER):
        raise SelectiveDisclosureError(
            "this is an ecdsa-sd-2023 base proof, meant for the holder only: the holder must derive a "
            "proof (choosing what to disclose) before presenting the credential"
        )
    if not raw.startswith(DERIVED_PROOF_HEADER):
        raise SelectiveDisclosureError("the proofValue is not an ecdsa-sd-2023 derived proof")
    try:
        components = cbor2.loads(raw[len(DERIVED_PROOF_HEADER) :])
    except (cbor2.CBORError, ValueError, TypeError, LookupError, OverflowError, RecursionError) as error:
        raise SelectiveDisclosureError("the derived proof value is not valid CBOR") from error
    if not isinstance(components, list) or len(components) != 5:
        raise SelectiveDisclosureError("the derived proof value does not hold its five components")
    base_signature, public_key, signatures, label_map, mandatory_indexes = components
    if not _is_bytes(base_signature, _P256_SIGNATURE_BYTES):
        raise SelectiveDisclosureError("the base signature is not a 64-byte P-256 signature")
    if not _is_bytes(public_key, _P256_MULTIKEY_BYTES):
        raise SelectiveDisclosureError("the ephemeral public key is not a P-256 multikey")
    if not isinstance(signatures, list) or not all(_is_bytes(s, _P256_SIGNATURE_BYTES) for s in signatures):
        raise SelectiveDisclosureError("the N-Quad signatures are not a list of 64-byte P-256 signatures")
    if not isinstance(mandatory_indexes, list) or not all(_is_index(i) for i in mandatory_indexes):
        raise SelectiveDisclosureError("the mandatory indexes are not a list of non-negative integers")
    return DerivedProof(
        base_signature,
        public_key,
        tuple(signatures),
        _decompress_label_map(label_map),
        tuple(mandatory_indexes),
    )


def verify_derived_proof(
    proof_value: object, issuer_key: ec.EllipticCurvePublicKey, proof_hash: bytes, canonical_nquads: str
) -> None:
    """Raise SelectiveDisclosureError unless the derived proof covers the revealed document.

    ``proof_hash`` is the SHA-256 of the canonical proof options (without proofValue, with the
    document's @context); ``canonical_nquads`` the RDFC-1.0 canonical form of the revealed document
    (without its proof), with pyld's ``_:c14nN`` blank node labels.
    """
    if not isinstance(issuer_key, ec.EllipticCurvePublicKey) or not isinstance(
        issuer_key.curve, ec.SECP256R1
    ):
        raise SelectiveDisclosureError("the verification method is not a P-256 key, as ecdsa-sd-2023 needs")
    proof = parse_derived_proof_value(proof_value)
    nquads = relabel(canonical_nquads, proof.label_map)
    if any(index >= len(nquads) for index in proof.mandatory_indexes):
        raise SelectiveDisclosureError("a mandatory index points past the revealed statements")
    mandatory_positions = set(proof.mandatory_indexes)
    mandatory = [nquad for i, nquad in enumerate(nquads) if i in mandatory_positions]
    non_mandatory = [nquad for i, nquad in enumerate(nquads) if i not in mandatory_positions]
    if len(proof.signatures) != len(non_mandatory):
        raise SelectiveDisclosureError(
            f"the derived proof signs {len(proof.signatures)} statement(s), the credential reveals "
            f"{len(non_mandatory)} non-mandatory one(s) (altered?)"
        )
    mandatory_hash = hashlib.sha256("".join(mandatory).encode("utf-8")).digest()
    if not _verifies(issuer_key, proof.base_signature, proof_hash + proof.public_key + mandatory_hash):
        raise SelectiveDisclosureError(
            "the issuer's base signature does not match the credential's mandatory statements and proof "
            "options (altered, or another key)"
        )
    try:
        ephemeral_key = p256_from_multikey_bytes(proof.public_key)
    except KeyResolutionError as error:
        raise SelectiveDisclosureError(f"the ephemeral public key is unusable: {error}") from error
    for signature, nquad in zip(proof.signatures, non_mandatory, strict=True):
        if not _verifies(ephemeral_key, signature, nquad.encode("utf-8")):
            raise SelectiveDisclosureError(
                "a disclosed statement does not match its signature (altered credential)"
            )


def relabel(canonical_nquads: str, label_map: dict[str, str]) -> list[str]:
    """The canonical N-Quads (one string each, newline included) with the issuer's blank node labels,
    sorted again, as the issuer's N-Quads were when it signed them."""
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        label = match.group(1)
        if label is None:
            return match.group(0)
        if label not in label_map:
            missing.append(label)
            return match.group(0)
        return "_:" + label_map[label]

    lines = [line + "\n" for line in canonical_nquads.split("\n") if line]
    relabelled = sorted(_NQUAD_TERMS.sub(replace, line) for line in lines)
    if missing:
        raise SelectiveDisclosureError(f"the derived proof has no label for blank node _:{missing[0]:.20}")
    return relabelled


def _decompress_label_map(value: Any) -> dict[str, str]:
    """CBOR {N: HMAC bytes} -> {"c14nN": "u" + base64url(HMAC bytes)}."""
    if not isinstance(value, dict):
        raise SelectiveDisclosureError("the label map is not a CBOR map")
    label_map: dict[str, str] = {}
    for key, label in value.items():
        if not _is_index(key) or not _is_bytes(label, _HMAC_LABEL_BYTES):
            raise SelectiveDisclosureError("the label map does not map integers to 32-byte labels")
        label_map[f"c14n{key}"] = "u" + base64.urlsafe_b64encode(label).rstrip(b"=").decode("ascii")
    if len(set(label_map.values())) != len(label_map):
        # Two blank nodes under one signed label would split one of the issuer's nodes in two.
        raise SelectiveDisclosureError("the label map gives two blank nodes the same label")
    return label_map


def _verifies(key: ec.EllipticCurvePublicKey, signature: bytes, message: bytes) -> bool:
    """ECDSA with SHA-256 over ``message``; ``signature`` is IEEE P1363 (r || s), as Data Integrity uses."""
    half = len(signature) // 2
    r, s = int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
    try:
        key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _is_bytes(value: object, length: int) -> bool:
    return isinstance(value, bytes) and len(value) == length


def _is_index(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
