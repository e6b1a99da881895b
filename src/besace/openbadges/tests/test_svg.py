import pytest

from besace.openbadges.baked import BakedPayload
from besace.openbadges.errors import BakingError
from besace.openbadges.svg import bake_svg, bake_svg_credential, read_svg_payload, unbake_svg

from .samples import SVG_BYTES

ASSERTION_URL = "https://badges.example.org/assertions/1?obversion=2&lang=fr"
ASSERTION_JSON = '{"id": "https://badges.example.org/assertions/1", "narrative": "a ]]> b < c & é"}'
JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6InVybjp1dWlkOjEifQ.c2lnbmF0dXJl"


def test_it_round_trips_a_hosted_assertion():
    baked = bake_svg(SVG_BYTES, verify=ASSERTION_URL, assertion_json=ASSERTION_JSON)
    assert unbake_svg(baked) == ASSERTION_JSON
    assert b'xmlns:openbadges="http://openbadges.org"' in baked
    assert (
        b'<openbadges:assertion verify="https://badges.example.org/assertions/1?obversion=2&amp;lang=fr">'
        in baked
    )
    assert b"<![CDATA[" in baked


def test_it_round_trips_a_signed_assertion_as_a_self_closing_element():
    baked = bake_svg(SVG_BYTES, verify=JWS)
    assert f'<openbadges:assertion verify="{JWS}"/>'.encode() in baked
    assert read_svg_payload(baked) == BakedPayload(JWS, is_ob3_credential=False)


def test_it_leaves_the_rest_of_the_document_untouched():
    baked = bake_svg(SVG_BYTES, verify=JWS)
    badge = f'<openbadges:assertion verify="{JWS}"/>'.encode()
    root_end = SVG_BYTES.index(b"'a > b'>") + len(b"'a > b'")
    expected = (
        SVG_BYTES[:root_end]
        + b' xmlns:openbadges="http://openbadges.org">'
        + badge
        + SVG_BYTES[root_end + 1 :]
    )
    assert baked == expected


def test_it_replaces_rather_than_duplicates_when_rebaking():
    hosted = bake_svg(SVG_BYTES, verify=ASSERTION_URL, assertion_json=ASSERTION_JSON)
    signed = bake_svg(hosted, verify=JWS)
    assert unbake_svg(signed) == JWS
    assert signed.count(b"openbadges:assertion") == 1
    assert signed.count(b"xmlns:openbadges") == 1
    assert signed == bake_svg(SVG_BYTES, verify=JWS)


def test_it_bakes_and_replaces_ob3_credentials():
    as_json = bake_svg_credential(SVG_BYTES, credential_json='{"type": ["VerifiableCredential"]}')
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in as_json
    assert read_svg_payload(as_json) == BakedPayload(
        '{"type": ["VerifiableCredential"]}', is_ob3_credential=True
    )
    as_jws = bake_svg_credential(as_json, jws=JWS)
    assert read_svg_payload(as_jws) == BakedPayload(JWS, is_ob3_credential=True)
    back_to_ob2 = bake_svg(as_jws, verify=ASSERTION_URL)
    assert read_svg_payload(back_to_ob2) == BakedPayload(ASSERTION_URL, is_ob3_credential=False)
    assert back_to_ob2.count(b"xmlns:openbadges") == 1
    with pytest.raises(BakingError):
        bake_svg_credential(SVG_BYTES)


def test_it_bakes_a_self_closing_root():
    baked = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>', verify=JWS)
    assert baked == (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        + f'<openbadges:assertion verify="{JWS}"/>'.encode()
        + b"</svg>"
    )


def test_it_returns_none_for_an_unbaked_svg():
    assert unbake_svg(SVG_BYTES) is None


def test_it_finds_a_badge_whatever_the_namespace_prefix():
    svg = b"""<svg xmlns="http://www.w3.org/2000/svg"><ob:assertion xmlns:ob="http://openbadges.org"
    verify="https://x/a"/></svg>"""
    assert unbake_svg(svg) == "https://x/a"
    assert unbake_svg(bake_svg(svg, verify="https://y/b")) == "https://y/b"


@pytest.mark.parametrize(
    "svg",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>",
        b"<html xmlns='http://www.w3.org/1999/xhtml'/>",
        b"<svg/>",  # no SVG namespace
        b"""<!DOCTYPE svg [<!ENTITY lol "lol">]><svg xmlns="http://www.w3.org/2000/svg">&lol;</svg>""",
        b"""<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>""",
        b"<svg xmlns='http://www.w3.org/2000/svg'><openbadges:assertion xmlns:openbadges='http://openbadges.org'/></svg>",
        b"",
        b"\x89PNG\r\n\x1a\n",
        # An entity an external DTD would define: never fetched, so it is refused rather than skipped.
        b"""<!DOCTYPE svg SYSTEM "http://example.org/x.dtd"><svg xmlns="http://www.w3.org/2000/svg">&u;</svg>""",
    ],
    ids=[
        "malformed",
        "not-svg",
        "no-namespace",
        "entity",
        "external-entity",
        "empty-badge",
        "empty",
        "png",
        "external-dtd-entity",
    ],
)
def test_it_raises_baking_error_on_malformed_or_unsafe_svgs(svg):
    with pytest.raises(BakingError):
        unbake_svg(svg)


def test_it_refuses_oversized_documents():
    huge = b"<svg xmlns='http://www.w3.org/2000/svg'>" + b" " * (5 * 1024 * 1024) + b"</svg>"
    with pytest.raises(BakingError, match="larger"):
        unbake_svg(huge)


def test_it_refuses_to_bake_what_xml_cannot_carry():
    with pytest.raises(BakingError):
        bake_svg(SVG_BYTES, verify=ASSERTION_URL, assertion_json="\x00")


def test_it_refuses_to_bake_non_utf8_documents():
    latin1 = b'<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg"><title>\xe9</title></svg>'
    assert unbake_svg(latin1) is None
    with pytest.raises(BakingError, match="UTF-8"):
        bake_svg(latin1, verify=JWS)


def test_it_accepts_a_doctype_without_entities():
    svg = (
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    )
    assert unbake_svg(bake_svg(svg, verify=JWS)) == JWS


def test_it_unbakes_the_bakery_fixture_and_rebakes_it(shared_fixtures):
    svg = (shared_fixtures / "openbadges-bakery/openbadges_bakery/testfiles/baked_example.svg").read_bytes()
    text = unbake_svg(svg)
    assert text is not None
    assert text.startswith("{") and '"uid": "abcdef12345"' in text
    rebaked = bake_svg(svg, verify=JWS)
    assert unbake_svg(rebaked) == JWS
    assert rebaked.count(b"openbadges:assertion") == 1
    assert b'<circle cx="150" cy="100" r="80" fill="green" />' in rebaked


def test_it_finds_nothing_in_the_unbaked_bakery_fixture(shared_fixtures):
    svg = (shared_fixtures / "openbadges-bakery/openbadges_bakery/testfiles/unbaked_example.svg").read_bytes()
    assert unbake_svg(svg) is None


@pytest.mark.parametrize(
    ("name", "start"),
    [("simple-json.svg", "{"), ("simple-jwt.svg", "eyJ"), ("simple-jwt_v1.svg", "eyJ")],
)
def test_it_unbakes_ob3_credentials_from_1edtech_samples(shared_fixtures, name, start):
    path = shared_fixtures / "digital-credentials-public-validator/inspector-vc/src/test/resources/ob30"
    payload = read_svg_payload((path / name).read_bytes())
    assert payload is not None
    assert payload.is_ob3_credential
    assert payload.text.startswith(start)
