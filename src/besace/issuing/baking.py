"""Baked images of Besace-issued assertions: the badge class image carrying the assertion."""

import json

from besace.issuing import jsonld
from besace.issuing.credentials import open_badge_credential
from besace.issuing.models import Assertion
from besace.issuing.signing import signed_assertion_jws
from besace.openbadges.png import OB3_KEYWORD, bake_png
from besace.openbadges.svg import bake_svg, bake_svg_credential


def _badge_image(assertion: Assertion) -> bytes:
    with assertion.badge_class.image.open("rb") as handle:
        return handle.read()


def baked_assertion_image(assertion: Assertion) -> tuple[bytes, str]:
    """The image baked with the hosted assertion, and its content type (PNG or SVG, as the badge's)."""
    document = json.dumps(jsonld.assertion_document(assertion), ensure_ascii=False)
    if assertion.badge_class.image_kind == "svg":
        return bake_svg(
            _badge_image(assertion), verify=assertion.public_url, assertion_json=document
        ), "image/svg+xml"
    return bake_png(_badge_image(assertion), document), "image/png"


def signed_assertion_image(assertion: Assertion) -> tuple[bytes, str]:
    """The image baked with the signed assertion (its compact JWS), and its content type."""
    token = signed_assertion_jws(assertion)
    if assertion.badge_class.image_kind == "svg":
        return bake_svg(_badge_image(assertion), verify=token), "image/svg+xml"
    return bake_png(_badge_image(assertion), token), "image/png"


def credential_image(assertion: Assertion) -> tuple[bytes, str]:
    """The image baked with the OB 3.0 credential (JSON with its proof), and its content type."""
    document = json.dumps(open_badge_credential(assertion), ensure_ascii=False)
    if assertion.badge_class.image_kind == "svg":
        return bake_svg_credential(_badge_image(assertion), credential_json=document), "image/svg+xml"
    return bake_png(_badge_image(assertion), document, keyword=OB3_KEYWORD), "image/png"
