"""`besace backup` and `besace restore`: a populated site comes back whole, every award still verifying;
a damaged archive, an occupied database or a failing row change nothing."""

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.sql import emit_post_migrate_signal

from besace.backpack import imports, organise
from besace.backpack.models import BackpackBadge
from besace.backpack.services import assertion_accept
from besace.connect.tests.conftest import app_client, bearer, connect_app  # noqa: F401
from besace.core.backup import SKIPPED_MODELS, backed_up_models
from besace.demo.images import badge_png
from besace.gallery.keys import badge_class_key
from besace.issuing import services
from besace.issuing.models import Assertion, BadgeClass, Issuer
from besace.issuing.signing import signed_assertion_jws
from besace.openbadges.png import unbake_png
from besace.openbadges.svg import unbake_svg
from besace.openbadges.verify.ob3 import verify_ob3
from besace.openbadges.verify.verifier import BadgeInput, verify_badge
from besace.pages import services as pages
from besace.social import services as social
from besace.testing.client_fetcher import ClientFetcher

EARNER = "earner@example.org"

# Restoring needs a database whose tables can be emptied (PostgreSQL's TRUNCATE) inside the test.
pytestmark = pytest.mark.django_db(transaction=True)


def row_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in backed_up_models()}


def stored_files() -> dict[str, str]:
    root = Path(default_storage.location)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def verdict(result) -> tuple:
    return result.valid, tuple((check.name, check.passed) for check in result.checks)


def baked(client, assertion: Assertion) -> bytes:
    kind = "svg" if assertion.badge_class.image.name.endswith(".svg") else "png"
    return client.get(f"/public/assertions/{assertion.public_id}/baked.{kind}").content


def unbaked(image: bytes) -> dict:
    return json.loads(unbake_svg(image) if image.lstrip().startswith(b"<") else unbake_png(image))


def what_verifies(client, fetcher) -> dict[str, dict]:
    """Everything a verifier sees of each award, and what Besace's verifier makes of it."""
    seen = {}
    for assertion in Assertion.objects.select_related("badge_class"):
        image = baked(client, assertion)
        credential = client.get(
            assertion.public_url.removeprefix(fetcher.base_url), HTTP_ACCEPT="application/vc+ld+json"
        ).json()
        jwt = client.get(assertion.credential_jwt_url.removeprefix(fetcher.base_url)).content.decode()
        jws = signed_assertion_jws(assertion)
        seen[assertion.public_id] = {
            "revoked": assertion.revoked,
            "jws": jws,
            "jwt": jwt,
            "baked": unbaked(image),
            "credential": credential,
            "hosted": verdict(verify_badge(BadgeInput(url=assertion.public_url), fetcher=fetcher)),
            "image": verdict(verify_badge(BadgeInput(image=image), fetcher=fetcher)),
            "ob3": verdict(
                verify_ob3(credential, fetcher=fetcher, recipient_emails=[assertion.recipient_email])
            ),
            "signed": verdict(verify_badge(BadgeInput(text=jws), fetcher=fetcher)),
            "jwt_verdict": verdict(verify_ob3(jwt, fetcher=fetcher)),
        }
    return seen


