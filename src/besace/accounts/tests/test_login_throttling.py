"""The login page refuses sign-in, even with the right password, after too many failures for one account
(from any number of addresses) or from one address (whatever accounts it tries); it says how long to wait."""

import pytest

from besace.accounts.tests.helpers import PASSWORD
from besace.core.models import AuditEntry

WAIT = "Too many failed sign-in attempts. Wait 15 minutes, then try again."


@pytest.fixture
def ada(make_user):
    return make_user("ada@example.org", password=PASSWORD)


def _login(client, login: str, password: str, ip: str = "127.0.0.1"):
    return client.post("/accounts/login/", {"login": login, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_an_account_is_locked_after_failures_from_many_addresses(client, ada, settings):
    for n in range(settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT):
        refused = _login(client, "ada@example.org", "wrong", ip=f"10.0.0.{n}")
        assert refused.status_code == 200 and WAIT not in refused.content.decode()

    locked = _login(client, "ada@example.org", PASSWORD, ip="10.0.1.1")

    assert locked.status_code == 200 and not _signed_in(client)
    assert locked.context["form"].non_field_errors() == [WAIT]
    assert WAIT in locked.content.decode()


def test_the_lock_holds_for_every_address_of_the_account(client, ada, settings):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=ada, email="ada@work.example", verified=True)
    for n in range(settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT):
        _login(client, "ada@example.org" if n % 2 else "Ada@Work.example", "wrong", ip=f"10.0.0.{n}")

    _login(client, "ada@work.example", PASSWORD)

    assert not _signed_in(client)


def test_an_address_is_locked_after_failures_on_many_accounts(client, ada, settings, rate_limit_clock):
    for n in range(settings.BESACE_LOGIN_FAILURES_PER_ADDRESS):
        _login(client, f"guess{n}@example.org", "wrong", ip="192.0.2.7")
        rate_limit_clock(minutes=0.1)  # slower than allauth's limit on all sign-ins (30 a minute)

    from_there = _login(client, "ada@example.org", PASSWORD, ip="192.0.2.7")
    assert not _signed_in(client) and from_there.context["form"].non_field_errors() == [WAIT]

    _login(client, "ada@example.org", PASSWORD, ip="192.0.2.8")  # another address is not locked
    assert _signed_in(client)


def test_sign_in_opens_again_after_the_cool_off(client, ada, settings, rate_limit_clock):
    for _ in range(settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT):
        _login(client, "ada@example.org", "wrong")
    rate_limit_clock(minutes=14)
    _login(client, "ada@example.org", PASSWORD)
    assert not _signed_in(client)  # attempts during the lockout do not extend it, nor get in

    rate_limit_clock(minutes=1.1)
    _login(client, "ada@example.org", PASSWORD)

    assert _signed_in(client)


def test_the_limits_are_settings(client, ada, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/1m/ip,2/1m/key"}
    settings.BESACE_LOGIN_LOCKOUT_MINUTES = 1
    _login(client, "ada@example.org", "wrong")
    _login(client, "ada@example.org", "wrong")

    locked = _login(client, "ada@example.org", PASSWORD)

    assert locked.context["form"].non_field_errors() == [
        "Too many failed sign-in attempts. Wait 1 minute, then try again."
    ]


def test_failures_and_the_lockout_are_audited_on_the_account_once(client, ada, settings):
    for _ in range(settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT):
        _login(client, "ada@example.org", "wrong", ip="203.0.113.5")
    for _ in range(3):
        _login(client, "ada@example.org", PASSWORD, ip="203.0.113.5")

    entries = AuditEntry.objects.filter(target_type="accounts.user", target_id=str(ada.pk))
    failed = entries.filter(action="account.login.failed")
    assert failed.count() == settings.BESACE_LOGIN_FAILURES_PER_ACCOUNT
    assert failed.first().data == {"ip": "203.0.113.5", "via": "page"} and failed.first().actor is None
    assert entries.filter(action="account.login.locked").count() == 1
    assert not entries.filter(action="account.login.succeeded").exists()


def test_an_unknown_address_fails_without_an_audit_entry(client, db):
    _login(client, "nobody@example.org", "wrong")
    assert not AuditEntry.objects.filter(action__startswith="account.login").exists()
