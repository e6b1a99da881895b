"""Hostile inputs: whatever text, JSON, image or remote answers come in, only VerificationError comes out.

OB 3.0 shapes are left out on purpose (no VC contexts, no ``vc`` claim): they belong to the OB 3.0
verifier's own fuzz tests.
"""

import base64
import copy
import json
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from besace.openbadges.png import bake_png
from besace.openbadges.verify.mapped_fetcher import MappedFetcher
from besace.openbadges.verify.model import FetchedDocument, VerificationError
from besace.openbadges.verify.verifier import BadgeInput, verify_badge

from ..samples import make_png

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PNG = make_png(8, 8)

KEYS = [
    "@context",
    "id",
    "type",
    "recipient",
    "badge",
    "verification",
    "issuedOn",
    "expires",
    "issuer",
    "name",
    "description",
    "image",
    "criteria",
    "identity",
    "hashed",
    "salt",
    "verify",
    "url",
    "uid",
    "issued_on",
    "origin",
    "contact",
    "publicKey",
    "creator",
    "owner",
    "publicKeyPem",
    "revocationList",
    "revokedAssertions",
    "revoked",
    "revocationReason",
    "allowedOrigins",
    "startsWith",
    "evidence",
    "alignment",
    "targetName",
    "tags",
    "endorsement",
    "narrative",
    "alg",
]
STRINGS = [
    "https://example.org/a",
    "http://example.org/b",
    "urn:uuid:0b7e2b2e-7d3c-4a57-9a3f-1c1f2d3e4f50",
    "http://[::1",
    "https://",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:text/html,<b>",
    "2016-12-31T23:59:59Z",
    "2016-12-31",
    "1500000000",
    "99999999999999999999",
    "sha256$ecf5409f",
    "md5$00",
    "email",
    "url",
    "hosted",
    "signed",
    "HostedBadge",
    "Assertion",
    "BadgeClass",
    "Issuer",
    "CryptographicKey",
    "RS256",
    "true",
    "example.org",
    "https://w3id.org/openbadges/v2",
    "https://w3id.org/openbadges/v1",
    "nobody@example.org",
    "-----BEGIN PUBLIC KEY-----",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(STRINGS)
)
keys = st.sampled_from(KEYS) | st.text(max_size=6)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6),
    max_leaves=24,
)
json_objects = st.dictionaries(keys, json_values, max_size=10)

ISSUER = "https://example.org/issuer"
TEMPLATES = [
    {  # OB 2.0 hosted
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://example.org/a",
        "recipient": {"type": "email", "hashed": True, "salt": "s", "identity": "sha256$00"},
        "badge": {
            "id": "urn:uuid:1",
            "type": "BadgeClass",
            "name": "B",
            "description": "",
            "criteria": "c",
            "issuer": ISSUER,
        },
        "verification": {"type": "hosted"},
        "issuedOn": "2016-12-31T23:59:59Z",
    },
    {  # OB 2.0 signed
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "urn:uuid:2",
        "recipient": {"type": "email", "hashed": False, "identity": "nobody@example.org"},
        "badge": "https://example.org/badge",
        "verification": {"type": "signed", "creator": "https://example.org/key"},
        "issuedOn": "2016-12-31T23:59:59Z",
    },
    {  # OB 1.1
        "@context": "https://w3id.org/openbadges/v1",
        "type": "Assertion",
        "id": "https://example.org/a",
        "recipient": {"type": "email", "hashed": False, "identity": "nobody@example.org"},
        "badge": "https://example.org/badge",
        "verify": {"type": "hosted", "url": "https://example.org/a"},
        "issuedOn": "2016-12-31",
    },
    {  # OB 1.0
        "uid": "1",
        "recipient": {"type": "email", "hashed": True, "salt": "s", "identity": "md5$00"},
        "badge": "http://example.org/badge",
        "verify": {"type": "hosted", "url": "http://example.org/a"},
        "issuedOn": 1500000000,
    },
    {  # OB 0.5
        "recipient": "nobody@example.org",
        "issued_on": "2011-06-01",
        "badge": {
            "name": "B",
            "description": "",
            "criteria": "c",
            "image": "x",
            "issuer": {"origin": "example.org", "name": "I"},
        },
    },
]


@st.composite
def mutated_assertions(draw: st.DrawFn) -> dict:
    document = copy.deepcopy(draw(st.sampled_from(TEMPLATES)))
    for _ in range(draw(st.integers(1, 4))):
        nested = [value for value in document.values() if isinstance(value, dict)]
        target = draw(st.sampled_from([document, *nested]))
        key = draw(st.sampled_from(KEYS))
        if draw(st.booleans()):
            target.pop(key, None)
        else:
            target[key] = draw(json_values)
    return document


@dataclass
class AnswersEverything:
    """A fetcher that answers any URL, with one of the given (status, body) in turn."""

    answers: list[tuple[int, bytes]]
    calls: int = 0

    def fetch(self, url: str, *, accept: str = "") -> FetchedDocument:
        status, body = self.answers[self.calls % len(self.answers)]
        self.calls += 1
        return FetchedDocument(url=url, status=status, content_type="application/json", body=body)


remote_answers = st.lists(
    st.tuples(
        st.sampled_from([200, 200, 200, 404, 410, 500]),
        st.one_of(
            json_objects.map(lambda d: json.dumps(d).encode()),
            mutated_assertions().map(lambda d: json.dumps(d).encode()),
            st.binary(max_size=32),
        ),
    ),
    min_size=1,
    max_size=5,
)


def only_verification_errors(source_of, *, fetcher) -> None:
    try:
        source = source_of()
        verify_badge(source, fetcher=fetcher, recipient_emails=["nobody@example.org"])
    except VerificationError:
        pass


def as_jws(document: dict) -> str:
    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(document)}.c2lnbmF0dXJl"


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text):
    only_verification_errors(lambda: BadgeInput(text=text), fetcher=MappedFetcher())


@FUZZ
@given(json_values)
def test_random_json(value):
    only_verification_errors(lambda: BadgeInput(text=json.dumps(value)), fetcher=MappedFetcher())


@FUZZ
@given(mutated_assertions(), st.sampled_from(["json", "jws", "png"]))
def test_mutated_assertions_with_nothing_answering(document, form):
    text = as_jws(document) if form == "jws" else json.dumps(document)
    source = BadgeInput(image=bake_png(PNG, text)) if form == "png" else BadgeInput(text=text)
    only_verification_errors(lambda: source, fetcher=MappedFetcher())


@FUZZ
@given(mutated_assertions(), st.booleans(), remote_answers)
def test_mutated_assertions_with_hostile_remote_documents(document, signed, answers):
    text = as_jws(document) if signed else json.dumps(document)
    only_verification_errors(lambda: BadgeInput(text=text), fetcher=AnswersEverything(answers))


@FUZZ
@given(remote_answers)
def test_hostile_answers_to_a_badge_url(answers):
    only_verification_errors(
        lambda: BadgeInput(url="https://example.org/a"), fetcher=AnswersEverything(answers)
    )


@FUZZ
@given(st.binary(max_size=256))
def test_random_images(data):
    only_verification_errors(lambda: BadgeInput(image=data), fetcher=MappedFetcher())
