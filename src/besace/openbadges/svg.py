"""Baking and unbaking Open Badges in SVG images.

Documents are parsed with defusedxml (entity declarations and external references
refused). Baking edits the bytes around the parser-reported positions instead of
re-serialising the tree, so the rest of the document stays exactly as the designer
wrote it.
"""

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import XMLParserType

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .baked import BakedPayload
from .errors import BakingError

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
OB2_NAMESPACE = "http://openbadges.org"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
# Badge artwork is small; a cap keeps hostile uploads from pinning the parser.
MAX_SVG_BYTES = 5 * 1024 * 1024

# Element names as expat reports them with ElementTree's namespace separator: "namespace}local".
_SVG_ROOT = f"{SVG_NAMESPACE}}}svg"
_OB2_ELEMENT = f"{OB2_NAMESPACE}}}assertion"
_OB3_ELEMENT = f"{OB3_NAMESPACE}}}credential"
_BADGE_ELEMENTS = (_OB2_ELEMENT, _OB3_ELEMENT)
_BADGE_NAMESPACES = (OB2_NAMESPACE, OB3_NAMESPACE)
_BADGE_PREFIX = b"openbadges"
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
# Only applied to a start tag the XML parser has already accepted as well-formed.
_START_TAG = re.compile(rb"""<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(/?)>""")
_ATTRIBUTE = re.compile(rb"""\s+([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')""")
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


@dataclass
class _BadgeElement:
    is_ob3: bool
    start: int  # offset of its start tag
    verify: str | None
    text_parts: list[str] = field(default_factory=list)
    end_event: int = -1  # offset the parser reported for its end tag

    def payload(self) -> BakedPayload:
        text = "".join(self.text_parts).strip()
        if text:
            return BakedPayload(text, self.is_ob3)
        if self.verify:
            return BakedPayload(self.verify, self.is_ob3)
        raise BakingError("SVG badge element has neither content nor a verify attribute")


@dataclass
class SvgDocument:
    """A well-formed, safe SVG document and what baking and unbaking need to know about it."""

    data: bytes
    root_start: int = -1
    declared_encoding: str | None = None
    badges: list[_BadgeElement] = field(default_factory=list)

    def payload(self) -> BakedPayload | None:
        payloads = {badge.payload() for badge in self.badges}
        if len(payloads) > 1:
            raise BakingError("SVG carries several different badge payloads")
        return payloads.pop() if payloads else None


