"""OB 2.0 extensions: each node typed ``Extension`` must meet the JSON schema its extension declares.

An extension's JSON-LD context lists ``obi:validation`` entries, each naming a type
(``obi:validatesType``) and the JSON schema (``obi:validationSchema``) every node of that type must
meet. This follows 1EdTech's validator (``openbadges`` 1.1.2, ``verifier/tasks/extensions.py``, and
its Java port, ``ExtensionProbe``): the document is compacted with the OB 2.0 context; each node
typed ``Extension`` is tested against the validations, among the extension contexts the document
uses, whose type is one of the node's; the node, compacted with the OB 2.0 context plus that
extension's context, must meet the schema.

Contexts and schemas are never fetched: only those Besace ships (jsonld_contexts.py, json_schemas.py)
are checked. An extension whose context is not shipped is noted as unchecked, never a failure.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from ..errors import UnknownContextError, UnknownSchemaError
from ..json_schemas import load_schema
from ..jsonld_contexts import OB2_CONTEXT, load_context, lookup_key
from .data_integrity import jsonld_error_message
from .values import as_list

_OB2_KEYS = frozenset(lookup_key(url) for url in (OB2_CONTEXT, "https://openbadgespec.org/v2/context.json"))
_EXTENSION = "Extension"


@dataclass
class ExtensionFindings:
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Validation:
    context_url: str
    context: Any  # the extension context's own @context
    validates_type: str
    schema_url: str


def check_extensions(document: dict[str, Any], where: str) -> ExtensionFindings:
    """Failures and notes for the extension nodes of ``document`` (``where`` names it in messages)."""
    found = ExtensionFindings()
    urls = _context_urls(document)
    if not urls and not _mentions_extension(document):
        return found
    validations: list[_Validation] = []
    unknown: list[str] = []
    for url in urls:
        try:
            validations += _validations(url)
        except UnknownContextError:
            unknown.append(url)
    found.notes += [
        f"the {where} uses the JSON-LD context {url}, which Besace does not ship: "
        "its extensions, if any, were not checked"
        for url in unknown
    ]
    try:
        compacted = _compact(document, OB2_CONTEXT)
    except _NotJsonLd as error:
        found.notes.append(f"the {where}'s extensions were not checked: {error}")
        return found
    for path, node in _extension_nodes(compacted):
        _check_node(node, f"the {where}'s {path}", validations, bool(unknown), found)
    return found


def _check_node(
    node: dict[str, Any], name: str, validations: list[_Validation], unknown: bool, found: ExtensionFindings
) -> None:
    types = [kind for kind in as_list(node.get("type")) if isinstance(kind, str) and kind != _EXTENSION]
    expanded = {_expand_type(kind) for kind in types}
    matching = [v for v in validations if _expand_type(v.validates_type) in expanded]
    if not matching:
        if validations and not unknown:
            validated = sorted({v.validates_type for v in validations})
            found.failures.append(
                f"{name} is an Extension of no type its extension contexts validate "
                f"(its types: {types}; they validate: {validated})"
            )
        else:
            found.notes.append(
                f"{name} (an Extension of type {types}) was not checked: no shipped context for it"
            )
        return
    for validation in matching:
        try:
            schema = load_schema(validation.schema_url)
        except UnknownSchemaError:
            found.notes.append(
                f"{name} ({validation.validates_type}) was not checked: "
                f"Besace does not ship its schema {validation.schema_url}"
            )
            continue
        try:
            data = _compact({**node, "@context": OB2_CONTEXT}, [OB2_CONTEXT, validation.context])
        except _NotJsonLd as error:
            found.failures.append(f"{name} ({validation.validates_type}) is not valid JSON-LD: {error}")
            continue
        validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(data))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path)
            found.failures.append(
                f"{name} does not meet the schema of the {validation.validates_type} extension "
                f"({validation.schema_url}): {error.message:.200}" + (f" (at {where})" if where else "")
            )


def _context_urls(document: object) -> list[str]:
    """Every context URL the document names, at any depth, except the OB 2.0 one (in order, once each)."""
    urls: dict[str, str] = {}
    for node in _objects(document):
        for entry in as_list(node.get("@context")):
            if isinstance(entry, str) and lookup_key(entry) not in _OB2_KEYS:
                urls.setdefault(lookup_key(entry), entry)
    return list(urls.values())


def _mentions_extension(document: object) -> bool:
    return any(
        isinstance(kind, str) and kind.rsplit("#", 1)[-1].rsplit(":", 1)[-1] == _EXTENSION
        for node in _objects(document)
        for kind in as_list(node.get("type", node.get("@type")))
    )


def _objects(value: object) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item)


def _extension_nodes(value: object, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, node) for each node typed Extension in a document compacted with the OB 2.0 context."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _extension_nodes(item, f"{path}[{index}]")
        return
    if not isinstance(value, dict):
        return
    if _EXTENSION in as_list(value.get("type")):
        yield path, value
    for key, item in value.items():
        if key not in ("id", "type", "@context"):
            yield from _extension_nodes(item, f"{path}.{key}" if path else key)


@cache
def _validations(url: str) -> list[_Validation]:
    """The validations the shipped context ``url`` declares (UnknownContextError if not shipped)."""
    context = load_context(url)
    compacted = _compact(context, OB2_CONTEXT)
    return [
        _Validation(url, context.get("@context"), entry["validatesType"], entry["validationSchema"])
        for entry in as_list(compacted.get("validation"))
        if isinstance(entry, dict)
        and isinstance(entry.get("validatesType"), str)
        and isinstance(entry.get("validationSchema"), str)
    ]


@cache
def _expand_type(term: str) -> str:
    """The IRI a type term stands for with the OB 2.0 context (as 1EdTech compares them)."""
    try:
        expanded = jsonld.expand({"@context": OB2_CONTEXT, "@type": term}, _options(strict=True))
        return str(expanded[0]["@type"][0])
    except (jsonld.JsonLdError, IndexError, KeyError, TypeError, ValueError):
        return term


class _NotJsonLd(Exception):
    pass


def _compact(document: dict[str, Any], context: object) -> dict[str, Any]:
    """``document`` compacted with ``context``; contexts Besace does not ship count as empty."""
    try:
        result = jsonld.compact(document, {"@context": context}, _options(strict=False))
    except jsonld.JsonLdError as error:
        raise _NotJsonLd(f"invalid JSON-LD: {jsonld_error_message(error)}") from None
    except (RecursionError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise _NotJsonLd(f"invalid JSON-LD: {type(error).__name__}") from None
    if not isinstance(result, dict):
        raise _NotJsonLd("invalid JSON-LD: compaction produced no object")
    return result


def _options(*, strict: bool) -> dict[str, Any]:
    def loader(url: str, options: object = None) -> dict[str, Any]:
        try:
            document = load_context(url)
        except UnknownContextError:
            if strict:
                raise
            document = {"@context": {}}  # already noted; its terms are dropped
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
        }

    # A resolver of our own: pyld's default one caches contexts process-wide, keyed by URL only.
    return {"documentLoader": loader, "contextResolver": ContextResolver({}, loader)}
