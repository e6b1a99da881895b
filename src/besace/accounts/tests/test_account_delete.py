"""Deleting an account: everything of the person goes, files included; what issuers awarded stays theirs."""

from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse

from besace.accounts.deletion import AccountDeletionRefused, account_delete
from besace.accounts.services import email_verified_record
from besace.accounts.tests.helpers import PASSWORD
from besace.backpack.models import (
    BackpackBadge,
    Collection,
    CollectionBadge,
    EarnerEvidence,
    ImportJob,
    ImportJobItem,
)
from besace.backpack.services import assertion_accept
from besace.core.models import AuditEntry
from besace.issuing import services as issuing
from besace.issuing.models import Assertion, IssuerStaff

User = get_user_model()


@pytest.fixture
def earner(make_user):
    return make_user("earner@example.org", password=PASSWORD)


@pytest.fixture
def full_account(earner, award, issuer, owner):
    """An earner with an accepted award, an imported badge with its image, evidence, a collection, an
    import job with a stored file, a second address, a social connection and a role with an issuer."""
    EmailAddress.objects.create(user=earner, email="earner.alias@example.org", verified=True, primary=False)
    email_verified_record(user=earner, email="earner.alias@example.org", method="code", added=True)
    SocialAccount.objects.create(user=earner, provider="google", uid="1234")
    issuing.issuer_staff_set(issuer=issuer, user=earner, role=IssuerStaff.Role.EDITOR, actor=owner)
    accepted = assertion_accept(assertion=award("earner@example.org"), user=earner)
    imported = BackpackBadge(
        owner=earner, source=BackpackBadge.Source.IMPORT, badge_id="urn:x:1", name="Imported"
    )
    imported.image.save("imported.png", ContentFile(b"\x89PNG\r\n\x1a\nimage"), save=True)
    evidence = EarnerEvidence(badge=accepted, narrative="Proof")
    evidence.file.save("proof.pdf", ContentFile(b"%PDF proof"), save=True)
    collection = Collection.objects.create(owner=earner, name="CV")
    CollectionBadge.objects.create(collection=collection, badge=accepted)
    job = ImportJob.objects.create(owner=earner)
    item = ImportJobItem(job=job, name="waiting.png")
    item.content.save("waiting.png", ContentFile(b"\x89PNG\r\n\x1a\nwaiting"), save=True)
    return {
        "accepted": accepted,
        "files": [imported.image.name, evidence.file.name, item.content.name],
    }


def _on_disk(name: str) -> bool:
    return (Path(settings.MEDIA_ROOT) / name).exists()


def test_it_deletes_everything_of_the_account_and_its_files_on_disk(
    earner, full_account, django_capture_on_commit_callbacks
):
    assert all(_on_disk(name) for name in full_account["files"])
    pk = earner.pk
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=earner)
    assert not User.objects.filter(pk=pk).exists()
    for model, lookup in (
        (BackpackBadge, "owner_id"),
        (Collection, "owner_id"),
        (ImportJob, "owner_id"),
        (EmailAddress, "user_id"),
        (SocialAccount, "user_id"),
        (IssuerStaff, "user_id"),
    ):
        assert not model.objects.filter(**{lookup: pk}).exists(), model
    assert not EarnerEvidence.objects.exists() and not ImportJobItem.objects.exists()
    assert not EmailAddress.objects.filter(
        email__in=["earner@example.org", "earner.alias@example.org"]
    ).exists()
    assert not any(_on_disk(name) for name in full_account["files"])


def test_files_stay_until_the_deletion_is_committed(earner, full_account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        account_delete(user=earner)
    assert all(_on_disk(name) for name in full_account["files"])
    for callback in callbacks:
        callback()
    assert not any(_on_disk(name) for name in full_account["files"])


def test_awards_stay_with_their_issuer(earner, full_account, badge_class):
    assertion = full_account["accepted"].assertion
    account_delete(user=earner)
    assertion.refresh_from_db()
    assert assertion.recipient_state == Assertion.RecipientState.ACCEPTED
    assert assertion.badge_class == badge_class and assertion.recipient_email == "earner@example.org"


def test_the_audit_log_keeps_the_deletion_without_personal_data(earner, full_account):
    pk = earner.pk
    account_delete(user=earner)
    entry = AuditEntry.objects.get(action="account.deleted")
    assert entry.actor is None and entry.target_id == str(pk)
    assert entry.data == {"badges": 2, "collections": 1, "issuer_memberships": 1, "files": 3}
    about_the_account = AuditEntry.objects.filter(target_type="accounts.user", target_id=str(pk))
    assert about_the_account.filter(action="account.email.added").exists()
    texts = str(list(about_the_account.values_list("data", flat=True)))
    assert "earner" not in texts and "[deleted account]" in texts
    # Others' entries keep their own addresses (the issuer's staff change names the issuer's owner).
    assert AuditEntry.objects.filter(action="issuer.staff.set", actor__email="owner@univ.example").exists()


def test_the_last_owner_of_an_issuer_must_hand_it_over_first(owner, issuer, make_user):
    with pytest.raises(AccountDeletionRefused, match="You are the only owner of “Université Test”"):
        account_delete(user=owner)
    assert User.objects.filter(pk=owner.pk).exists() and issuer.memberships.filter(user=owner).exists()
    other_owner = make_user("second@univ.example")
    issuing.issuer_staff_set(issuer=issuer, user=other_owner, role=IssuerStaff.Role.OWNER, actor=owner)
    account_delete(user=owner)
    assert list(issuer.memberships.values_list("user__email", "role")) == [("second@univ.example", "owner")]


def test_the_page_shows_the_last_owner_refusal_and_offers_no_form(login, owner, issuer):
    client = login(owner)
    response = client.get(reverse("accounts:delete"))
    page = response.content.decode()
    assert "You are the only owner of" in page and 'name="password"' not in page
    response = client.post(reverse("accounts:delete"), {"password": "correct horse battery"})
    assert response.status_code == 400 and User.objects.filter(pk=owner.pk).exists()


def test_the_page_asks_for_the_password(login, earner, full_account):
    client = login(earner)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert 'name="password"' in page and reverse("backpack:export") in page
    response = client.post(reverse("accounts:delete"), {"password": "wrong"})
    assert response.status_code == 400 and "This is not your password." in response.content.decode()
    assert (
        User.objects.filter(pk=earner.pk).exists() and BackpackBadge.objects.filter(owner=earner).count() == 2
    )
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your account and everything in it have been deleted." in response.content.decode()
    assert not User.objects.filter(pk=earner.pk).exists()
    assert not response.context["user"].is_authenticated


def test_an_account_without_password_confirms_by_typing_its_address(login, earner):
    earner.set_unusable_password()
    earner.save()
    client = login(earner)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert 'name="email"' in page and 'name="password"' not in page
    response = client.post(reverse("accounts:delete"), {"email": "someone@example.org"})
    assert response.status_code == 400 and User.objects.filter(pk=earner.pk).exists()
    client.post(reverse("accounts:delete"), {"email": " Earner@Example.org "})
    assert not User.objects.filter(pk=earner.pk).exists()


def test_the_page_is_linked_from_the_account_page_and_needs_an_account(client, login, earner):
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert reverse("accounts:delete") in login(earner).get(reverse("account_email")).content.decode()
