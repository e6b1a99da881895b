import pytest
from django.core.cache import cache

from besace.accounts.tests.helpers import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth keeps its rate limits (one code per address every 10 s, ...) in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signup(client, db):
    """Post the sign-up form; returns the response."""

    def post(email: str, *, accept: bool = True, **fields):
        data = {"email": email, "password1": PASSWORD, "password2": PASSWORD, **fields}
        if accept:
            data["accept_data_protection"] = "on"
        return client.post("/accounts/signup/", data)

    return post
