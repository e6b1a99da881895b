"""A badge issued by one Besace instance imports into another and verifies, over real HTTP.

Instance A runs as a separate server process with its own database; this test process is instance B,
whose fetcher reaches A on 127.0.0.1 (loopback allowed for the test only).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from besace.backpack.models import BackpackBadge
from besace.issuing.models import Assertion

EARNER = "earner@example.org"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _besace(env: dict, *args: str) -> str:
    command = [sys.executable, "-m", "besace", *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=120).stdout


@pytest.fixture(scope="module")
def instance_a(tmp_path_factory):
    """Besace instance A: demo data, one award to EARNER; yields that assertion's public URL."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")  # A has its own SQLite database
    }
    env.update(
        DEBUG="1",
        SECRET_KEY="instance-a",
        BESACE_VAR_DIR=str(tmp_path_factory.mktemp("instance-a")),
        BESACE_BASE_URL=base_url,
        EMAIL_URL="consolemail://",
    )
    _besace(env, "migrate", "--noinput")
    _besace(env, "demo")
    badge_class_id = _besace(env, "badgeclasses").splitlines()[0].split("\t")[0]
    assertion_url = _besace(env, "award", badge_class_id, EARNER, "--name", "Léa").strip().splitlines()[-1]
    server = subprocess.Popen(
        [sys.executable, "-m", "besace", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"{base_url}/")
        yield assertion_url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"instance A did not answer at {url}")


@pytest.fixture
def loopback_fetching(monkeypatch):
    monkeypatch.setenv("BESACE_FETCH_ALLOW_LOOPBACK", "1")


def test_it_imports_a_badge_of_another_besace_by_url(client, make_user, instance_a, loopback_fetching):
    earner = make_user(EARNER)
    client.force_login(earner)
    response = client.post("/backpack/import/", {"url": instance_a})
    assert response.status_code == 302, response.content.decode()[-3000:]
    entry = BackpackBadge.objects.get(owner=earner)
    assert entry.badge_id == instance_a and entry.version == "2.0"
    assert entry.issuer_name == "Université de Démo"
    assert all(check["passed"] for check in entry.checks), entry.checks
    assert not Assertion.objects.exists()  # instance B issued nothing: the badge lives on A


def test_it_imports_the_baked_image_of_another_besace(
    client, make_user, instance_a, loopback_fetching, tmp_path
):
    earner = make_user(EARNER)
    client.force_login(earner)
    with urllib.request.urlopen(f"{instance_a}/baked.png", timeout=10) as download:
        baked = Path(tmp_path / "baked.png")
        baked.write_bytes(download.read())
    with baked.open("rb") as image:
        response = client.post("/backpack/import/", {"image": image})
    assert response.status_code == 302
    entry = BackpackBadge.objects.get(owner=earner)
    assert entry.badge_id == instance_a
    assert entry.image.read() == baked.read_bytes()


def test_it_refuses_instance_a_when_loopback_is_not_allowed(client, make_user, instance_a, monkeypatch):
    monkeypatch.delenv("BESACE_FETCH_ALLOW_LOOPBACK", raising=False)
    earner = make_user(EARNER)
    client.force_login(earner)
    response = client.post("/backpack/import/", {"url": instance_a})
    assert response.status_code == 422
    assert not BackpackBadge.objects.filter(owner=earner).exists()
