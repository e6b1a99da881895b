"""Merging two accounts of one person: everything moves, nothing is lost or doubled, all or nothing."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse

from besace.accounts import merge
from besace.accounts.merge import MergeRefused, accounts_merge
from besace.accounts.models import DataProtectionConsent
from besace.accounts.tests.helpers import PASSWORD, last_code
from besace.backpack.models import (
    BackpackBadge,
    Collection,
    CollectionBadge,
    EarnerEvidence,
    ImportJob,
    Visibility,
)
from besace.backpack.services import assertion_accept
from besace.core.models import AuditEntry
from besace.issuing import services as issuing
from besace.issuing.models import Assertion, IssuerStaff

User = get_user_model()


@pytest.fixture
def main(make_user):
    user = make_user("main@example.org", password=PASSWORD)
    user.first_name, user.language = "", "en"
    user.save()
    return user


@pytest.fixture
def old(make_user):
    user = make_user("old@example.org", password="the old one's passphrase")
    user.first_name, user.language = "Léa", "fr"
    user.save()
    return user


def _evidence(entry, narrative: str) -> EarnerEvidence:
    evidence = EarnerEvidence(badge=entry, narrative=narrative)
    evidence.file.save(f"{narrative}.pdf", ContentFile(narrative.encode()), save=True)
    return evidence


@pytest.fixture
def two_accounts(main, old, award, badge_class, issuer, owner, make_user):
    """`old` has two awards (one also in `main`'s backpack, as an imported copy), an imported badge
    `main` has too, collections, an extra consent, two issuer roles and a second address."""
    shared_award = assertion_accept(assertion=award("old@example.org"), user=old)
    only_old = assertion_accept(assertion=award("old@example.org"), user=old)
    shared_award.tags, shared_award.visibility = ["python"], Visibility.PUBLIC
    shared_award.save()
    copy = BackpackBadge.objects.create(
        owner=main,
        source=BackpackBadge.Source.IMPORT,
        badge_id=shared_award.badge_id,
        name="Python",
        tags=["Python", "work"],
        visibility=Visibility.SIGNED_IN,
    )
    copy.image.save("copy.png", ContentFile(b"\x89PNG\r\n\x1a\ncopy"), save=True)
    _evidence(copy, "main-evidence")
    _evidence(shared_award, "old-evidence")
    # The same imported badge in both backpacks: main's is the richer one (evidence and tags).
    main_import = BackpackBadge.objects.create(
        owner=main, source="import", badge_id="https://elsewhere.example/a/1", name="Elsewhere", tags=["x"]
    )
    _evidence(main_import, "main-import-evidence")
    old_import = BackpackBadge.objects.create(
        owner=old, source="import", badge_id="https://elsewhere.example/a/1", name="Elsewhere", tags=["y"]
    )
    main_cv = Collection.objects.create(owner=main, name="CV")
    CollectionBadge.objects.create(collection=main_cv, badge=copy, position=0)
    old_cv = Collection.objects.create(owner=old, name="cv")
    CollectionBadge.objects.create(collection=old_cv, badge=only_old, position=0)
    CollectionBadge.objects.create(collection=old_cv, badge=shared_award, position=1)
    CollectionBadge.objects.create(collection=old_cv, badge=old_import, position=2)
    Collection.objects.create(owner=old, name="Sport")
    DataProtectionConsent.objects.create(user=old, version="2020-01-01")
    EmailAddress.objects.create(user=old, email="old.alias@example.org", verified=False, primary=False)
    EmailAddress.objects.create(user=main, email="shared@example.org", verified=False, primary=False)
    EmailAddress.objects.create(user=old, email="shared@example.org", verified=True, primary=False)
    SocialAccount.objects.create(user=old, provider="google", uid="42")
    issuing.issuer_staff_set(issuer=issuer, user=old, role=IssuerStaff.Role.OWNER, actor=owner)
    issuing.issuer_staff_set(issuer=issuer, user=main, role=IssuerStaff.Role.AWARDER, actor=owner)
    second_issuer = issuing.issuer_create(
        owner=make_user("boss@other.example"),
        name="Other",
        url="https://other.example",
        email="o@other.example",
    )
    issuing.issuer_staff_set(issuer=second_issuer, user=old, role=IssuerStaff.Role.EDITOR, actor=owner)
    ImportJob.objects.create(owner=old)
    return {
        "shared_award": shared_award,
        "only_old": only_old,
        "copy": copy,
        "main_import": main_import,
        "old_import": old_import,
        "second_issuer": second_issuer,
    }


def _merged_state(main):
    return {
        "badges": sorted(BackpackBadge.objects.filter(owner=main).values_list("badge_id", flat=True)),
        "collections": sorted(Collection.objects.filter(owner=main).values_list("name", flat=True)),
    }


def test_it_moves_every_badge_and_keeps_a_badge_held_twice_once(main, old, two_accounts, badge_class):
    summary = accounts_merge(into=main, other=old)
    assert not User.objects.filter(pk=old.pk).exists()
    entries = BackpackBadge.objects.filter(owner=main)
    badge_ids = list(entries.values_list("badge_id", flat=True))
    assert sorted(badge_ids) == sorted(
        [
            two_accounts["shared_award"].badge_id,
            two_accounts["only_old"].badge_id,
            "https://elsewhere.example/a/1",
        ]
    )
    assert len(badge_ids) == len(set(badge_ids)) and BackpackBadge.objects.count() == 3
    assert (summary["badges"], summary["duplicates"]) == (1, 2)
    # The award (read live from its issuer) wins over the imported copy, with both earners' additions.
    kept = entries.get(badge_id=two_accounts["shared_award"].badge_id)
    assert kept.pk == two_accounts["shared_award"].pk and kept.assertion_id
    assert kept.tags == ["python", "work"]  # "Python" is the same tag as "python"
    assert sorted(kept.earner_evidence.values_list("narrative", flat=True)) == [
        "main-evidence",
        "old-evidence",
    ]
    assert kept.visibility == Visibility.SIGNED_IN  # shown no more widely than either account showed it
    assert kept.image  # the copy's image, since the award had none stored
    # The richer of two imports stays, with the other's tags.
    elsewhere = entries.get(badge_id="https://elsewhere.example/a/1")
    assert elsewhere.pk == two_accounts["main_import"].pk and elsewhere.tags == ["x", "y"]
    assert EarnerEvidence.objects.count() == 3 and all(
        e.badge.owner == main for e in EarnerEvidence.objects.all()
    )


def test_it_moves_collections_renaming_a_clash_and_keeping_their_order(main, old, two_accounts):
    accounts_merge(into=main, other=old)
    assert _merged_state(main)["collections"] == ["CV", "Sport", "cv (2)"]
    moved = Collection.objects.get(owner=main, name="cv (2)")
    assert [entry.badge.badge_id for entry in moved.entries.all()] == [
        two_accounts["only_old"].badge_id,
        two_accounts["shared_award"].badge_id,
        "https://elsewhere.example/a/1",
    ]
    assert all(entry.badge.owner == main for entry in CollectionBadge.objects.all())
    main_cv = Collection.objects.get(owner=main, name="CV")
    assert [entry.badge_id for entry in main_cv.entries.all()] == [two_accounts["shared_award"].pk]


def test_it_moves_addresses_consents_roles_and_connections(main, old, two_accounts, issuer):
    accounts_merge(into=main, other=old)
    addresses = {a.email: (a.verified, a.primary) for a in EmailAddress.objects.filter(user=main)}
    assert addresses == {
        "main@example.org": (True, True),
        "old@example.org": (True, False),
        "old.alias@example.org": (False, False),
        "shared@example.org": (True, False),  # verified by the other account: verified here too
    }
    main.refresh_from_db()
    assert main.email == "main@example.org" and main.check_password(PASSWORD)
    assert (main.first_name, main.language) == ("Léa", "en")  # blanks filled, not overwritten
    assert sorted(
        DataProtectionConsent.objects.filter(user=main).values_list("version", flat=True)
    ) == sorted(["2020-01-01", settings.BESACE_DATA_PROTECTION_VERSION])
    assert IssuerStaff.objects.get(issuer=issuer, user=main).role == IssuerStaff.Role.OWNER  # the higher role
    assert IssuerStaff.objects.get(issuer=two_accounts["second_issuer"], user=main).role == "editor"
    assert SocialAccount.objects.get(uid="42").user == main
    assert ImportJob.objects.get().owner == main
    entry = AuditEntry.objects.get(action="account.merged")
    assert entry.actor == main and entry.data["merged_account"] == old.pk
    assert sorted(entry.data["emails"]) == ["old.alias@example.org", "old@example.org"]


def test_awards_made_by_the_other_account_are_credited_to_this_one(main, old, issuer, owner, badge_class):
    issuing.issuer_staff_set(issuer=issuer, user=old, role=IssuerStaff.Role.AWARDER, actor=owner)
    assertion = issuing.badge_award(
        badge_class=badge_class, award=issuing.AwardRequest(email="x@example.org"), actor=old
    )
    accounts_merge(into=main, other=old)
    assertion.refresh_from_db()
    assert assertion.awarded_by == main


def test_it_is_all_or_nothing(main, old, two_accounts, monkeypatch):
    before = _merged_state(main)

    def broken(into, other):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merge, "_profile_fill", broken)
    with pytest.raises(RuntimeError):
        accounts_merge(into=main, other=old)
    assert User.objects.filter(pk=old.pk).exists()
    assert _merged_state(main) == before
    assert BackpackBadge.objects.filter(owner=old).count() == 3
    assert EmailAddress.objects.filter(user=old).count() == 3


def test_it_refuses_the_same_account_and_administrator_accounts(main, old):
    with pytest.raises(MergeRefused):
        accounts_merge(into=main, other=main)
    old.is_superuser = True
    old.save()
    with pytest.raises(MergeRefused, match="administrator"):
        accounts_merge(into=main, other=old)
    assert User.objects.filter(pk=old.pk).exists()


# --- The page ------------------------------------------------------------------------------------------


def _merge_by_password(client, email: str, password: str, confirm: bool = True):
    data = {"action": "password", "password-email": email, "password-password": password}
    if confirm:
        data["password-confirm"] = "on"
    return client.post(reverse("accounts:merge"), data)


def test_the_page_merges_with_the_other_account_s_password(login, main, old, two_accounts):
    client = login(main)
    response = _merge_by_password(client, "OLD@example.org", "the old one's passphrase")
    assert response.status_code == 302 and response["Location"] == reverse("account_email")
    assert not User.objects.filter(pk=old.pk).exists()
    assert len(_merged_state(main)["badges"]) == 3
    page = client.get(reverse("account_email")).content.decode()
    assert "everything of old@example.org is now in this account" in page


def test_a_wrong_password_is_refused_and_nothing_changes(login, main, old, two_accounts):
    before = _merged_state(main)
    client = login(main)
    response = _merge_by_password(client, "old@example.org", "not the password")
    assert response.status_code == 400
    assert "The e-mail address or the password is wrong." in response.content.decode()
    response = _merge_by_password(client, "old@example.org", "the old one's passphrase", confirm=False)
    assert response.status_code == 400
    assert User.objects.filter(pk=old.pk).exists() and _merged_state(main) == before
    assert BackpackBadge.objects.filter(owner=old).count() == 3


def test_password_guessing_is_limited_like_sign_in(login, main, old):
    client = login(main)
    for _attempt in range(5):
        _merge_by_password(client, "old@example.org", "guess")
    response = _merge_by_password(client, "old@example.org", "the old one's passphrase")
    assert response.status_code == 400 and User.objects.filter(pk=old.pk).exists()


def test_an_account_without_password_is_merged_with_a_code_mailed_to_it(login, main, old, mailoutbox):
    old.set_unusable_password()
    old.save()
    client = login(main)
    response = client.post(reverse("accounts:merge"), {"action": "send_code", "ask-email": "old@example.org"})
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.to == ["old@example.org"] and "main@example.org" in message.body
    code = last_code(mailoutbox, "old@example.org")
    page = client.get(reverse("accounts:merge")).content.decode()
    assert 'name="code-code"' in page
    wrong = client.post(
        reverse("accounts:merge"), {"action": "code", "code-code": "000000", "code-confirm": "on"}
    )
    assert wrong.status_code == 400 and User.objects.filter(pk=old.pk).exists()
    client.post(reverse("accounts:merge"), {"action": "code", "code-code": code, "code-confirm": "on"})
    assert not User.objects.filter(pk=old.pk).exists()
    assert EmailAddress.objects.get(email="old@example.org").user == main


def test_asking_a_code_does_not_tell_whether_an_account_exists(login, main, old, mailoutbox):
    client = login(main)
    answers = []
    for email in ("nobody@example.org", "old@example.org"):  # old has a password: no code for it
        response = client.post(
            reverse("accounts:merge"), {"action": "send_code", "ask-email": email}, follow=True
        )
        answers.append([str(m) for m in response.context["messages"]])
        session = client.session  # forget the first request, so the second is not "too soon"
        session.pop(merge.CODE_SESSION_KEY, None)
        session.save()
    assert answers[0] == answers[1] and "If this address belongs" in answers[0][0]
    assert mailoutbox == []
    response = client.post(
        reverse("accounts:merge"), {"action": "code", "code-code": "123456", "code-confirm": "on"}
    )
    assert response.status_code == 400 and User.objects.filter(pk=old.pk).exists()


def test_three_wrong_codes_end_the_code(login, main, old, mailoutbox):
    old.set_unusable_password()
    old.save()
    client = login(main)
    client.post(reverse("accounts:merge"), {"action": "send_code", "ask-email": "old@example.org"})
    code = last_code(mailoutbox, "old@example.org")
    wrong = "111111" if code != "111111" else "222222"
    for _attempt in range(3):
        client.post(reverse("accounts:merge"), {"action": "code", "code-code": wrong, "code-confirm": "on"})
    response = client.post(
        reverse("accounts:merge"), {"action": "code", "code-code": code, "code-confirm": "on"}
    )
    assert response.status_code == 400 and User.objects.filter(pk=old.pk).exists()


def test_the_page_is_linked_from_the_account_page_and_needs_an_account(client, login, main):
    response = client.get(reverse("accounts:merge"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert reverse("accounts:merge") in login(main).get(reverse("account_email")).content.decode()


def test_merging_into_itself_is_refused_on_the_page(login, main):
    response = _merge_by_password(login(main), "main@example.org", PASSWORD)
    assert (
        response.status_code == 400
        and "This is the account you are signed in to." in response.content.decode()
    )
    assert User.objects.filter(pk=main.pk).exists()


def test_a_badge_in_both_backpacks_by_award_and_by_signed_copy_is_kept_once(main, old, award, badge_class):
    """The signed form of an award has another id (urn:uuid): still the same badge."""
    accepted = assertion_accept(assertion=award("old@example.org"), user=old)
    BackpackBadge.objects.create(
        owner=main, source="import", badge_id=accepted.assertion.signed_id, name="Python", tags=["signed"]
    )
    accounts_merge(into=main, other=old)
    (kept,) = BackpackBadge.objects.filter(owner=main)
    assert kept.assertion_id == accepted.assertion_id and kept.tags == ["signed"]
    assert Assertion.objects.get().recipient_state == Assertion.RecipientState.ACCEPTED


def test_settings_and_follows_both_accounts_have_are_kept_once(main, old):
    """Rows the other account cannot bring because this one has their twin are dropped (this account's
    win); rows only it has move."""
    from besace.social.models import BadgeClassFollow, Member

    Member.objects.create(user=main, auto_accept_connections=True)
    Member.objects.create(user=old, auto_accept_connections=False)
    for user in (main, old):
        BadgeClassFollow.objects.create(
            user=user, badge_class_key="k" * 24, achievement_id="https://a.example/1"
        )
    BadgeClassFollow.objects.create(user=old, badge_class_key="m" * 24, achievement_id="https://a.example/2")

    accounts_merge(into=main, other=old)

    assert Member.objects.get().user == main and Member.objects.get().auto_accept_connections
    assert sorted(BadgeClassFollow.objects.filter(user=main).values_list("achievement_id", flat=True)) == [
        "https://a.example/1",
        "https://a.example/2",
    ]


def test_a_twin_row_that_others_depend_on_stops_the_merge(main, old, monkeypatch):
    from besace.social.models import BadgeClassFollow

    for user in (main, old):
        BadgeClassFollow.objects.create(
            user=user, badge_class_key="k" * 24, achievement_id="https://a.example/1"
        )
    monkeypatch.setattr(merge, "_has_dependents", lambda row: True)
    with pytest.raises(MergeRefused):
        accounts_merge(into=main, other=old)
    assert BadgeClassFollow.objects.filter(user=old).exists()
