"""Importing many badges at once: a Besace export, a ZIP of baked images, many files; hostile ZIPs."""

import json
import struct
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from besace.backpack import batch_import, imports
from besace.backpack.export import EXPORT_FORMAT, account_export_zip
from besace.backpack.models import BackpackBadge, ImportJob, ImportJobItem
from besace.backpack.tests.portability_helpers import full_backpack, zip_of
from besace.core.models import AuditEntry
from besace.issuing.signing import signed_assertion_jws
from besace.testing.client_fetcher import ClientFetcher
from besace.testing.tasks import retries_due_now, worker_run

Outcome = ImportJobItem.Outcome


@pytest.fixture
def fetcher(monkeypatch, settings):
    fetcher = ClientFetcher(settings.BESACE_BASE_URL)
    monkeypatch.setattr("besace.backpack.batch_import.badge_fetcher", lambda: fetcher)
    return fetcher


def _upload(client, *files: tuple[str, bytes]):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(reverse("backpack:batch_import"), {"files": uploads})


def _job(response) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get(public_id=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.state == ImportJob.State.DONE
    return job


def _outcomes(job: ImportJob) -> dict[str, tuple[str, str]]:
    return {item.name: (item.outcome, item.message) for item in job.items.all()}


def _baked(client, assertion) -> bytes:
    return client.get(
        f"/public/assertions/{assertion.public_id}/baked.{assertion.badge_class.image_kind}"
    ).content


# --- A Besace export, into a fresh account of the same person -------------------------------------------


def test_it_brings_a_whole_export_back_into_a_fresh_account_of_the_same_person(
    client, make_user, award, svg_badge_class, fetcher
):
    old = make_user("earner@example.org")
    backpack = full_backpack(old, award=award, svg_badge_class=svg_badge_class, fetcher=fetcher)
    exported = account_export_zip(old)
    old_badges = {entry.badge_id: entry.name for entry in backpack.entries}
    old.delete()  # the person left, and comes back with the same address

    fresh = make_user("earner@example.org")
    client.force_login(fresh)
    job = _job(_upload(client, ("besace-export.zip", exported)))

    items = list(job.items.all())
    assert len(items) == 4 and {item.outcome for item in items} == {Outcome.IMPORTED}
    assert all(item.badge and item.badge.owner == fresh for item in items)
    assert all(item.name.startswith("besace-export.zip › ") for item in items)
    entries = BackpackBadge.objects.filter(owner=fresh)
    assert {entry.badge_id: entry.name for entry in entries} == old_badges
    # Besace awards come back as imported copies, verified again through the issuer's hosted assertion.
    assert {entry.source for entry in entries} == {BackpackBadge.Source.IMPORT}
    assert all(entry.verified_at and all(c["passed"] for c in entry.checks) for entry in entries)
    assert any(
        url.endswith(f"/public/assertions/{backpack.png_award.public_id}") for url in fetcher.requested
    )
    assert job.finished_at and job.message == "4 imported, 0 already there, 0 refused"
    audit = AuditEntry.objects.get(action="backpack.batch_import.finished", target_id=str(job.pk))
    assert audit.actor == fresh and audit.data == {"imported": 4, "already": 0, "refused": 0}
    # Uploaded copies are not kept once imported: the badges hold what they need.
    assert not any(item.content for item in items)


def test_importing_the_same_export_again_says_each_badge_is_already_there(
    client, earner, award, svg_badge_class, fetcher
):
    full_backpack(earner, award=award, svg_badge_class=svg_badge_class, fetcher=fetcher)
    client.force_login(earner)
    job = _job(_upload(client, ("mine.zip", account_export_zip(earner))))
    assert [item.outcome for item in job.items.all()] == [Outcome.ALREADY] * 4
    # In the earner's language (full_backpack makes it French).
    assert {item.message for item in job.items.all()} == {"Ce badge est déjà dans votre sac à badges."}
    assert BackpackBadge.objects.filter(owner=earner).count() == 4


def test_an_export_from_someone_else_is_refused_badge_by_badge(
    client, earner, make_user, award, svg_badge_class, fetcher
):
    full_backpack(earner, award=award, svg_badge_class=svg_badge_class, fetcher=fetcher)
    stranger = make_user("stranger@example.org")
    client.force_login(stranger)
    job = _job(_upload(client, ("theirs.zip", account_export_zip(earner))))
    assert {item.outcome for item in job.items.all()} == {Outcome.REFUSED}
    assert all("Awarded to you" in item.message for item in job.items.all())
    assert not BackpackBadge.objects.filter(owner=stranger).exists()


# --- Files from another backpack ----------------------------------------------------------------------


def test_it_imports_many_baked_images_and_documents_sent_together(
    client, earner, award, svg_badge_class, fetcher
):
    png, svg, signed = award(), award(badge_class=svg_badge_class), award()
    client.force_login(earner)
    job = _job(
        _upload(
            client,
            ("python.png", _baked(client, png)),
            ("teamwork.svg", _baked(client, svg)),
            ("signed.jws", signed_assertion_jws(signed).encode()),
            (".DS_Store", b"\x00\x00\x00\x01Bud1"),
        )
    )
    assert _outcomes(job) == {
        "python.png": (Outcome.IMPORTED, "Python"),
        "teamwork.svg": (Outcome.IMPORTED, "Teamwork"),
        "signed.jws": (Outcome.IMPORTED, "Python"),
    }
    assert set(BackpackBadge.objects.filter(owner=earner).values_list("badge_id", flat=True)) == {
        png.public_url,
        svg.public_url,
        signed.signed_id,
    }


def test_it_imports_a_zip_of_baked_images_from_elsewhere(client, earner, award, fetcher, owner):
    mine, revoked, not_mine = award(), award(), award("somebody@example.org")
    from besace.issuing.services import assertion_revoke

    assertion_revoke(assertion=revoked, reason="Mistake", actor=owner)
    client.force_login(earner)
    archive = zip_of(
        {
            "Badges/mine.png": _baked(client, mine),
            "Badges/revoked.png": _baked(client, revoked),
            "Badges/not-mine.png": _baked(client, not_mine),
            "Badges/": b"",
            "__MACOSX/Badges/._mine.png": b"resource fork",
            "Badges/.hidden.png": _baked(client, mine),
        }
    )
    outcomes = _outcomes(_job(_upload(client, ("backpack.zip", archive))))
    assert set(outcomes) == {
        "backpack.zip › Badges/mine.png",
        "backpack.zip › Badges/revoked.png",
        "backpack.zip › Badges/not-mine.png",
    }
    assert outcomes["backpack.zip › Badges/mine.png"] == (Outcome.IMPORTED, "Python")
    assert outcomes["backpack.zip › Badges/revoked.png"][0] == Outcome.REFUSED
    assert "Not revoked" in outcomes["backpack.zip › Badges/revoked.png"][1]
    assert outcomes["backpack.zip › Badges/not-mine.png"][0] == Outcome.REFUSED
    assert "Awarded to you" in outcomes["backpack.zip › Badges/not-mine.png"][1]


# --- Hostile or broken input ----------------------------------------------------------------------------


def _lying_zip(name: str, content: bytes, declared_size: int) -> bytes:
    """A ZIP whose headers declare a tiny file that inflates to `content` (a zip bomb that lies)."""
    data = bytearray(zip_of({name: content}))
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, declared_size)
    struct.pack_into("<I", data, central + 24, declared_size)
    return bytes(data)


