"""A Fetcher that answers Besace's own URLs through Django's test client: in-process verification."""

from urllib.parse import urlsplit

from django.test import Client

from besace.openbadges.verify.model import FetchedDocument, FetchError


class ClientFetcher:
    def __init__(self, base_url: str, client: Client | None = None):
        self.base_url = base_url.rstrip("/")
        self.client = client or Client()
        self.requested: list[str] = []

    def fetch(self, url: str, *, accept: str = "application/ld+json, application/json") -> FetchedDocument:
        self.requested.append(url)
        if not url.startswith(self.base_url + "/"):
            raise FetchError(f"only {self.base_url} is reachable in this test, not {url}")
        parts = urlsplit(url)
        response = self.client.get(
            parts.path, query_params=None, HTTP_ACCEPT=accept, QUERY_STRING=parts.query
        )
        content_type = response.get("Content-Type", "application/octet-stream").split(";")[0].strip().lower()
        return FetchedDocument(
            url=url, status=response.status_code, content_type=content_type, body=response.content
        )