class _ScanningHandlers:
    """Expat handlers recording where the root and badge elements are.

    They take expat's raw events (``namespace}local`` names, attributes as a flat list) rather than
    going through ElementTree's tree-building target, which cost most of the scan. Each is installed
    only while it can find something, so that expat checks the rest of the document without calling
    back: element starts are watched for the root, then only once a badge namespace is declared (no
    badge element can come before); ends and text only while a badge element is open.
    """

    def __init__(self, document: SvgDocument) -> None:
        self._document = document
        self._badge_namespace_declared = False
        self._open_badge: _BadgeElement | None = None
        self._depth_in_badge = 0

    def install(self, parser: XMLParserType) -> None:
        self._parser = parser
        parser.StartElementHandler = self.on_root
        parser.StartNamespaceDeclHandler = self.on_namespace
        parser.EndElementHandler = parser.CharacterDataHandler = None
        parser.CommentHandler = parser.ProcessingInstructionHandler = None
        # Without a default handler (ElementTree's would be called for every end tag), expat hands
        # references to entities it cannot know (the DTD is external) to this one, which refuses them.
        parser.DefaultHandlerExpand = None
        parser.SkippedEntityHandler = self.on_unknown_entity
        parser.XmlDeclHandler = self.on_xml_declaration

    def on_unknown_entity(self, name: str, _is_parameter_entity: bool) -> None:
        raise BakingError(f"malformed or unsafe SVG: undefined entity &{name};")

    def on_xml_declaration(self, _version: str | None, encoding: str | None, _standalone: int) -> None:
        self._document.declared_encoding = encoding

    def on_namespace(self, _prefix: str | None, uri: str) -> None:
        if uri in _BADGE_NAMESPACES and not self._badge_namespace_declared:
            self._badge_namespace_declared = True
            if self._document.root_start >= 0:  # else the root's handler installs on_start
                self._parser.StartElementHandler = self.on_start

    def on_root(self, tag: str, _attributes: list[str]) -> None:
        if tag != _SVG_ROOT:
            raise BakingError("not an SVG document (root element is not svg:svg)")
        self._document.root_start = self._parser.CurrentByteIndex
        self._parser.StartElementHandler = self.on_start if self._badge_namespace_declared else None

    def on_start(self, tag: str, attributes: list[str]) -> None:
        if tag in _BADGE_ELEMENTS:
            names = attributes[::2]
            self._open_badge = _BadgeElement(
                is_ob3=tag == _OB3_ELEMENT,
                start=self._parser.CurrentByteIndex,
                verify=attributes[names.index("verify") * 2 + 1] if "verify" in names else None,
            )
            self._parser.StartElementHandler = self.on_start_in_badge
            self._parser.EndElementHandler = self.on_end
            self._parser.CharacterDataHandler = self.on_text

    def on_start_in_badge(self, _tag: str, _attributes: list[str]) -> None:
        self._depth_in_badge += 1

    def on_text(self, text: str) -> None:
        if self._open_badge is not None and self._depth_in_badge == 0:
            self._open_badge.text_parts.append(text)

    def on_end(self, _tag: str) -> None:
        if self._depth_in_badge:
            self._depth_in_badge -= 1
        elif self._open_badge is not None:
            self._open_badge.end_event = self._parser.CurrentByteIndex
            self._document.badges.append(self._open_badge)
            self._open_badge = None
            self._parser.StartElementHandler = self.on_start
            self._parser.EndElementHandler = self._parser.CharacterDataHandler = None


def unbake_svg(svg_bytes: bytes) -> str | None:
    """The text baked into an SVG badge, or None if the SVG carries no badge.

    That is the element's content (assertion or credential JSON) when present,
    else its ``verify`` attribute (assertion URL or JWS).
    """
    payload = read_svg_payload(svg_bytes)
    return payload.text if payload else None


def read_svg_payload(svg_bytes: bytes) -> BakedPayload | None:
    """Like :func:`unbake_svg`, also telling an OB 3.0 credential from older badges."""
    return parse_svg(svg_bytes).payload()


def is_svg(data: bytes) -> bool:
    """Whether ``data`` is a well-formed, safe-to-parse SVG document."""
    try:
        parse_svg(data)
    except BakingError:
        return False
    return True


def bake_svg(svg_bytes: bytes | SvgDocument, *, verify: str, assertion_json: str | None = None) -> bytes:
    """Bake an OB 2.0 assertion: ``<openbadges:assertion verify="...">``.

    Hosted badges pass the assertion URL as ``verify`` and the assertion JSON, which
    goes in a CDATA body; signed badges pass the JWS as ``verify`` and no JSON.
    Any badge already baked in is replaced. An :class:`SvgDocument` already parsed saves parsing again.
    """
    return _bake(svg_bytes, OB2_NAMESPACE, "assertion", verify, assertion_json)


def bake_svg_credential(
    svg_bytes: bytes | SvgDocument, *, jws: str | None = None, credential_json: str | None = None
) -> bytes:
    """Bake an OB 3.0 credential: ``<openbadges:credential>`` with a VC-JWT in
    ``verify`` or the credential JSON in a CDATA body (exactly one of them)."""
    if (jws is None) == (credential_json is None):
        raise BakingError("bake either a JWS or a credential JSON, not both or neither")
    return _bake(svg_bytes, OB3_NAMESPACE, "credential", jws, credential_json)


