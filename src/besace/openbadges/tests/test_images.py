import pytest

from besace.openbadges.baked import BakedPayload
from besace.openbadges.errors import BakingError
from besace.openbadges.images import read_image_payload, sniff_image_type
from besace.openbadges.png import bake_png
from besace.openbadges.svg import bake_svg

from .samples import SVG_BYTES


def test_it_recognises_png_by_its_signature(png_bytes):
    assert sniff_image_type(png_bytes) == "png"


def test_it_recognises_svg_documents():
    assert sniff_image_type(SVG_BYTES) == "svg"
    assert sniff_image_type(b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'/>") == "svg"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"GIF89a\x01\x00\x01\x00",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"<svg>no namespace</svg>",
        b"<html xmlns='http://www.w3.org/1999/xhtml'><svg xmlns='http://www.w3.org/2000/svg'/></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg'>",
        b"<!DOCTYPE svg [<!ENTITY a 'b'>]><svg xmlns='http://www.w3.org/2000/svg'>&a;</svg>",
        b"plain text mentioning <svg",
    ],
)
def test_it_recognises_nothing_else(data):
    assert sniff_image_type(data) is None


def test_it_unbakes_whichever_format_it_is_given(png_bytes):
    assert read_image_payload(bake_png(png_bytes, "https://x/a")) == BakedPayload("https://x/a", False)
    assert read_image_payload(bake_svg(SVG_BYTES, verify="https://x/b")) == BakedPayload("https://x/b", False)
    with pytest.raises(BakingError):
        read_image_payload(b"GIF89a")


def test_it_sniffs_every_fixture_image(shared_fixtures):
    for path in shared_fixtures.rglob("*"):
        if path.suffix in (".png", ".svg"):
            assert sniff_image_type(path.read_bytes()) == path.suffix[1:], path
        elif path.suffix == ".jpg":
            assert sniff_image_type(path.read_bytes()) is None, path
