"""Hostile credentials: whatever comes in, verify_ob3 returns a result or raises VerificationError."""

import base64
import copy
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from besace.openbadges.verify.mapped_fetcher import MappedFetcher
from besace.openbadges.verify.model import VerificationError, VerificationResult
from besace.openbadges.verify.ob3 import verify_ob3

from .helpers import NOW, badge, did_key, sign

KEY = Ed25519PrivateKey.generate()
ISSUER = did_key(KEY)
SIGNED = sign(
    badge(ISSUER, credentialStatus={"type": "1EdTechRevocationList", "id": "https://issuer.example/r"}),
    KEY,
    f"{ISSUER}#{ISSUER.removeprefix('did:key:')}",
)
# Remote answers a hostile issuer could give.
FETCHER = MappedFetcher(
    {
        "https://issuer.example/r": b'{"revokedCredential": 5}',
        "https://issuer.example/profile": b"[[[",
        "https://issuer.example/.well-known/did.json": b'{"id": "did:web:issuer.example", "publicKey": 1}',
    }
)
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(
        [
            "did:key:z6Mk",
            "did:web:issuer.example#k",
            "https://issuer.example/profile#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            "2026-01-01T00:00:00Z",
            "_:b0",
            "@id",
            "BitstringStatusListEntry",
            "https://www.w3.org/ns/credentials/v2",
        ]
    ),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=12) | st.sampled_from(list(SIGNED)), inner, max_size=4),
    ),
    max_leaves=20,
)


def outcome(credential) -> None:
    try:
        result = verify_ob3(credential, fetcher=FETCHER, recipient_emails=["nobody@example.org"], now=NOW)
    except VerificationError:
        return
    assert isinstance(result, VerificationResult)


@st.composite
def mutated(draw: st.DrawFn) -> dict:
    credential = copy.deepcopy(SIGNED)
    for _ in range(draw(st.integers(1, 4))):
        node = credential
        # Walk down a random path, then replace or delete what is there.
        for _ in range(draw(st.integers(0, 4))):
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            containers = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
            if not containers:
                break
            _, node = draw(st.sampled_from(containers))
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            continue
        key = draw(st.sampled_from(keys))
        if isinstance(node, dict) and draw(st.booleans()):
            del node[key]
        else:
            node[key] = draw(JSON)
    return credential


@FUZZ
@given(mutated())
def test_mutated_credentials(credential):
    outcome(credential)


@FUZZ
@given(JSON)
def test_random_json(value):
    outcome(value)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(list(SIGNED) + ["vc", "iss", "nbf", "exp", "sub", "jti"]), JSON, max_size=8
    ),
    st.dictionaries(st.sampled_from(["alg", "kid", "jwk", "crit", "typ"]), JSON, max_size=4),
)
def test_random_jws(payload, header):
    def segment(value) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    outcome(f"{segment(header)}.{segment(payload)}.{segment('signature')}")


@FUZZ
@given(st.text(max_size=200))
def test_random_text(text):
    outcome(text)