def _bake(
    svg: bytes | SvgDocument, namespace: str, local_name: str, verify: str | None, body: str | None
) -> bytes:
    scanned = svg if isinstance(svg, SvgDocument) else parse_svg(svg)
    svg_bytes = scanned.data
    if (scanned.declared_encoding or "utf-8").lower() not in _UTF8_NAMES:
        raise BakingError(f"only UTF-8 SVG can be baked, not {scanned.declared_encoding}")
    try:
        svg_bytes.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BakingError("only UTF-8 SVG can be baked") from error

    root_tag = _START_TAG.match(svg_bytes, scanned.root_start)
    if root_tag is None:  # the parser accepted it, so this is a bug of ours
        raise BakingError("could not locate the SVG root start tag")
    root_name, root_attributes, self_closing = root_tag.groups()
    kept = [svg_bytes[: scanned.root_start], b"<", root_name]
    kept += _without_badge_prefix(root_attributes)
    kept += [b" xmlns:", _BADGE_PREFIX, b'="', namespace.encode(), b'">']
    kept.append(_badge_markup(local_name, verify, body))
    position = root_tag.end()
    for badge in scanned.badges:
        kept.append(svg_bytes[position : badge.start])
        position = _element_end(svg_bytes, badge)
    kept.append(svg_bytes[position:])
    if self_closing:
        kept.insert(-1, b"</" + root_name + b">")
    baked = b"".join(kept)

    expected = BakedPayload((body or "").strip() or verify or "", namespace == OB3_NAMESPACE)
    try:
        round_trip = read_svg_payload(baked)
    except BakingError as error:
        raise BakingError(f"payload cannot be carried in SVG: {error}") from error
    if round_trip != expected:
        raise BakingError("baked SVG does not read back the payload")
    return baked


def parse_svg(svg_bytes: bytes) -> SvgDocument:
    """Parse a well-formed, safe SVG document; :class:`BakingError` if ``svg_bytes`` is anything else."""
    if len(svg_bytes) > MAX_SVG_BYTES:
        raise BakingError(f"SVG larger than {MAX_SVG_BYTES} bytes")
    # A DOCTYPE without entities is harmless and common (Illustrator, 1EdTech samples).
    # defusedxml's parser keeps its guards on entities and external references; the element
    # handlers are ours, on its underlying expat parser.
    document = SvgDocument(svg_bytes)
    handlers = _ScanningHandlers(document)
    # As a target, the handlers have none of the methods ElementTree would wire up to build a tree.
    parser = DefusedXMLParser(target=handlers, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    handlers.install(parser.parser)
    try:
        parser.feed(svg_bytes)
        parser.close()
    except (ParseError, DefusedXmlException) as error:
        raise BakingError(f"malformed or unsafe SVG: {error}") from error
    except (LookupError, ValueError) as error:  # unknown or multi-byte declared encodings
        raise BakingError(f"SVG in an unsupported encoding: {error}") from error
    return document


def _without_badge_prefix(attributes: bytes) -> list[bytes]:
    """The root's attributes minus an ``xmlns:openbadges`` declaration, which baking
    writes anew (its namespace differs between OB 2.0 and OB 3.0)."""
    return [
        attribute.group(0)
        for attribute in _ATTRIBUTE.finditer(attributes)
        if attribute.group(1) != b"xmlns:" + _BADGE_PREFIX
    ]


def _element_end(svg_bytes: bytes, badge: _BadgeElement) -> int:
    start_tag = _START_TAG.match(svg_bytes, badge.start)
    if start_tag is None:
        raise BakingError("could not locate an SVG badge element")
    if start_tag.group(3):  # self-closing
        return start_tag.end()
    return svg_bytes.index(b">", badge.end_event) + 1


def _badge_markup(local_name: str, verify: str | None, body: str | None) -> bytes:
    tag = f"{_BADGE_PREFIX.decode()}:{local_name}"
    attributes = "" if verify is None else f' verify="{_escape_attribute(verify)}"'
    if body is None:
        markup = f"<{tag}{attributes}/>"
    else:
        # "]]>" would end the CDATA section early: split it across two sections.
        cdata = body.replace("]]>", "]]]]><![CDATA[>")
        markup = f"<{tag}{attributes}><![CDATA[{cdata}]]></{tag}>"
    try:
        return markup.encode("utf-8")
    except UnicodeEncodeError as error:
        raise BakingError("badge payload is not encodable as UTF-8") from error


def _escape_attribute(value: str) -> str:
    return value.translate(_ATTRIBUTE_ESCAPES)