def test_zip_bombs_are_refused_file_by_file_without_inflating_them(client, earner, award, fetcher, settings):
    settings.BESACE_MAX_IMPORT_BYTES = 1024 * 1024
    bomb = b"\0" * (30 * 1024 * 1024)  # 30 MB of zeros: about 30 KB once deflated
    honest = zip_of({"bomb.png": bomb, "ok.png": _baked(client, award())})
    assert len(honest) < 200 * 1024
    client.force_login(earner)
    outcomes = _outcomes(_job(_upload(client, ("honest-bomb.zip", honest))))
    assert outcomes["honest-bomb.zip › bomb.png"] == (
        Outcome.REFUSED,
        "This file is too large (at most 1 MB).",
    )
    assert outcomes["honest-bomb.zip › ok.png"][0] == Outcome.IMPORTED
    outcomes = _outcomes(_job(_upload(client, ("lying-bomb.zip", _lying_zip("bomb.png", bomb, 100)))))
    assert outcomes == {
        "lying-bomb.zip › bomb.png": (Outcome.REFUSED, "This file of the ZIP cannot be read.")
    }


def test_the_whole_import_is_capped_in_size(client, earner, award, fetcher, settings):
    settings.BESACE_BATCH_IMPORT_MAX_TOTAL_BYTES = 50 * 1024
    baked = _baked(client, award())
    archive = zip_of({f"{n}.json": b"{" + b" " * 20 * 1024 + b"}" for n in range(4)} | {"z.png": baked})
    client.force_login(earner)
    outcomes = _outcomes(_job(_upload(client, ("big.zip", archive))))
    refused = [name for name, (outcome, message) in outcomes.items() if "too large together" in message]
    assert refused and all(outcomes[name][0] == Outcome.REFUSED for name in refused)


