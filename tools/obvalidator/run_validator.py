"""Run the official 1EdTech Open Badges validator (validator-core, PyPI ``openbadges``) offline.

Executed by the Python of the validator's own virtualenv (see requirements.txt beside this file and
``besace.testing.obvalidator``), never by the project's::

    run_validator.py INPUT [--recipient EMAIL] [--recipient-profile JSON] [--context PATH]
                           [--map URL=PATH ...]

INPUT is a URL (``http(s)://...``), a path to a baked PNG or SVG, a path to a file holding JSON or a
JWS, or a JSON / JWS string. The validator's whole result (``{"report": {...}, "graph": [...],
"input": {...}}``) is printed as JSON on stdout; everything else goes to stderr.

Exit status: 0 when the validator ran, whatever its verdict; 2 for a bad command line or input; 3 when
the validator itself raised.

The validator fetches JSON-LD contexts (``https://w3id.org/openbadges/v2``) over HTTP, and there is no
Internet here. So, inside this process only, the HTTP layer is patched: requests for the URLs in the
document map get their bytes from local files; every other URL (the badge under test, its BadgeClass,
Issuer, image, keys...) goes through the ordinary requests/urllib3 network stack, unmodified. The
validator's code itself is not modified. Two hooks, because the validator fetches in two ways:

* ``requests.Session.get_adapter`` (every Session, including requests_cache's CachedSession, which
  the validator creates per task): a mapped URL is answered by ``LocalDocumentAdapter``, any other URL
  gets the adapter the session would have used anyway.
* pyld's default document loader (used where the validator calls ``jsonld.expand``/``compact``
  without its own loader): a mapped URL is answered locally, any other goes to pyld's own loader.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import sys
import traceback
from pathlib import Path
from urllib.parse import urldefrag

# The OB 2.0 context as a verifier dereferences it: w3id.org redirects to openbadgespec.org.
OB_V2_CONTEXT_URLS = (
    "https://w3id.org/openbadges/v2",
    "http://w3id.org/openbadges/v2",
    "https://openbadgespec.org/v2/context.json",
    "http://openbadgespec.org/v2/context.json",
)
PROJECT_CONTEXT = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "besace"
    / "openbadges"
    / "contexts"
    / "openbadges-v2.jsonld"
)
JSONLD = "application/ld+json"
JWS_RE = re.compile(r"^[A-Za-z0-9_\-=]+\.[A-Za-z0-9_\-=]+\.[A-Za-z0-9_\-=]+$")


def log(*args: object) -> None:
    print("run_validator:", *args, file=sys.stderr)


def die(message: str) -> None:
    """A harness failure (bad command line, input or context file): exit status 2."""
    log(message)
    raise SystemExit(2)


def _key(url: str) -> str:
    """Normalise a URL for the document map: no fragment, no trailing slash."""
    return urldefrag(url)[0].rstrip("/")


class DocumentMap:
    """URL -> (bytes, content type) of the documents served locally."""

    def __init__(self) -> None:
        self.docs: dict[str, tuple[bytes, str]] = {}
        self.served: list[str] = []

    def add(self, url: str, body: bytes, content_type: str = JSONLD) -> None:
        self.docs[_key(url)] = (body, content_type)

    def get(self, url: str) -> tuple[bytes, str] | None:
        return self.docs.get(_key(url))


def install_offline_documents(docs: DocumentMap) -> None:
    """Patch requests and pyld, in this process only, so that mapped URLs are served from ``docs``."""
    import requests
    import urllib3
    from pyld import jsonld
    from requests.adapters import HTTPAdapter

    class LocalDocumentAdapter(HTTPAdapter):
        """A requests transport answering mapped URLs from memory (never touches the network)."""

        def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
            found = docs.get(request.url)
            if found is None:  # pragma: no cover - get_adapter only routes mapped URLs here
                raise requests.ConnectionError(f"no local document for {request.url}", request=request)
            body, content_type = found
            docs.served.append(request.url)
            raw = urllib3.HTTPResponse(
                body=io.BytesIO(body),
                headers={"Content-Type": content_type, "Content-Length": str(len(body))},
                status=200,
                reason="OK",
                preload_content=False,
                decode_content=False,
                request_method=request.method,
                request_url=request.url,
            )
            return self.build_response(request, raw)

    local_adapter = LocalDocumentAdapter()
    original_get_adapter = requests.Session.get_adapter

    def get_adapter(self, url):
        if docs.get(url) is not None:
            return local_adapter
        return original_get_adapter(self, url)

    requests.Session.get_adapter = get_adapter

    original_loader = jsonld.get_document_loader()

    def document_loader(url):
        found = docs.get(url)
        if found is None:
            return original_loader(url)
        docs.served.append(url)
        return {"contextUrl": None, "documentUrl": url, "document": found[0].decode("utf-8")}

    jsonld.set_document_loader(document_loader)


def load_v2_context(path: str | None) -> tuple[bytes, str]:
    """The OB 2.0 context: --context PATH, else the project's copy, else the one openbadges ships."""
    if path:
        p = Path(path)
        if not p.is_file():
            die(f"--context {path}: no such file")
        body, source = p.read_bytes(), str(p)
    elif PROJECT_CONTEXT.is_file():
        body, source = PROJECT_CONTEXT.read_bytes(), str(PROJECT_CONTEXT)
    else:
        from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT

        body = json.dumps(OPENBADGES_CONTEXT_V2_DICT, indent=2).encode("utf-8")
        source = "openbadges.verifier.openbadges_context (project context file not found)"
    try:
        doc = json.loads(body)
    except ValueError as exc:
        die(f"context {source} is not JSON: {exc}")
    if not isinstance(doc, dict) or "@context" not in doc:
        die(f"context {source} has no @context")
    return body, source


