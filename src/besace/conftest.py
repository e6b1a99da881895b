"""Shared fixtures: an issuer with an owner, an editor, an awarder and an outsider; badge classes."""

import os
from pathlib import Path

import hypothesis
import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import translation

from besace.accounts.services import consent_record
from besace.core.replica import REPLICA
from besace.demo.images import badge_png, badge_svg
from besace.issuing import services
from besace.issuing.models import IssuerStaff
from besace.testing.mail import flaky_mail_server  # noqa: F401 (a fixture for every app's tests)
from besace.testing.tasks import db_tasks  # noqa: F401 (a fixture for every app's tests)

# Property-based tests: the same examples on every run (a failure in CI reproduces anywhere), without
# deadlines (two cores shared by parallel jobs make timings noisy). HYPOTHESIS_PROFILE=thorough hunts
# with new random examples, twenty times as many.
hypothesis.settings.register_profile(
    "besace",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
hypothesis.settings.register_profile(
    "thorough", hypothesis.settings.get_profile("besace"), derandomize=False, max_examples=2000
)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "besace"))

SHARED_FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"


@pytest.fixture
def shared_fixtures() -> Path:
    """The read-only third-party test data (../shared/fixtures), or a skip when this checkout has none."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"third-party fixtures not found at {SHARED_FIXTURES.resolve()}")
    return SHARED_FIXTURES


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A `replica` alias as DATABASE_REPLICA_URL makes one, a mirror of the test database (only the tests
    of besace.core.replica route reads to it)."""
    from django.conf import settings

    default = settings.DATABASES["default"]
    settings.DATABASES.setdefault(
        REPLICA, {**default, "TEST": {**default.get("TEST", {}), "MIRROR": "default"}}
    )


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BESACE_DEV_MAIL_DIR = tmp_path / "mail"
    settings.BESACE_BASE_URL = "http://testserver"
    # Background tasks run at once, inside the test.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # A deliberately slow hasher costs a quarter of a second for each user a test makes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    def make(
        email: str, *, password: str = "correct horse battery", verified: bool = True, consent: bool = True
    ):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user(email=email, password=password)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        if consent:
            consent_record(user=user)
        return user

    return make


@pytest.fixture
def earner(make_user):
    """The account of earner@example.org, the address the `award` fixture awards to by default."""
    return make_user("earner@example.org")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and other cached state start empty in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in French leaves French active in the thread (LocaleMiddleware): the next test starts
    in the default language again."""
    yield
    translation.deactivate()


@pytest.fixture
def login(client):
    """Sign `client` in as a user (None: stay anonymous); returns the client."""

    def sign_in(user):
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def owner(make_user):
    return make_user("owner@univ.example")


@pytest.fixture
def outsider(make_user):
    return make_user("outsider@elsewhere.example")


@pytest.fixture
def issuer(owner):
    return services.issuer_create(
        owner=owner, name="Université Test", url="https://univ.example", email="badges@univ.example"
    )


@pytest.fixture
def editor(make_user, issuer, owner):
    user = make_user("editor@univ.example")
    services.issuer_staff_set(issuer=issuer, user=user, role=IssuerStaff.Role.EDITOR, actor=owner)
    return user


@pytest.fixture
def awarder(make_user, issuer, owner):
    user = make_user("awarder@univ.example")
    services.issuer_staff_set(issuer=issuer, user=user, role=IssuerStaff.Role.AWARDER, actor=owner)
    return user


@pytest.fixture
def badge_class(issuer, owner):
    return services.badge_class_create(
        issuer=issuer,
        actor=owner,
        name="Python",
        description="Writes Python.",
        image=ContentFile(badge_png(), name="python.png"),
        criteria_text="Pass the **final** project.",
        tags=["python"],
        alignments=[
            {
                "target_name": "Python",
                "target_url": "http://data.europa.eu/esco/skill/python",
                "target_framework": "ESCO",
            }
        ],
    )


@pytest.fixture
def svg_badge_class(issuer, owner):
    return services.badge_class_create(
        issuer=issuer,
        actor=owner,
        name="Teamwork",
        description="Works in a team.",
        image=ContentFile(badge_svg(), name="team.svg"),
        criteria_url="https://univ.example/criteria/teamwork",
    )


@pytest.fixture
def award(badge_class, owner):
    """Award `badge_class` to an address; returns the Assertion."""

    def make(email: str = "earner@example.org", **fields):
        return services.badge_award(
            badge_class=fields.pop("badge_class", badge_class),
            award=services.AwardRequest(email=email, **fields),
            actor=owner,
        )

    return make


@pytest.fixture
def rate_limit_clock(monkeypatch):
    """Moves allauth's rate-limit clock forward: `rate_limit_clock(minutes=15)` (the throttles' time only)."""
    import time
    from types import SimpleNamespace

    from allauth.core.internal import ratelimit

    offset = 0.0
    clock = SimpleNamespace(time=lambda: time.time() + offset, monotonic=time.monotonic, sleep=time.sleep)
    monkeypatch.setattr(ratelimit, "time", clock)

    def advance(*, minutes: float) -> None:
        nonlocal offset
        offset += minutes * 60

    return advance
