"""JSON-LD contexts shipped with Besace, so that nothing is ever fetched at run time.

Fetching contexts would let whoever controls (or spoofs) those hosts change what a
badge means, and would make verification depend on their uptime. The files live in
the ``contexts/`` folder next to this module; its README.md says where each came from.
"""

import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from .errors import UnknownContextError

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

CONTEXTS: dict[str, str] = {
    OB2_CONTEXT: "openbadges-v2.jsonld",
    # Where w3id.org redirects; some issuers put it in their documents directly.
    "https://openbadgespec.org/v2/context.json": "openbadges-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "openbadges-v3p0-3.0.0.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "openbadges-v3p0-3.0.1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "openbadges-v3p0-3.0.2.jsonld",
    OB3_CONTEXT: "openbadges-v3p0-3.0.3.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "openbadges-v3p0-extensions.jsonld",
    # Pre-release OB 3.0 context, still found in 2022 plugfest credentials.
    "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html": "openbadges-v3p0-beta.jsonld",
    "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json": (
        "openbadges-v3p0-beta.jsonld"
    ),
    VC1_CONTEXT: "credentials-v1.jsonld",
    VC2_CONTEXT: "credentials-v2.jsonld",
    "https://www.w3.org/ns/credentials/undefined-terms/v2": "credentials-undefined-terms-v2.jsonld",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    # Ed25519Signature2020 proofs, and their Ed25519VerificationKey2020 keys.
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.jsonld",
    # Bitstring status lists in VC 1.1 credentials (VC 2.0's own context defines the same terms).
    "https://www.w3.org/ns/credentials/status/v1": "vc-bitstring-status-list-v1.jsonld",
    # OB 2.0 extensions: each declares the JSON schema its nodes must meet (see json_schemas.py).
    # w3id.org redirects to openbadgespec.org, and badges use both.
    **{
        f"https://{host}/extensions/{name}/context.json": filename
        for name, filename in (
            ("exampleExtension", "ob2-extension-example.jsonld"),
            ("applyLinkExtension", "ob2-extension-apply-link.jsonld"),
            ("geoCoordinatesExtension", "ob2-extension-geo-coordinates.jsonld"),
        )
        for host in ("w3id.org/openbadges", "openbadgespec.org")
    },
}


def lookup_key(url: str) -> str:
    """Fold the spellings documents use for one context: http or https, host case,
    trailing slash, and a ``.json``/``.jsonld`` suffix. A malformed URL is its own key."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unbalanced "[" in the host, from a hostile document
        return url.strip()
    path = parts.path.rstrip("/")
    for suffix in (".jsonld", ".json"):
        path = path.removesuffix(suffix)
    return f"{parts.netloc.lower()}{path}"


_FILENAME_BY_KEY = {lookup_key(url): filename for url, filename in CONTEXTS.items()}


def context_bytes(url: str) -> bytes:
    """The shipped context document for ``url``, as stored."""
    return _read(_filename(url))


def load_context(url: str) -> dict[str, Any]:
    """The shipped context document for ``url``, parsed (a fresh copy each call)."""
    document: dict[str, Any] = json.loads(context_bytes(url))
    return document


def shipped_filename(url: str, filenames_by_key: Mapping[str, str]) -> str | None:
    """The file shipped for the http(s) ``url`` in the table; None for any other URL, malformed ones too."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return filenames_by_key.get(lookup_key(url)) if scheme in ("http", "https") else None


def _filename(url: str) -> str:
    filename = shipped_filename(url, _FILENAME_BY_KEY)
    if filename is None:
        raise UnknownContextError(f"no JSON-LD context is shipped for {url!r}")
    return filename


@cache
def _read(filename: str) -> bytes:
    return (files("besace.openbadges") / "contexts" / filename).read_bytes()