def read_input(value: str):
    """What to hand to openbadges.verify: a string (URL, JSON, JWS) or an open binary image file."""
    stripped = value.strip()
    if re.match(r"^https?://", stripped, re.IGNORECASE) or stripped[:1] in "{[":
        return stripped
    if JWS_RE.match(stripped):
        return stripped
    path = Path(value)
    try:
        is_file = path.is_file()
    except OSError:  # e.g. a long string that is no file name
        is_file = False
    if is_file:
        data = path.read_bytes()
        head = data[:256]
        if head.startswith(b"\x89PNG\r\n\x1a\n") or b"<svg" in head:
            return path.open("rb")  # the validator unbakes file objects
        return data.decode("utf-8").strip()
    die(f"INPUT is neither a URL, JSON, a JWS nor an existing file: {value[:80]!r}")


def _json_default(obj):
    if isinstance(obj, bytes):
        return obj.decode("utf-8", "replace")
    return repr(obj)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", help="URL, baked PNG/SVG path, JSON/JWS file path, or JSON/JWS string")
    parser.add_argument("--recipient", metavar="EMAIL", help='expected recipient: profile {"email": EMAIL}')
    parser.add_argument(
        "--recipient-profile",
        metavar="JSON",
        help='expected recipient profile as JSON, e.g. {"url": "https://..."}; overrides --recipient',
    )
    parser.add_argument(
        "--context",
        metavar="PATH",
        help=f"OB 2.0 JSON-LD context served for https://w3id.org/openbadges/v2 (default: {PROJECT_CONTEXT}, "
        "falling back to the copy inside the openbadges package)",
    )
    parser.add_argument(
        "--map",
        metavar="URL=PATH",
        action="append",
        default=[],
        help="serve another document locally (e.g. https://w3id.org/openbadges/v1=v1.jsonld); repeatable",
    )
    args = parser.parse_args(argv)

    docs = DocumentMap()
    body, source = load_v2_context(args.context)
    for url in OB_V2_CONTEXT_URLS:
        docs.add(url, body)
    log(f"serving {OB_V2_CONTEXT_URLS[0]} from {source}")
    for item in args.map:
        url, sep, path = item.partition("=")
        if not sep or not Path(path).is_file():
            parser.error(f"--map {item!r}: expected URL=PATH of an existing file")
        docs.add(
            url,
            Path(path).read_bytes(),
            JSONLD if path.endswith((".json", ".jsonld")) else "application/octet-stream",
        )

    recipient_profile = None
    if args.recipient_profile:
        recipient_profile = json.loads(args.recipient_profile)
    elif args.recipient:
        recipient_profile = {"email": args.recipient}

    badge_input = read_input(args.input)

    install_offline_documents(docs)
    import openbadges
    from openbadges_bakery import unbake

    if hasattr(badge_input, "read"):
        # validator-core 1.1.2 crashes (AttributeError: 'ValueError' has no 'message') on an image
        # without baked data; say so plainly instead.
        if not unbake(badge_input):
            log(
                f"no Open Badges data baked in {args.input} (no 'openbadges' iTXt/tEXt chunk or "
                "<openbadges:assertion> element)"
            )
            badge_input.close()
            return 3
        badge_input.seek(0)

    real_stdout = sys.stdout
    try:
        # Anything the validator prints must not corrupt the JSON on stdout.
        with contextlib.redirect_stdout(sys.stderr):
            result = openbadges.verify(badge_input, recipient_profile)
    except Exception:
        traceback.print_exc()
        log("the validator raised; no report")
        return 3
    finally:
        if hasattr(badge_input, "close"):
            badge_input.close()

    if docs.served:
        log("served locally:", ", ".join(sorted(set(docs.served))))
    json.dump(result, real_stdout, default=_json_default, indent=1, sort_keys=True)
    real_stdout.write("\n")
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
