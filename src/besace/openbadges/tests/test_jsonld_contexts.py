import json
from importlib.resources import files

import pytest

from besace.openbadges.errors import OpenBadgesError, UnknownContextError
from besace.openbadges.jsonld_contexts import (
    CONTEXTS,
    OB2_CONTEXT,
    OB3_CONTEXT,
    context_bytes,
    load_context,
)


@pytest.mark.parametrize("url", sorted(CONTEXTS))
def test_it_loads_every_registered_context(url):
    context = load_context(url)
    assert isinstance(context["@context"], dict)
    assert json.loads(context_bytes(url)) == context


def test_it_serves_each_url_its_own_file_even_after_folding_spellings():
    folder = files("besace.openbadges") / "contexts"
    for url, filename in CONTEXTS.items():
        assert context_bytes(url) == (folder / filename).read_bytes(), url


def test_it_ships_every_file_it_registers_and_documents_them():
    folder = files("besace.openbadges") / "contexts"
    shipped = {entry.name for entry in folder.iterdir() if entry.name.endswith(".jsonld")}
    assert shipped == set(CONTEXTS.values())
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for filename in shipped:
        assert f"`{filename}`" in readme


@pytest.mark.parametrize(
    "variant",
    [
        "http://w3id.org/openbadges/v2",
        "https://w3id.org/openbadges/v2/",
        "https://W3ID.org/openbadges/v2",
        "https://w3id.org/openbadges/v2.json",
        "https://w3id.org/openbadges/v2.jsonld",
        "https://openbadgespec.org/v2/context.json",
        " https://w3id.org/openbadges/v2 ",
    ],
)
def test_it_accepts_spelling_variants_of_the_ob2_url(variant):
    assert context_bytes(variant) == context_bytes(OB2_CONTEXT)


def test_it_accepts_the_ob3_url_without_its_suffix():
    assert context_bytes(OB3_CONTEXT.removesuffix(".json")) == context_bytes(OB3_CONTEXT)


@pytest.mark.parametrize(
    "url",
    [
        "https://w3id.org/openbadges/v1",
        "https://evil.example/openbadges/v2",
        "ftp://w3id.org/openbadges/v2",
        "",
    ],
)
def test_it_refuses_unknown_contexts(url):
    with pytest.raises(UnknownContextError):
        load_context(url)
    with pytest.raises(KeyError):
        context_bytes(url)
    with pytest.raises(OpenBadgesError):
        context_bytes(url)


def test_it_returns_a_fresh_copy_each_time():
    load_context(OB2_CONTEXT)["@context"]["id"] = "mutated"
    assert load_context(OB2_CONTEXT)["@context"]["id"] == "@id"


OB3_SPECIFICATION = "openbadges-specification/ob_v3p0/"
OB3_URL = "https://purl.imsglobal.org/spec/ob/v3p0/"
SPECIFICATION_COPIES = {
    OB2_CONTEXT: "openbadges-specification/ob_v2p0/v2/context.json",
    OB3_URL + "context.json": OB3_SPECIFICATION + "context.json",
    OB3_URL + "context-3.0.1.json": OB3_SPECIFICATION + "context-3.0.1.json",
    OB3_URL + "context-3.0.2.json": OB3_SPECIFICATION + "context-3.0.2.json",
    OB3_CONTEXT: OB3_SPECIFICATION + "context-3.0.3.json",
}
VALIDATOR_CONTEXTS = "digital-credentials-public-validator/inspector-vc/src/main/resources/contexts/"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
VALIDATOR_COPIES = [
    ("https://www.w3.org/2018/credentials/v1", VALIDATOR_CONTEXTS + "2018-credentials-v1.jsonld"),
    ("https://www.w3.org/ns/credentials/v2", VALIDATOR_CONTEXTS + "credentials-v2.jsonld"),
    ("https://w3id.org/security/data-integrity/v1", VALIDATOR_CONTEXTS + "data-integrity-v1.jsonld"),
    (OB3_URL + "extensions.json", VALIDATOR_CONTEXTS + "ob-v3p0-extensions.json"),
    # 1EdTech's validator holds this one twice, under two names.
    (ED25519_2020, VALIDATOR_CONTEXTS + "suites-ed25519-2020.jsonld"),
    (ED25519_2020, VALIDATOR_CONTEXTS + "security-suites-ed25519-2020-v1.jsonld"),
]


@pytest.mark.parametrize(("url", "path"), sorted(SPECIFICATION_COPIES.items()) + VALIDATOR_COPIES)
def test_it_ships_the_same_contexts_as_1edtech_publishes(shared_fixtures, url, path):
    published = shared_fixtures / path
    if not published.exists():
        pytest.skip(f"{path} is not in the fixtures")
    assert load_context(url) == json.loads(published.read_text(encoding="utf-8"))


def test_the_ed25519_2020_context_is_byte_for_byte_the_one_1edtech_preloads(shared_fixtures):
    published = shared_fixtures / VALIDATOR_CONTEXTS / "suites-ed25519-2020.jsonld"
    if not published.exists():
        pytest.skip("suites-ed25519-2020.jsonld is not in the fixtures")
    assert context_bytes(ED25519_2020) == published.read_bytes()


def test_the_ed25519_2020_context_is_the_one_pyld_bundles():
    frozen = pytest.importorskip("pyld.documentloader.frozen")
    bundled = getattr(frozen, "BUNDLED_CONTEXTS", {}).get(ED25519_2020)
    if bundled is None:
        pytest.skip("this PyLD bundles no copy of the Ed25519Signature2020 context")
    assert load_context(ED25519_2020) == json.loads(bundled.read_text(encoding="utf-8"))


def test_the_status_list_context_agrees_with_the_vc2_context():
    """Both are @protected: a VC 2.0 credential may also name the status context only because every
    term they share is defined identically."""
    status = load_context("https://www.w3.org/ns/credentials/status/v1")["@context"]
    vc2 = load_context("https://www.w3.org/ns/credentials/v2")["@context"]
    shared_terms = {term for term in status if not term.startswith("@") and term not in ("id", "type")}
    assert shared_terms == {
        "BitstringStatusListCredential",
        "BitstringStatusList",
        "BitstringStatusListEntry",
    }
    for term in shared_terms:
        assert status[term] == vc2[term], term


def test_a_malformed_context_url_is_unknown_not_an_error():
    # Found by fuzzing: urlsplit raises ValueError on an unbalanced "[" in the host.
    from besace.openbadges.errors import UnknownContextError
    from besace.openbadges.jsonld_contexts import load_context, lookup_key

    assert lookup_key("A://[") == "A://["
    with pytest.raises(UnknownContextError):
        load_context("https://[/context.json")
