"""Soak test: a local server under a steady, realistic mix of requests for minutes; no error, flat memory.

Starts gunicorn (2 workers, loopback only) on a database of its own (a fresh SQLite file in a temporary
folder by default, or an empty PostgreSQL database given with --database-url), loads the demo data and
--awards awards, then drives one client at a bounded rate (--rate requests per second at most) through
this mix, in turn:

- the public assertion as JSON-LD (verifiers) and as HTML page, badge class pages, gallery searches;
- an earner signing in with the login form, then their backpack pages (and signing out);
- the Badgr API with a bearer token (the backpack listing);
- an award by the issuer through the API, and its recipient importing it by URL into their backpack (the
  import verifies it, fetching the hosted assertion from the same server: loopback is allowed for that).

Any 5xx, unexpected status or connection error is an error: the run fails if there is one. Every 10 s the
resident memory (VmRSS) of each gunicorn worker is sampled; the run fails if a worker's memory at the end
is more than --max-growth percent above what it was once warm (at 2 minutes, or a fifth of a shorter run):
a leak shows as a steady climb, while a warm worker holds steady. Prints one table of the samples and a
summary; exits 1 on failure.

    .venv/bin/python bench/soak.py                   # 10 minutes (make soak)
    .venv/bin/python bench/soak.py --minutes 0.5     # what the test suite runs
"""

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKERS = 2
SAMPLE_EVERY = 10.0
ISSUER_EMAIL, EARNER_EMAIL, PASSWORD = "issuer@demo.besace.test", "earner@demo.besace.test", "besace-demo"
# Receives and imports the awards made during the run: the backpack the earner browses keeps its size, so
# that the work per request stays the same from start to end and memory growth means a leak.
IMPORTER_EMAIL = "importer@soak.besace.test"
GALLERY_QUERIES = ["?keywords=python", "?name=equipe", "?issuer=demo", "?tag=python", "?sort=name", ""]


def seed(awards: int) -> None:
    """Make the database (in one process: each Django start costs seconds): migrate, the demo data, then
    `awards` awards of the demo's first badge; print the public ids of every assertion and badge class
    (one JSON object)."""
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from besace.accounts.services import consent_record
    from besace.issuing import services
    from besace.issuing.models import Assertion, BadgeClass

    call_command("migrate", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))
    importer = get_user_model().objects.create_user(email=IMPORTER_EMAIL, password=PASSWORD)
    EmailAddress.objects.create(user=importer, email=IMPORTER_EMAIL, verified=True, primary=True)
    consent_record(user=importer)
    badge_class = BadgeClass.objects.order_by("pk").first()
    owner = get_user_model().objects.get(email=ISSUER_EMAIL)
    for number in range(awards):
        services.badge_award(
            badge_class=badge_class,
            award=services.AwardRequest(email=f"soak{number}@example.org", name=f"Soak Earner {number}"),
            actor=owner,
        )
    print(
        json.dumps(
            {
                "assertions": list(Assertion.objects.values_list("public_id", flat=True)),
                "badge_classes": list(BadgeClass.objects.values_list("public_id", flat=True)),
            }
        )
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return done.stdout


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"no VmRSS for process {pid}")


def _workers(master: int) -> list[int]:
    return sorted(int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split())


@dataclass
class Tally:
    """Requests made and errors met, by kind of request."""

    counts: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def record(self, kind: str, response: requests.Response | None, expected: tuple[int, ...], error=""):
        self.counts[kind] += 1
        if response is not None and response.status_code in expected:
            return response
        self.errors[kind] += 1
        if len(self.examples) < 10:
            got = f"{response.status_code} {response.text[:200]!r}" if response is not None else error
            self.examples.append(f"{kind}: {got}")
        return None


class Client:
    """One user agent at a bounded rate: every request goes through `call`, which waits its turn."""

    def __init__(self, base: str, rate: float, tally: Tally):
        self.base, self.interval, self.tally = base, 1 / rate, tally
        self.next_at = time.monotonic()

    def call(self, kind: str, method: str, path: str, *, session=None, expected=(200,), **kwargs):
        time.sleep(max(0.0, self.next_at - time.monotonic()))
        self.next_at = max(self.next_at + self.interval, time.monotonic())
        try:
            response = (session or requests).request(
                method, self.base + path, timeout=30, allow_redirects=False, **kwargs
            )
        except requests.RequestException as error:
            return self.tally.record(kind, None, expected, error=repr(error))
        return self.tally.record(kind, response, expected)


