"""Bulk award benchmark: one CSV file of 10,000 recipients to assertions created, e-mails queued and images
baked, on SQLite and on PostgreSQL. Goal (issue 6): under 60 s on a 2-core machine.

    .venv/bin/python bench/bench_bulk_award.py [--rows 10000] [--postgres URL | --no-postgres] [--record]

Never run by the test suite. Each database is made fresh and migrated (not timed), then the path an
issuer's file takes is timed in phases, through the product's own code:
- preview: the upload request (decode, parse, check every row as the award form does);
- confirm: the confirmation request (the file checked again, the AwardJob stored, its task queued);
- job: what the worker does with that task (batches of bulk inserts of assertions and audit entries, one
  queued e-mail task per batch) — the tasks go to the database queue (django-tasks-db), as in production;
- bake: the image every award carries, baked as the download view bakes it (Besace bakes on download
  rather than storing 10,000 copies: see besace.issuing.award_jobs).
Sending the e-mails is the workers' business afterwards and is not timed.

--postgres names a database this script DROPS and creates again: give it one of its own (default
postgres://postgres@127.0.0.1:5432/h_bulk_bench). Each database runs in a child process, since Django
reads DATABASE_URL once. --record appends the figures to bench/RESULTS.md.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 60
PHASES = ("preview", "confirm", "job", "bake")
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/h_bulk_bench"


def badge_image() -> bytes:
    """A heavy badge image (256 x 256 pixels of noise, about 200 KB of PNG: most badges are smaller):
    baking copies the whole image, so its size is what the bake phase depends on."""
    import io
    import random

    from PIL import Image

    noise = random.Random(6).randbytes(256 * 256 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (256, 256), noise).save(buffer, format="PNG")
    return buffer.getvalue()


def csv_bytes(rows: int) -> bytes:
    """A realistic file: names with accents, a narrative, an evidence URL, as spreadsheets export it."""
    first = "Amélie Lucas Chloé Hugo Léa Louis Manon Gabriel Inès Arthur Zoé Noah".split()
    last = "Martin Bernard Dubois Lefèvre Moreau Laurent Petit Durand".split()
    lines = ["email,name,narrative,evidence_url"]
    for n in range(rows):
        name = f"{first[n % len(first)]} {last[n // len(first) % len(last)]}"
        lines.append(
            f"etudiant{n}@univ.example,{name},Projet final validé ({n}),https://portfolio.univ.example/{n}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


# --- Child: one database ------------------------------------------------------------------------------


def child(rows: int) -> dict:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "besace.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from besace.core.models import AuditEntry
    from besace.issuing import award_jobs, services
    from besace.issuing.baking import baked_assertion_image, signed_assertion_image
    from besace.issuing.csv_awards import award_csv_parse, csv_decode
    from besace.issuing.emails import award_emails_send_task
    from besace.issuing.models import Assertion

    call_command("migrate", verbosity=0)
    owner = get_user_model().objects.create_user(email="owner@univ.example")
    issuer = services.issuer_create(
        owner=owner, name="Université Bench", url="https://univ.example", email="badges@univ.example"
    )
    badge_class = services.badge_class_create(
        issuer=issuer,
        actor=owner,
        name="Projet final",
        description="A validé son projet final.",
        image=ContentFile(badge_image(), name="badge.png"),
        criteria_text="Soutenir le projet final.",
    )
    data = csv_bytes(rows)
    assert len(data) <= settings.BESACE_MAX_CSV_BYTES, "the file must pass the upload form's size limit"
    times = {}

    started = time.perf_counter()
    parsed = award_csv_parse(csv_decode(data))
    times["preview"] = time.perf_counter() - started
    assert not parsed.errors, parsed.errors[:3]

    started = time.perf_counter()
    parsed = award_csv_parse(csv_decode(data))
    job = award_jobs.award_job_create(
        badge_class=badge_class, awards=parsed.awards, actor=owner, language="fr"
    )
    times["confirm"] = time.perf_counter() - started

    started = time.perf_counter()
    job = award_jobs.award_job_run(job.pk)
    times["job"] = time.perf_counter() - started
    assert job.state == "done", job.error

    started = time.perf_counter()
    baked_bytes = 0
    image = signed_assertion_image if badge_class.verification == "signed" else baked_assertion_image
    for assertion in (
        Assertion.objects.filter(award_job=job).select_related("badge_class__issuer").iterator(2000)
    ):
        baked_bytes += len(image(assertion)[0])
    times["bake"] = time.perf_counter() - started

    # Not part of the goal (workers send once the job is done): one batch's e-mails, rendered and handed
    # to an in-memory mail backend, for the rate one worker sends at.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    batch = list(
        Assertion.objects.filter(award_job=job)[: award_jobs.BATCH_SIZE].values_list("pk", flat=True)
    )
    started = time.perf_counter()
    award_emails_send_task.call(batch)
    emails_per_second = len(batch) / (time.perf_counter() - started)

    email_task = award_emails_send_task.module_path
    queued = [result.args_kwargs["args"][0] for result in DBTaskResult.objects.filter(task_path=email_task)]
    checks = {
        "assertions": Assertion.objects.filter(award_job=job).count(),
        "audited": AuditEntry.objects.filter(action="assertion.awarded").count(),
        "emails_queued": sum(len(pks) for pks in queued),
        "email_tasks": len(queued),
        "baked_mb": round(baked_bytes / 1e6, 1),
    }
    assert checks["assertions"] == checks["audited"] == checks["emails_queued"] == rows, checks
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    return {
        "database": f"{connection.display_name} {version}",
        "batch": award_jobs.BATCH_SIZE,
        "times": times,
        "checks": checks,
        "emails_per_second": emails_per_second,
    }


# --- Parent: fresh databases, children, table ----------------------------------------------------------


def postgres_recreate(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def run_child(database_url: str, rows: int, var_dir: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BESACE_TASKS": "db",
        "BESACE_VAR_DIR": var_dir,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "DEBUG": "",
    }
    output = subprocess.run(
        [sys.executable, __file__, "--child", "--rows", str(rows)],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def table(rows: int, results: list[dict]) -> str:
    lines = [
        f"| database | {' | '.join(PHASES)} | total | goal | e-mails sent/s, 1 worker (not in total) |",
        "|---" * (len(PHASES) + 4) + "|",
    ]
    for result in results:
        times = result["times"]
        total = sum(times.values())
        verdict = "met" if total < GOAL_SECONDS else "MISSED"
        cells = " | ".join(f"{times[phase]:.1f} s" for phase in PHASES)
        lines.append(
            f"| {result['database']} | {cells} | **{total:.1f} s** | < {GOAL_SECONDS} s: {verdict} "
            f"| {result['emails_per_second']:.0f} |"
        )
    return "\n".join(lines)


def record(rows: int, results: list[dict], rendered: str) -> None:
    checks = results[0]["checks"]
    machine = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    text = (
        f"\n## Bulk award, {rows:,} recipients from one CSV file ({datetime.date.today().isoformat()})\n\n"
        f"`bench/bench_bulk_award.py --rows {rows}`. Machine: {machine}; database on the same host.\n"
        "Timed through Besace's own code: preview (parse and check every row), confirmation (checked again,\n"
        f"AwardJob stored and queued), the job as a worker runs it (batches of {results[0]['batch']}: bulk "
        "inserts of\nassertions and audit entries; "
        f"{checks['email_tasks']} e-mail tasks queued in the database), then every award's baked image\n"
        f"made as the download view makes it ({checks['baked_mb']:,} MB of PNG from a 200 KB badge image). "
        f"Checked: {checks['assertions']:,}\nassertions, {checks['audited']:,} audit entries, "
        f"{checks['emails_queued']:,} e-mails queued.\n\n{rendered}\n"
    )
    with open(REPO / "bench" / "RESULTS.md", "a", encoding="utf-8") as results_file:
        results_file.write(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="a database of its own: it is dropped")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.rows)))
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="besace-bulk-") as var_dir:
        print(f"SQLite, {args.rows} rows...", flush=True)
        results.append(run_child(f"sqlite:///{var_dir}/bench.sqlite3", args.rows, var_dir))
        if not args.no_postgres:
            print(f"PostgreSQL ({args.postgres}), {args.rows} rows...", flush=True)
            postgres_recreate(args.postgres)
            results.append(run_child(args.postgres, args.rows, var_dir))
    rendered = table(args.rows, results)
    print(rendered)
    print("checks:", json.dumps([result["checks"] for result in results]))
    if args.record:
        record(args.rows, results, rendered)


if __name__ == "__main__":
    main()
