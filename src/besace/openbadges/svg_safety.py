"""What makes an SVG image unsafe to show: active content and references to other resources.

An SVG is a document: a script or an event handler in it runs wherever the image is opened on its own,
and a reference to another resource leaks who looks at it (or pulls in more content). Badge images need
none of this: shapes, text, gradients, embedded raster images and references inside the document.
"""

import re
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

# Elements that run code, embed other documents or change links when animated.
_ACTIVE_ELEMENTS = {"script", "foreignobject", "iframe", "object", "embed", "handler", "listener"}
_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform"}
# Images carried inside the document: allowed as href values; anything else must point into the document.
_EMBEDDED_RASTER = re.compile(r"^\s*data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)
_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


def svg_unsafe_reasons(svg_bytes: bytes) -> list[str]:
    """Why this SVG is unsafe to show (empty when it is safe). Unparseable SVG is reported as such."""
    try:
        root = fromstring(svg_bytes)
    except (ParseError, DefusedXmlException, ValueError) as error:
        return [f"not a well-formed, entity-free SVG: {error}"]
    reasons: list[str] = []
    for element in root.iter():
        reasons.extend(_element_reasons(element))
    return sorted(set(reasons))


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _element_reasons(element: Element) -> list[str]:
    tag = _local(element.tag) if isinstance(element.tag, str) else ""
    reasons = []
    if tag in _ACTIVE_ELEMENTS:
        reasons.append(f"a <{tag}> element")
    for name, value in element.attrib.items():
        attribute = _local(name)
        if attribute.startswith("on"):
            reasons.append(f"an event handler ({attribute})")
        elif attribute == "href" and not (value.strip().startswith("#") or _EMBEDDED_RASTER.match(value)):
            reasons.append(f"a reference to another resource ({value[:80]})")
        elif tag in _ANIMATIONS and attribute == "attributename" and _local(value) == "href":
            reasons.append("an animation that changes a link")
        if "javascript:" in value.lower().replace(" ", ""):
            reasons.append("a javascript: address")
        if attribute == "style":
            reasons.extend(_css_reasons(value))
    if tag == "style":
        reasons.extend(_css_reasons(element.text or ""))
    return reasons


def _css_reasons(css: str) -> list[str]:
    reasons = []
    if "@import" in css.lower():
        reasons.append("a style sheet import")
    for target in _URL.findall(css):
        if not (target.startswith("#") or _EMBEDDED_RASTER.match(target)):
            reasons.append(f"a reference to another resource in a style ({target[:80]})")
    return reasons