def _csrf(page: requests.Response | None) -> str:
    found = page is not None and re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    return found.group(1) if found else ""


def _token(client: Client, email: str) -> str:
    response = client.call("API token", "POST", "/o/token", data={"username": email, "password": PASSWORD})
    if response is None:
        raise SystemExit(f"no API token for {email}: {client.tally.examples}")
    return response.json()["access_token"]


def _browse_backpack(client: Client) -> None:
    """Sign in with the form, look at the backpack, sign out: a whole visit."""
    browser = requests.Session()
    login = client.call("login page", "GET", "/accounts/login/", session=browser)
    signed_in = client.call(
        "login",
        "POST",
        "/accounts/login/",
        session=browser,
        expected=(302,),
        data={"login": EARNER_EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(login)},
        headers={"Referer": client.base + "/accounts/login/"},
    )
    if signed_in is None:
        return
    backpack = client.call("backpack pages", "GET", "/backpack/", session=browser)
    for href in sorted(
        set(re.findall(r'href="(/backpack/badges/[\w-]+/)"', backpack.text if backpack else ""))
    )[:2]:
        client.call("backpack pages", "GET", href, session=browser)
    client.call(
        "logout",
        "POST",
        "/accounts/logout/",
        session=browser,
        expected=(302,),
        data={"csrfmiddlewaretoken": browser.cookies.get("csrftoken", "")},
        headers={"Referer": client.base + "/backpack/"},
    )


def _award_and_import(client: Client, issuer_token: str, importer_token: str, badge_class: str) -> None:
    created = client.call(
        "award (API)",
        "POST",
        f"/v2/badgeclasses/{badge_class}/assertions",
        expected=(201,),
        json={"recipient": {"identity": IMPORTER_EMAIL, "type": "email"}},
        headers={"Authorization": f"Bearer {issuer_token}"},
    )
    if created is None:
        return
    client.call(
        "import (API)",
        "POST",
        "/v2/backpack/import",
        expected=(201,),
        json={"url": created.json()["result"][0]["openBadgeId"]},
        headers={"Authorization": f"Bearer {importer_token}"},
    )


def drive(client: Client, ids: dict, seconds: float, on_tick) -> None:
    issuer_token, earner_token = _token(client, ISSUER_EMAIL), _token(client, EARNER_EMAIL)
    importer_token = _token(client, IMPORTER_EMAIL)
    api_badge_class = ids["badge_classes"][0]
    shuffle = random.Random(7)
    deadline = time.monotonic() + seconds
    turn = 0
    while time.monotonic() < deadline:
        assertion = shuffle.choice(ids["assertions"])
        for _ in range(3):
            client.call(
                "assertion JSON",
                "GET",
                f"/public/assertions/{shuffle.choice(ids['assertions'])}",
                headers={"Accept": "application/ld+json"},
            )
        client.call(
            "assertion page", "GET", f"/public/assertions/{assertion}", headers={"Accept": "text/html"}
        )
        client.call("badge page", "GET", f"/public/badges/{shuffle.choice(ids['badge_classes'])}")
        client.call("gallery search", "GET", f"/gallery/{shuffle.choice(GALLERY_QUERIES)}")
        client.call(
            "API backpack",
            "GET",
            "/v2/backpack/assertions",
            headers={"Authorization": f"Bearer {earner_token}"},
        )
        if turn % 3 == 0:
            _browse_backpack(client)
        if turn % 5 == 0:
            _award_and_import(client, issuer_token, importer_token, api_badge_class)
        turn += 1
        on_tick()


