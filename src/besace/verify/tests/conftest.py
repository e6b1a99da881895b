import pytest

from besace.testing.client_fetcher import ClientFetcher


@pytest.fixture
def in_process_fetcher(monkeypatch, settings):
    """Verification reaches this Besace's own URLs through the test client (no network)."""
    fetcher = ClientFetcher(settings.BESACE_BASE_URL)
    for module in ("besace.verify.views", "besace.verify.api", "besace.backpack.views"):
        monkeypatch.setattr(f"{module}.badge_fetcher", lambda: fetcher)
    return fetcher
