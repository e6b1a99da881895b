import pytest


@pytest.fixture
def earner(make_user):
    """The account of earner@example.org, the address the `award` fixture awards to."""
    return make_user("earner@example.org")
