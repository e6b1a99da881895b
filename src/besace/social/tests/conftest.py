"""Earners holding the `badge_class` fixture's badge, with the visibility a test needs."""

import pytest

from besace.backpack.models import Visibility
from besace.backpack.organise import badge_visibility_set
from besace.backpack.services import assertion_accept
from besace.gallery.keys import badge_class_key


@pytest.fixture
def key(badge_class):
    """The key of the `badge_class` fixture's badge class, as the gallery and social URLs name it."""
    return badge_class_key(badge_class.public_url)


@pytest.fixture
def hold(award):
    """Award the badge class to `user` (or `badge_class=`), accept it, set its visibility; the entry."""

    def make(user, visibility: str = Visibility.PUBLIC, **fields):
        entry = assertion_accept(assertion=award(user.email, **fields), user=user)
        return badge_visibility_set(entry=entry, visibility=visibility, actor=user)

    return make


@pytest.fixture
def follower(make_user):
    return make_user("follower@example.org")
