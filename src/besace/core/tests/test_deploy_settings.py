"""Production settings: passwords hashed with Argon2, HTTPS-only headers and cookies, `check --deploy` clean.

The test suite itself swaps in a fast hasher (conftest), so the production values are read from the
settings module as the environment leaves them, and the deploy check runs in a fresh process.
"""

import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password

from besace import settings as production

PASSWORD = "correct horse battery"


def test_new_passwords_are_hashed_with_argon2(settings):
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert make_password(PASSWORD).startswith("argon2$")


def test_pbkdf2_hash_still_signs_in_and_is_upgraded_to_argon2(make_user, settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = make_user("legacy@example.org")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])

    assert authenticate(email="legacy@example.org", password="wrong password") is None
    assert authenticate(email="legacy@example.org", password=PASSWORD) == user
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert authenticate(email="legacy@example.org", password=PASSWORD) == user


def _deploy_env(tmp_path, **extra) -> dict[str, str]:
    """A clean production environment: nothing inherited from the test run but where programs are."""
    environment = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    return environment | {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "badges.example.org",
        "BESACE_BASE_URL": "https://badges.example.org",
        "BESACE_VAR_DIR": str(tmp_path),
        "BESACE_KEY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        **extra,
    }


def _besace(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "besace.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production(tmp_path):
    result = _besace("check", "--deploy", "--fail-level", "WARNING", environment=_deploy_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_reports_a_site_left_without_hsts(tmp_path):
    """The clean check above is not vacuous: it sees what an operator turns off."""
    environment = _deploy_env(tmp_path, SECURE_HSTS_SECONDS="0", SECURE_SSL_REDIRECT="0")
    result = _besace("check", "--deploy", "--fail-level", "WARNING", environment=environment)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_check_deploy_refuses_signing_keys_encrypted_with_a_key_derived_from_secret_key(tmp_path):
    environment = _deploy_env(tmp_path)
    del environment["BESACE_KEY_ENCRYPTION_KEYS"]
    result = _besace("check", "--deploy", environment=environment)
    assert result.returncode != 0
    assert "besace.issuing.E002" in result.stderr and "BESACE_KEY_ENCRYPTION_KEYS is not set" in result.stderr


PRINT_SECURITY_SETTINGS = """
import django
from django.conf import settings
django.setup()
for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
             "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
             "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS"):
    print(name, getattr(settings, name))
"""


def _security_settings(environment: dict[str, str]) -> dict[str, str]:
    environment = environment | {"DJANGO_SETTINGS_MODULE": "besace.settings"}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SECURITY_SETTINGS],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


def test_https_site_redirects_and_keeps_browsers_on_https(tmp_path):
    values = _security_settings(_deploy_env(tmp_path, SECURE_HSTS_PRELOAD="1"))
    assert values == {
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": str(365 * 24 * 3600),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
        "SECURE_HSTS_PRELOAD": "True",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SESSION_COOKIE_HTTPONLY": "True",
        "SECURE_CONTENT_TYPE_NOSNIFF": "True",
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
    }


def test_http_or_debug_site_is_not_forced_onto_https(tmp_path):
    for extra in ({"BESACE_BASE_URL": "http://127.0.0.1:8000"}, {"DEBUG": "1"}):
        values = _security_settings(_deploy_env(tmp_path, **extra))
        assert values["SECURE_SSL_REDIRECT"] == "False" and values["SECURE_HSTS_SECONDS"] == "0", extra


def test_plain_http_is_redirected_except_the_load_balancers_health_check(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT
    home = client.get("/")
    assert home.status_code == 301 and home["Location"] == "https://testserver/"
    assert client.get("/healthz").status_code == 200
    assert client.get("/", secure=True).status_code == 200
