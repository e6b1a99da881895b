"""SVG images shown by Besace hold no active content and no reference to other resources."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from besace.openbadges.svg_safety import svg_unsafe_reasons

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'
PNG_DATA = "data:image/png;base64,iVBORw0KGgo="


@pytest.mark.parametrize(
    "body",
    [
        '<circle r="4" fill="url(#g)"/><linearGradient id="g"/>',
        '<use href="#shape"/><use xlink:href="#shape"/>',
        f'<image href="{PNG_DATA}"/>',
        f"<rect style=\"fill: url(#g); background: url('{PNG_DATA}')\"/>",
        "<style>.a { fill: red }</style><text>Badge</text>",
        '<animate attributeName="opacity" to="0"/>',
    ],
    ids=["gradient", "local-use", "embedded-png", "style-urls", "style", "animation"],
)
def test_a_plain_badge_image_is_safe(body):
    assert svg_unsafe_reasons(SVG.format(body).encode()) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<circle onload="alert(1)"/>', "event handler"),
        (
            '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
            "<foreignobject>",
        ),
        ('<image href="https://tracker.example/pixel.png"/>', "another resource"),
        ('<use xlink:href="https://evil.example/sprite.svg#a"/>', "another resource"),
        ('<a href="javascript:alert(1)"><text>x</text></a>', "javascript"),
        ('<image href="data:image/svg+xml;base64,PHN2Zz4="/>', "another resource"),
        ('<set attributeName="href" to="javascript:alert(1)"/>', "changes a link"),
        ("<style>@import url(https://evil.example/a.css);</style>", "import"),
        ('<rect style="fill: url(https://tracker.example/x)"/>', "in a style"),
    ],
    ids=[
        "script",
        "onload",
        "foreign-object",
        "remote-image",
        "remote-use",
        "javascript",
        "nested-svg",
        "animated-link",
        "css-import",
        "css-url",
    ],
)
def test_active_content_and_outside_references_are_reported(body, reason):
    reasons = svg_unsafe_reasons(SVG.format(body).encode())
    assert any(reason in r for r in reasons), reasons


def test_an_unreadable_document_is_reported_not_raised():
    assert svg_unsafe_reasons(b"<svg") and svg_unsafe_reasons(b"\xff\xfe")
    bomb = b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    assert svg_unsafe_reasons(bomb)


@given(st.binary(max_size=300))
def test_it_never_raises(data):
    assert isinstance(svg_unsafe_reasons(data), list)
