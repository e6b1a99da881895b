"""A Fetcher that answers from a table of URLs to local files or bytes: for tests and offline checks."""

import mimetypes
from collections.abc import Mapping
from pathlib import Path

from .model import FetchedDocument, FetchError

Answer = Path | bytes | tuple[int, str, bytes]  # a file, a body (200), or (status, content type, body)


class MappedFetcher:
    """Answers only the URLs it was given (exactly, or by prefix for folders); FetchError otherwise."""

    def __init__(
        self, urls: Mapping[str, Answer] | None = None, *, prefixes: Mapping[str, Path] | None = None
    ):
        self.urls = dict(urls or {})
        self.prefixes = dict(prefixes or {})
        self.requested: list[str] = []

    def fetch(self, url: str, *, accept: str = "application/ld+json, application/json") -> FetchedDocument:
        self.requested.append(url)
        answer = self.urls.get(url)
        if answer is None:
            answer = self._from_prefix(url)
        if answer is None:
            raise FetchError(f"no answer mapped for {url}")
        if isinstance(answer, tuple):
            status, content_type, body = answer
            return FetchedDocument(url=url, status=status, content_type=content_type, body=body)
        if isinstance(answer, Path):
            return FetchedDocument(
                url=url, status=200, content_type=_content_type(answer), body=answer.read_bytes()
            )
        return FetchedDocument(url=url, status=200, content_type="application/json", body=answer)

    def _from_prefix(self, url: str) -> Path | None:
        for prefix, folder in self.prefixes.items():
            if url.startswith(prefix):
                relative = url[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
                for candidate in (folder / relative, folder / f"{relative}.json"):
                    if candidate.is_file():
                        return candidate
        return None


def _content_type(path: Path) -> str:
    if path.suffix in {".json", ".jsonld", ""}:
        return "application/json"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"
