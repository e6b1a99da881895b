"""`besace demo --if-empty`: one issuer, two badges, a demo earner with a pending and an accepted badge."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from besace.backpack.models import BackpackBadge
from besace.backpack.selectors import pending_assertions
from besace.demo.management.commands.demo import DEMO_PASSWORD, EARNER_EMAIL, ISSUER_EMAIL
from besace.issuing.models import Assertion, BadgeClass, Issuer


def _demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_it_loads_the_demo_data(db, django_capture_on_commit_callbacks, mailoutbox, client):
    with django_capture_on_commit_callbacks(execute=True):
        out = _demo("--if-empty")
    issuer = Issuer.objects.get()
    assert issuer.memberships.get().user.email == ISSUER_EMAIL
    assert BadgeClass.objects.filter(issuer=issuer).count() == 2
    earner = get_user_model().objects.get(email=EARNER_EMAIL)
    assert BackpackBadge.objects.get().owner == earner
    assert pending_assertions(earner).count() == 1
    assert Assertion.objects.count() == 2
    assert len(mailoutbox) == 2
    assert f"{EARNER_EMAIL} / {DEMO_PASSWORD}" in out
    assert client.login(email=EARNER_EMAIL, password=DEMO_PASSWORD)


def test_it_loads_nothing_the_second_time(db):
    _demo("--if-empty")
    out = _demo("--if-empty")
    assert "nothing loaded" in out
    assert (Issuer.objects.count(), BadgeClass.objects.count(), Assertion.objects.count()) == (1, 2, 2)


def test_it_loads_nothing_into_a_database_that_has_issuers(issuer):
    assert "nothing loaded" in _demo("--if-empty")
    assert Issuer.objects.get() == issuer


def test_it_refuses_to_load_twice_without_if_empty(db):
    _demo()
    with pytest.raises(CommandError, match="demo accounts already exist"):
        _demo()
    assert Issuer.objects.count() == 1


def test_the_gallery_and_a_public_profile_have_something_to_show(client, db):
    call_command("demo", "--if-empty", stdout=io.StringIO())
    assert "Python" in client.get("/gallery/").content.decode()
    earner = get_user_model().objects.get(email=EARNER_EMAIL)
    assert "Grenoble" in client.get(f"/people/{earner.profile.slug}/").content.decode()