def test_path_traversal_names_are_refused_and_nothing_is_written_under_them(
    client, earner, award, fetcher, settings, tmp_path
):
    baked = _baked(client, award())
    archive = zip_of(
        {"../../evil.png": baked, "/etc/evil.png": baked, "C:/evil.png": baked, "fine.png": baked}
    )
    client.force_login(earner)
    job = _job(_upload(client, ("traversal.zip", archive)))
    outcomes = _outcomes(job)
    unsafe = (Outcome.REFUSED, "Unsafe file name in the ZIP: this file was not read.")
    assert outcomes["traversal.zip › ../../evil.png"] == unsafe
    assert outcomes["traversal.zip › /etc/evil.png"] == unsafe
    assert outcomes["traversal.zip › C:/evil.png"] == unsafe
    assert outcomes["traversal.zip › fine.png"][0] == Outcome.IMPORTED
    assert not list(tmp_path.rglob("evil.png"))
    assert BackpackBadge.objects.filter(owner=earner).count() == 1


def test_a_zip_of_ten_thousand_entries_is_refused_with_a_clear_error(client, earner, fetcher):
    archive = zip_of({f"junk/{n}.png": b"x" for n in range(10_000)}, compression=zipfile.ZIP_STORED)
    client.force_login(earner)
    response = _upload(client, ("many.zip", archive))
    assert response.status_code == 400
    assert "Too many files: at most 500 badges can be imported at once." in response.content.decode()
    assert not ImportJob.objects.exists() and not ImportJobItem.objects.exists()


def test_nested_zips_junk_and_broken_files_get_their_own_refusal(client, earner, award, fetcher):
    encrypted = bytearray(zip_of({"secret.png": b"not really encrypted"}))
    for header, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the "encrypted" flag
        encrypted[encrypted.find(header) + flags_at] |= 0x1
    archive = zip_of(
        {
            "inner.zip": zip_of({"badge.png": _baked(client, award())}),
            "notes.txt": b"Just some notes, not a badge.",
            "program.exe": bytes(range(256)) * 4,
            "hello.json": b'{"hello": "world"}',
            "broken.png": b"\x89PNG\r\n\x1a\n" + b"garbage",
        }
    )
    client.force_login(earner)
    outcomes = _outcomes(
        _job(
            _upload(
                client,
                ("hostile.zip", archive),
                ("encrypted.zip", bytes(encrypted)),
                ("fake.zip", b"PK\x03\x04 this is no zip at all"),
                ("empty.png", b""),
            )
        )
    )
    not_a_badge = (
        "This is not a badge: Besace imports badge images (PNG, SVG) and badge documents (JSON, JWS)."
    )
    assert outcomes["hostile.zip › inner.zip"] == (
        Outcome.REFUSED,
        "A ZIP file inside a ZIP file is not opened: import it on its own.",
    )
    assert outcomes["hostile.zip › notes.txt"] == (Outcome.REFUSED, not_a_badge)
    assert outcomes["hostile.zip › program.exe"] == (Outcome.REFUSED, not_a_badge)
    assert outcomes["hostile.zip › hello.json"][0] == Outcome.REFUSED
    assert "not an Open Badge" in outcomes["hostile.zip › hello.json"][1]
    assert outcomes["hostile.zip › broken.png"][0] == Outcome.REFUSED
    assert outcomes["encrypted.zip › secret.png"] == (
        Outcome.REFUSED,
        "This file of the ZIP is encrypted: it cannot be read.",
    )
    assert outcomes["fake.zip"] == (Outcome.REFUSED, "This ZIP file cannot be read.")
    assert outcomes["empty.png"] == (Outcome.REFUSED, not_a_badge)
    assert not BackpackBadge.objects.filter(owner=earner).exists()


def test_a_forged_export_manifest_cannot_multiply_or_reach_outside_the_zip(client, earner, award, fetcher):
    listed = [{"files": {"image": "images/a.png"}}] * 3 + [
        {"files": {"image": "images/gone.png"}},
        {"files": {"original": "../../etc/passwd"}},
        {"files": "nonsense"},
        42,
    ]
    manifest = json.dumps({"format": EXPORT_FORMAT, "badges": listed}).encode()
    forged = zip_of({"export/account.json": manifest, "export/images/a.png": _baked(client, award())})
    client.force_login(earner)
    assert _outcomes(_job(_upload(client, ("forged.zip", forged)))) == {
        "forged.zip › export/images/a.png": (Outcome.IMPORTED, "Python"),
        "forged.zip › images/gone.png": (Outcome.REFUSED, "This file is missing from the ZIP."),
        "forged.zip › ../../etc/passwd": (Outcome.REFUSED, "This file is missing from the ZIP."),
    }
    many = [{"files": {"image": f"images/{n}.png"}} for n in range(1000)]
    manifest = json.dumps({"format": EXPORT_FORMAT, "badges": many}).encode()
    response = _upload(client, ("many.zip", zip_of({"account.json": manifest})))
    assert response.status_code == 400 and "Too many files" in response.content.decode()