@pytest.fixture
def site(
    client,
    settings,
    owner,
    issuer,
    earner,
    badge_class,
    svg_badge_class,
    award,
    connect_app,  # noqa: F811
    make_user,
):
    """An issuer with images, hosted and signed awards (one revoked), badges in a backpack (one imported),
    a collection, a page, a comment, a moderator, an admin log entry and a connected app."""
    services.issuer_update(issuer=issuer, actor=owner, image=ContentFile(badge_png(), name="logo.png"))
    signed_class = services.badge_class_create(
        issuer=issuer,
        actor=owner,
        name="Signed",
        description="Signed with the issuer's key.",
        image=ContentFile(badge_png(), name="signed.png"),
        criteria_text="Sign.",
        verification=BadgeClass.Verification.SIGNED,
    )
    kept = assertion_accept(assertion=award(EARNER), user=earner)
    award(EARNER, badge_class=svg_badge_class)
    signed = award(EARNER, badge_class=signed_class)
    revoked = award("other@example.org")
    services.assertion_revoke(assertion=revoked, reason="Fraud", actor=owner)
    fetcher = ClientFetcher(settings.BESACE_BASE_URL, client)
    imported = imports.badge_import(
        user=earner, source=BadgeInput(image=baked(client, signed)), fetcher=fetcher
    )
    collection = organise.collection_create(owner=earner, name="Teaching")
    organise.collection_badge_add(collection=collection, entry=kept, actor=earner)
    page = pages.page_create(owner=earner, title="My page", theme="clair", visibility="public")
    pages.block_add(
        page=page,
        actor=earner,
        kind="file",
        content=pages.BlockContent(text="CV", file=ContentFile(b"%PDF-1.4 cv", name="cv.pdf")),
    )
    social.comment_post(author=earner, key=badge_class_key(badge_class.public_url), text="Hard but fair.")
    moderator = make_user("moderator@example.org")
    moderator.user_permissions.add(Permission.objects.get(codename="moderate"))
    LogEntry.objects.create(
        user=moderator,
        content_type=ContentType.objects.get_for_model(Issuer),
        object_id=str(issuer.pk),
        object_repr=str(issuer),
        action_flag=ADDITION,
    )
    connected = connect_app(earner)
    client.logout()
    assert imported.source == BackpackBadge.Source.IMPORT and imported.image
    return {"fetcher": fetcher, "connected": connected}


def backup(tmp_path) -> Path:
    archive = tmp_path / "site.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    return archive


