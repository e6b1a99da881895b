import pytest

from besace.backpack.tests.organise_fixtures import imported_fixture, kept_fixture  # noqa: F401


@pytest.fixture
def earner(make_user):
    user = make_user("earner@example.org")
    user.first_name, user.last_name = "Amélie", "Poulain"
    user.save()
    return user
