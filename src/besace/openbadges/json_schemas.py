"""JSON schemas shipped with Besace: those OB 2.0 extension contexts name in ``obi:validationSchema``.

Like JSON-LD contexts (see jsonld_contexts.py), schemas are never fetched at run time. The files
live in the ``schemas/`` folder next to this module; ``contexts/README.md`` says where each came from.
"""

import json
from functools import cache
from importlib.resources import files
from typing import Any

from .errors import UnknownSchemaError
from .jsonld_contexts import lookup_key, shipped_filename

SCHEMAS: dict[str, str] = {
    # w3id.org redirects to openbadgespec.org; the extension contexts name the w3id.org address.
    f"https://{host}/extensions/{name}/schema.json": filename
    for name, filename in (
        ("exampleExtension", "ob2-extension-example.schema.json"),
        ("applyLinkExtension", "ob2-extension-apply-link.schema.json"),
        ("geoCoordinatesExtension", "ob2-extension-geo-coordinates.schema.json"),
    )
    for host in ("w3id.org/openbadges", "openbadgespec.org")
}

_FILENAME_BY_KEY = {lookup_key(url): filename for url, filename in SCHEMAS.items()}


def load_schema(url: str) -> dict[str, Any]:
    """The shipped JSON schema for ``url`` (http or https, as contexts), parsed (a fresh copy each call)."""
    filename = shipped_filename(url, _FILENAME_BY_KEY)
    if filename is None:
        raise UnknownSchemaError(f"no JSON schema is shipped for {url!r}")
    document: dict[str, Any] = json.loads(_read(filename))
    return document


@cache
def _read(filename: str) -> bytes:
    return (files("besace.openbadges") / "schemas" / filename).read_bytes()