def test_an_unexpected_error_on_one_file_does_not_stop_the_others(
    client, earner, award, fetcher, monkeypatch
):
    first, second = award(), award()
    real_import = imports.badge_import

    def flaky(*, user, source, fetcher, **kwargs):
        if source.image == _baked(client, first):
            raise RuntimeError("boom")
        return real_import(user=user, source=source, fetcher=fetcher, **kwargs)

    monkeypatch.setattr("besace.backpack.imports.badge_import", flaky)
    client.force_login(earner)
    job = _job(_upload(client, ("a.png", _baked(client, first)), ("b.png", _baked(client, second))))
    assert _outcomes(job) == {
        "a.png": (Outcome.REFUSED, "This file could not be imported."),
        "b.png": (Outcome.IMPORTED, "Python"),
    }


def test_a_run_that_breaks_ends_the_job_as_failed_and_says_so(client, earner, award, fetcher, monkeypatch):
    def broken(item, *, user, fetcher):
        raise RuntimeError("database gone")

    monkeypatch.setattr("besace.backpack.batch_import._item_import", broken)
    client.force_login(earner)
    response = _upload(client, ("a.png", _baked(client, award())))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and job.finished_at
    page = client.get(response["Location"]).content.decode()
    assert "The import stopped because of an error." in page and 'http-equiv="refresh"' not in page


def test_an_empty_upload_is_a_clear_error(client, earner, fetcher):
    client.force_login(earner)
    response = client.post(reverse("backpack:batch_import"), {})
    assert response.status_code == 400
    assert "There is no badge to import in what you sent." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_results_are_written_in_the_owner_s_language(client, earner, award, fetcher):
    earner.language = "fr"
    earner.save()
    client.force_login(earner)
    job = _job(_upload(client, ("a.png", _baked(client, award("someone@example.org"))), ("b.txt", b"junk")))
    assert job.message == "0 importé, 0 déjà présent, 2 refusés"
    messages = sorted(message for _outcome, message in _outcomes(job).values())
    assert (
        messages[0].startswith("Ce badge n’a pas passé la vérification")
        and "Vous est attribué" in messages[0]
    )
    assert messages[1].startswith("Ce n’est pas un badge")


# --- Pages ---------------------------------------------------------------------------------------------


def test_the_progress_page_lists_each_file_and_its_outcome(client, earner, award, fetcher):
    assertion = award()
    client.force_login(earner)
    response = _upload(client, ("python.png", _baked(client, assertion)), ("notes.txt", b"not a badge"))
    page = client.get(response["Location"])
    html = page.content.decode()
    entry = BackpackBadge.objects.get(owner=earner)
    assert page.status_code == 200
    assert "python.png" in html and "notes.txt" in html
    assert reverse("backpack:badge", args=[entry.public_id]) in html
    assert '<progress max="2" value="2"' in html and "2 of 2 files processed" in html
    assert 'http-equiv="refresh"' not in html  # finished: nothing to refresh


def test_the_status_json_follows_the_job(client, earner, award, fetcher):
    client.force_login(earner)
    job = _job(_upload(client, ("python.png", _baked(client, award())), ("notes.txt", b"junk")))
    status = client.get(reverse("backpack:batch_import_status", args=[job.public_id])).json()
    assert (status["state"], status["finished"], status["total"], status["processed"]) == ("done", True, 2, 2)
    assert status["counts"] == {"pending": 0, "imported": 1, "already": 0, "refused": 1}
    assert [(i["name"], i["outcome"]) for i in status["items"]] == [
        ("python.png", "imported"),
        ("notes.txt", "refused"),
    ]
    assert status["items"][0]["badge_url"].startswith("/backpack/badges/")


