import pytest

from besace.backpack.tests.organise_fixtures import imported_fixture, kept_fixture  # noqa: F401
from besace.profiles.services import profile_for


@pytest.fixture
def earner(make_user):
    """The account of earner@example.org, the address the `award` fixture awards to."""
    user = make_user("earner@example.org")
    user.first_name, user.last_name = "Amélie", "Poulain"
    user.save()
    return user


@pytest.fixture
def public_profile():
    """Give a user a public profile with these fields."""

    def make(user, **fields):
        profile = profile_for(user)
        fields.setdefault("visibility", "public")
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.save()
        return profile

    return make
