"""Where verification keys come from: did:key, did:web, key and profile documents, JWKs."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from besace.openbadges.verify.did import (
    KeyResolutionError,
    did_web_url,
    ed25519_from_multibase,
    key_from_jwk,
    resolve_verification_method,
)
from besace.openbadges.verify.mapped_fetcher import MappedFetcher

from .helpers import did_key, fixture_fetcher

LEGACY_DID = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:legacy"
FIXTURE_KEY = "z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ"


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ],
)
def test_did_web_urls(did, url):
    assert did_web_url(did) == url


@pytest.mark.parametrize("did", ["did:web:", "did:web:evil.com%2Fpath", "did:web:user%40host"])
def test_malformed_did_web_is_refused(did):
    with pytest.raises(KeyResolutionError):
        did_web_url(did)


@pytest.mark.parametrize("folder", ["legacy", "oidf"])
def test_did_web_from_fixtures(shared_fixtures, folder):
    did = LEGACY_DID.replace("legacy", folder)
    key = resolve_verification_method(f"{did}#{FIXTURE_KEY}", fetcher=fixture_fetcher())
    assert key.controller == did and key.confirmed
    assert key.public_key == ed25519_from_multibase(FIXTURE_KEY)


def test_did_web_key_must_be_an_assertion_method():
    did = "did:web:issuer.example"
    document = {
        "id": did,
        "verificationMethod": [
            {"id": f"{did}#k", "type": "Multikey", "controller": did, "publicKeyMultibase": FIXTURE_KEY}
        ],
        "authentication": [f"{did}#k"],
    }
    fetcher = MappedFetcher({"https://issuer.example/.well-known/did.json": json.dumps(document).encode()})
    with pytest.raises(KeyResolutionError, match="not an assertion method"):
        resolve_verification_method(f"{did}#k", fetcher=fetcher)
    document["assertionMethod"] = ["#k"]
    fetcher.urls["https://issuer.example/.well-known/did.json"] = json.dumps(document).encode()
    assert resolve_verification_method(f"{did}#k", fetcher=fetcher).confirmed


def test_did_web_document_must_be_about_that_did():
    fetcher = MappedFetcher(
        {"https://issuer.example/.well-known/did.json": b'{"id": "did:web:other.example"}'}
    )
    with pytest.raises(KeyResolutionError, match="does not describe"):
        resolve_verification_method("did:web:issuer.example#k", fetcher=fetcher)


def test_did_key_is_resolved_locally():
    private_key = Ed25519PrivateKey.generate()
    did = did_key(private_key)
    fetcher = MappedFetcher()
    key = resolve_verification_method(f"{did}#{did.removeprefix('did:key:')}", fetcher=fetcher)
    assert key.public_key == private_key.public_key() and key.controller == did
    assert fetcher.requested == []
    with pytest.raises(KeyResolutionError, match="fragment"):
        resolve_verification_method(f"{did}#z6MkOther", fetcher=fetcher)


@pytest.mark.parametrize("value", ["", "z", "zzzz", "m" + FIXTURE_KEY[1:], "z" + "1" * 60, "z0OIl"])
def test_bad_multikeys(value):
    with pytest.raises(KeyResolutionError):
        ed25519_from_multibase(value)


def test_fragment_key_is_confirmed_or_refused_by_the_issuer_profile():
    private_key = Ed25519PrivateKey.generate()
    multikey = did_key(private_key).removeprefix("did:key:")
    issuer = "https://issuer.example/profile"
    method = f"{issuer}#{multikey}"
    unreachable = resolve_verification_method(method, fetcher=MappedFetcher())
    assert unreachable.controller == issuer and not unreachable.confirmed
    listing = {"id": issuer, "verificationMethod": [{"id": method, "publicKeyMultibase": multikey}]}
    confirmed = resolve_verification_method(
        method, fetcher=MappedFetcher({issuer: json.dumps(listing).encode()})
    )
    assert confirmed.confirmed
    other = did_key(Ed25519PrivateKey.generate()).removeprefix("did:key:")
    lying = {"id": issuer, "assertionMethod": [{"id": f"{issuer}#{other}", "publicKeyMultibase": other}]}
    with pytest.raises(KeyResolutionError, match="lists other keys"):
        resolve_verification_method(method, fetcher=MappedFetcher({issuer: json.dumps(lying).encode()}))


def test_http_key_document():
    multikey = did_key(Ed25519PrivateKey.generate()).removeprefix("did:key:")
    url = "https://issuer.example/keys/1"
    document = {
        "id": url,
        "type": "Multikey",
        "controller": "https://issuer.example",
        "publicKeyMultibase": multikey,
    }
    key = resolve_verification_method(url, fetcher=MappedFetcher({url: json.dumps(document).encode()}))
    assert key.controller == "https://issuer.example" and key.confirmed


def test_private_jwks_are_refused():
    with pytest.raises(KeyResolutionError, match="private"):
        key_from_jwk(
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
            }
        )


@pytest.mark.parametrize("method", ["", "z6Mk", "xxx:abc", "did:example:123", "did:key:", "urn:uuid:1"])
def test_unusable_methods(method):
    with pytest.raises(KeyResolutionError):
        resolve_verification_method(method, fetcher=MappedFetcher())
