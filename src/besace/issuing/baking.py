"""Baked images of Besace-issued assertions: the badge class image carrying the hosted assertion."""

import json

from besace.issuing import jsonld
from besace.issuing.models import Assertion
from besace.openbadges.png import bake_png
from besace.openbadges.svg import bake_svg


def baked_assertion_image(assertion: Assertion) -> tuple[bytes, str]:
    """The baked image bytes and their content type (PNG or SVG, as the badge class image is)."""
    document = json.dumps(jsonld.assertion_document(assertion), ensure_ascii=False)
    with assertion.badge_class.image.open("rb") as handle:
        image = handle.read()
    if assertion.badge_class.image_kind == "svg":
        return bake_svg(image, verify=assertion.public_url, assertion_json=document), "image/svg+xml"
    return bake_png(image, document), "image/png"