def restore(archive: Path, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("restore", str(archive), *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def empty_database_and_storage(settings, tmp_path) -> None:
    """A new site: nothing in the database but what `migrate` makes, an empty media folder."""
    call_command("flush", interactive=False)
    # Content types (and permissions) get other ids than they had: the archive must not depend on them.
    ContentType.objects.all().delete()
    shift = ContentType.objects.create(app_label="shift", model="ids")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    shift.delete()
    settings.MEDIA_ROOT = tmp_path / "new-media"


def test_it_restores_a_site_whose_every_award_still_verifies(
    site,
    client,
    tmp_path,
    settings,
    earner,
    app_client,  # noqa: F811
):
    before = what_verifies(client, site["fetcher"])
    before_rows, before_files = row_counts(), stored_files()
    archive = backup(tmp_path)
    assert {"badges", "issuers", "backpack", "pages"} <= {name.split("/")[0] for name in before_files}

    empty_database_and_storage(settings, tmp_path)
    assert stored_files() == {}
    output = restore(archive)

    assert "Site restored" in output
    assert row_counts() == before_rows | {label: 0 for label in SKIPPED_MODELS if label in before_rows}
    assert stored_files() == before_files
    after = what_verifies(client, site["fetcher"])
    assert after.keys() == before.keys()
    for public_id, seen in before.items():
        for what in ("baked", "hosted", "image", "ob3", "signed", "jwt_verdict"):
            assert after[public_id][what] == seen[what], what
        # The same credential, signed again (the proof says when).
        assert {**after[public_id]["credential"], "proof": None} == {**seen["credential"], "proof": None}
        # Signatures made before the backup verify with the restored keys.
        assert verdict(verify_badge(BadgeInput(text=seen["jws"]), fetcher=site["fetcher"])) == seen["signed"]
        assert verdict(verify_ob3(seen["jwt"], fetcher=site["fetcher"])) == seen["jwt_verdict"]
        assert verdict(verify_ob3(seen["credential"], fetcher=site["fetcher"]))[0] == seen["ob3"][0]
    # Every award verifies every way, but the revoked one.
    validity = {
        (seen["revoked"], seen[what][0])
        for seen in after.values()
        for what in ("hosted", "image", "ob3", "signed", "jwt_verdict")
    }
    assert validity == {(False, True), (True, False)}
    imported = BackpackBadge.objects.get(source=BackpackBadge.Source.IMPORT)
    with imported.image.open("rb") as handle:
        assert verify_badge(
            BadgeInput(image=handle.read()), fetcher=site["fetcher"], recipient_emails=[EARNER]
        ).valid

    moderator = type(earner).objects.get(email="moderator@example.org")
    assert moderator.has_perm("social.moderate")
    assert LogEntry.objects.get().content_type.model_class() is Issuer
    connected = site["connected"]
    assert app_client.get("/ims/ob/v2p1/profile", **bearer(connected.access_token)).status_code == 200
    # The restored site goes on: new rows get new ids (PostgreSQL's sequences were moved past the old ones).
    assert services.badge_award(
        badge_class=BadgeClass.objects.first(),
        award=services.AwardRequest(email="new@example.org"),
        actor=None,
    ).pk


def test_it_refuses_a_database_that_is_not_empty(site, tmp_path):
    archive = backup(tmp_path)
    before = row_counts()
    with pytest.raises(CommandError, match="is not empty.*--force"):
        restore(archive)
    assert row_counts() == before


def test_force_replaces_what_the_database_holds(site, tmp_path, award, settings):
    archive = backup(tmp_path)
    before = row_counts()
    award("later@example.org")
    assert row_counts() != before
    settings.BESACE_BASE_URL = "https://elsewhere.example"
    output = restore(archive, "--force")
    assert "every row" in output
    assert "was at http://testserver, this one is at https://elsewhere.example" in output
    assert row_counts() == before | {label: 0 for label in SKIPPED_MODELS if label in before}


def rewritten(archive: Path, change) -> Path:
    """A copy of `archive` with change(members) applied, its manifest's digests made to match again, so
    only what `change` did is wrong with it."""
    with tarfile.open(archive, "r:gz") as source:
        members = {member.name: source.extractfile(member).read() for member in source}
    manifest = json.loads(members.pop("manifest.json"))
    change(members, manifest)
    for entry in manifest["models"]:
        entry["sha256"] = hashlib.sha256(members[entry["member"]]).hexdigest()
    copy = archive.with_name("changed.tar.gz")
    with tarfile.open(copy, "w:gz") as target:
        for name, data in [*members.items(), ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return copy


def test_a_row_that_fails_restores_nothing_even_with_force(site, tmp_path, settings):
    def orphan_assertion(members, manifest):
        rows = [json.loads(line) for line in members["db/issuing.assertion.jsonl"].splitlines()]
        rows[-1]["fields"]["badge_class"] = 999_999
        members["db/issuing.assertion.jsonl"] = "\n".join(json.dumps(row) for row in rows).encode()

    archive = rewritten(backup(tmp_path), orphan_assertion)
    before = row_counts()
    with pytest.raises(CommandError, match="none was"):
        restore(archive, "--force")
    assert row_counts() == before

    empty_database_and_storage(settings, tmp_path)
    empty = row_counts()
    with pytest.raises(CommandError, match="none was"):
        restore(archive)
    assert row_counts() == empty
    assert stored_files() == {}  # the files stored for it are gone again


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:100] + bytes([data[100] ^ 0xFF]) + data[101:], id="flipped-byte"),
        pytest.param(lambda data: b"not an archive", id="not-gzip"),
        pytest.param(lambda data: gzip.compress(b"\0" * 1024), id="empty-tar"),
    ],
)
def test_a_damaged_archive_is_refused_and_changes_nothing(site, tmp_path, damage):
    archive = backup(tmp_path)
    archive.write_bytes(damage(archive.read_bytes()))
    before, files = row_counts(), stored_files()
    with pytest.raises(CommandError, match="Nothing restored: .*(readable|manifest|damaged)"):
        restore(archive, "--force")
    assert (row_counts(), stored_files()) == (before, files)


def test_a_file_that_differs_from_the_manifest_is_refused(site, tmp_path):
    def swap_image(members, manifest):
        name = next(name for name in members if name.startswith("files/badges/"))
        members[name] = badge_png()[:-1] + b"!"

    with pytest.raises(CommandError, match="damaged: 1 entries differ"):
        restore(rewritten(backup(tmp_path), swap_image), "--force")


def test_an_archive_from_other_migrations_is_refused(site, tmp_path, settings):
    def older_schema(members, manifest):
        manifest["migrations"]["issuing"] = manifest["migrations"]["issuing"][:-1]

    archive = rewritten(backup(tmp_path), older_schema)
    empty_database_and_storage(settings, tmp_path)
    with pytest.raises(CommandError, match="other database migrations: issuing"):
        restore(archive)
    assert not Assertion.objects.exists()