def test_a_running_job_refreshes_itself_with_or_without_javascript(client, earner):
    job = ImportJob.objects.create(owner=earner, state=ImportJob.State.RUNNING)
    item = ImportJobItem(job=job, name="waiting.png")
    item.content.save("waiting.png", ContentFile(b"\x89PNG"), save=True)
    ImportJobItem.objects.create(job=job, name="done.png", outcome=Outcome.REFUSED, message="No.")
    client.force_login(earner)
    html = client.get(reverse("backpack:batch_import_progress", args=[job.public_id])).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert reverse("backpack:batch_import_status", args=[job.public_id]) in html
    assert "backpack/batch_import.js" in html
    assert '<progress max="2" value="1"' in html
    status = client.get(reverse("backpack:batch_import_status", args=[job.public_id])).json()
    assert (status["finished"], status["processed"], status["total"]) == (False, 1, 2)


def test_only_the_owner_sees_a_job(client, earner, outsider, award, fetcher):
    client.force_login(earner)
    job = _job(_upload(client, ("python.png", _baked(client, award()))))
    urls = [
        reverse("backpack:batch_import_progress", args=[job.public_id]),
        reverse("backpack:batch_import_status", args=[job.public_id]),
    ]
    client.force_login(outsider)
    assert [client.get(url).status_code for url in urls] == [404, 404]
    client.logout()
    assert all(reverse("account_login") in client.get(url)["Location"] for url in urls)


def test_the_upload_page_is_linked_from_my_badges_and_lists_recent_imports(client, earner, award, fetcher):
    client.force_login(earner)
    assert reverse("backpack:batch_import") in client.get(reverse("backpack:home")).content.decode()
    job = _job(_upload(client, ("python.png", _baked(client, award()))))
    page = client.get(reverse("backpack:batch_import")).content.decode()
    assert 'type="file"' in page and "multiple" in page and "webkitdirectory" in page
    assert reverse("backpack:batch_import_progress", args=[job.public_id]) in page


# --- Stopped anywhere, completed by running again -------------------------------------------------------


class _KilledWorker(BaseException):
    """Stands for the worker process dying: no `except Exception` handler sees it."""


def _fail_on_call(monkeypatch, name: str, call_number: int, error: BaseException):
    real = getattr(batch_import, name)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == call_number:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_import, name, failing)
    return real


def _assert_each_badge_imported_once(job: ImportJob, earner, count: int):
    assert [item.outcome for item in job.items.all()] == [Outcome.IMPORTED] * count
    entries = BackpackBadge.objects.filter(owner=earner)
    assert entries.count() == count and {item.badge for item in job.items.all()} == set(entries)
    assert AuditEntry.objects.filter(action="backpack.badge.imported").count() == count
    assert not any(item.content for item in job.items.all())


@pytest.mark.parametrize(
    "where",
    [
        "_item_done",  # inside the transaction storing the second badge: nothing of it is kept
        "_item_import",  # between the first badge and the second one
    ],
)
def test_an_import_killed_anywhere_is_completed_by_running_it_again(
    where, client, earner, award, fetcher, monkeypatch
):
    files = [(f"{n}.png", _baked(client, award())) for n in range(3)]
    real = _fail_on_call(monkeypatch, where, 2, _KilledWorker())
    client.force_login(earner)
    client.post(reverse("backpack:batch_import"), {"files": [SimpleUploadedFile(*f) for f in files]})
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.RUNNING  # the worker died: nothing marked it
    assert [item.outcome for item in job.items.all()] == [Outcome.IMPORTED, Outcome.PENDING, Outcome.PENDING]
    assert BackpackBadge.objects.filter(owner=earner).count() == 1

    monkeypatch.setattr(batch_import, where, real)
    assert batch_import.batch_import_run(job.pk, fetcher=fetcher).state == ImportJob.State.DONE
    _assert_each_badge_imported_once(job, earner, 3)


def test_a_run_that_breaks_is_retried_and_goes_on_where_it_stopped(
    db_tasks, client, earner, award, fetcher, monkeypatch
):
    files = [(f"{n}.png", _baked(client, award())) for n in range(3)]
    _fail_on_call(monkeypatch, "_item_import", 2, RuntimeError("database gone"))
    client.force_login(earner)
    client.post(reverse("backpack:batch_import"), {"files": [SimpleUploadedFile(*f) for f in files]})
    worker_run()
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and job.items.filter(outcome=Outcome.PENDING).count() == 2
    assert retries_due_now() == 1
    worker_run()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.message == "3 imported, 0 already there, 0 refused"
    _assert_each_badge_imported_once(job, earner, 3)


def test_the_database_keeps_one_copy_of_a_badge_per_owner(earner):
    BackpackBadge.objects.create(owner=earner, source=BackpackBadge.Source.IMPORT, badge_id="urn:uuid:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        BackpackBadge.objects.create(owner=earner, source=BackpackBadge.Source.IMPORT, badge_id="urn:uuid:1")