def soak(*, minutes: float, rate: float, max_growth: float, awards: int, database_url: str) -> bool:
    seconds = minutes * 60
    warm_at = min(120.0, seconds / 5)
    with tempfile.TemporaryDirectory(prefix="besace-soak-") as folder:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "SECRET_KEY": "soak-only",
            "DATABASE_URL": database_url or f"sqlite:///{folder}/soak.sqlite3",
            "BESACE_VAR_DIR": folder,
            "BESACE_BASE_URL": base,
            "ALLOWED_HOSTS": "127.0.0.1",
            "BESACE_TASKS": "immediate",
            "BESACE_FETCH_ALLOW_LOOPBACK": "1",  # the import verifies badges hosted by this same server
            "DJANGO_SETTINGS_MODULE": "besace.settings",
        }
        for name in ("DEBUG", "REDIS_URL", "CACHE_URL", "DATABASE_REPLICA_URL", "BESACE_STORAGE"):
            env.pop(name, None)
        env["EMAIL_URL"] = "dummymail://"  # award e-mails are made, then dropped
        started = time.monotonic()
        Path(folder, "static").mkdir()  # WhiteNoise's; the mix asks for no static file
        ids = json.loads(_run([sys.executable, __file__, "seed", str(awards)], env).strip().splitlines()[-1])
        print(f"database ready in {time.monotonic() - started:.0f} s: {len(ids['assertions'])} assertions")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "besace.wsgi:application", "--workers", str(WORKERS)]
            + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            env=env,
            cwd=REPO,
        )
        tally = Tally()
        samples: list[tuple[float, int, list[float]]] = []
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if requests.get(base + "/healthz", timeout=10).ok:
                        break
                except requests.RequestException:  # not listening yet, or still importing
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start")
                time.sleep(0.2)
            workers = _workers(server.pid)
            begin = time.monotonic()

            def sample() -> None:
                elapsed = time.monotonic() - begin
                if samples and elapsed - samples[-1][0] < SAMPLE_EVERY:
                    return
                # A worker that died was replaced by gunicorn: the run is then a failure in itself.
                if _workers(server.pid) != workers:
                    tally.record("worker restarted", None, (), error=f"{workers} -> {_workers(server.pid)}")
                    return
                samples.append((elapsed, sum(tally.counts.values()), [_rss_mib(pid) for pid in workers]))

            sample()
            drive(Client(base, rate, tally), ids, seconds, sample)
            samples.append(
                (time.monotonic() - begin, sum(tally.counts.values()), [_rss_mib(p) for p in workers])
            )
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"\n{'time':>7} {'requests':>9}  " + "  ".join(f"worker {n} RSS" for n in range(1, WORKERS + 1)))
    for elapsed, count, rss in samples:
        print(f"{elapsed:6.0f}s {count:9d}  " + "  ".join(f"{mib:10.1f} MiB" for mib in rss))
    print(f"\n{'request':<18} {'count':>7} {'errors':>7}")
    for kind, count in sorted(tally.counts.items()):
        print(f"{kind:<18} {count:7d} {tally.errors[kind]:7d}")
    total, errors = sum(tally.counts.values()), sum(tally.errors.values())
    duration = samples[-1][0]
    warm_elapsed, _, warm = next(sample for sample in samples if sample[0] >= warm_at)
    end = samples[-1][2]
    growth = max((last - first) / first * 100 for first, last in zip(warm, end, strict=True))
    print(
        f"\n{total} requests in {duration:.0f} s ({total / duration:.1f}/s), {errors} errors; worker RSS "
        f"{' / '.join(f'{mib:.1f}' for mib in warm)} MiB at {warm_elapsed:.0f} s, "
        f"{' / '.join(f'{mib:.1f}' for mib in end)} MiB at the end: {growth:+.1f}% (at most {max_growth:g}%)"
    )
    for example in tally.examples:
        print(f"  error: {example}")
    ok = errors == 0 and growth <= max_growth
    print("SOAK OK" if ok else "SOAK FAILED")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=10, help="requests per second at most (default 10)")
    parser.add_argument("--max-growth", type=float, default=20, help="percent, warm to end (default 20)")
    parser.add_argument("--awards", type=int, default=200, help="awards made before the run (default 200)")
    parser.add_argument(
        "--database-url", default="", help="an empty PostgreSQL database (default: a new SQLite file)"
    )
    options = parser.parse_args()
    ok = soak(
        minutes=options.minutes,
        rate=options.rate,
        max_growth=options.max_growth,
        awards=options.awards,
        database_url=options.database_url,
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["seed"]:
        seed(int(sys.argv[2]))
    else:
        main()
