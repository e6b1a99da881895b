"""The operators' admin (/admin/): staff read every record, change state only through audited services, and
never see private key material."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from besace.backpack.services import assertion_accept
from besace.core.audit import audit_entries_for
from besace.core.models import AuditEntry
from besace.gallery.keys import achievement_id, badge_class_key
from besace.issuing.models import Assertion, SigningKey
from besace.issuing.signing import issuer_keys_rotate
from besace.social import services as social
from besace.social.models import Comment, Report

OUR_APPS = ("accounts", "core", "issuing", "backpack", "social")


@pytest.fixture
def operator(make_user):
    user = make_user("operator@example.org")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def world(owner, issuer, earner, make_user, award):
    """One of everything the admin shows: an accepted badge, a key pair, a reported comment."""
    entry = assertion_accept(assertion=award(), user=earner)
    issuer_keys_rotate(issuer=issuer, actor=owner)
    comment = social.comment_post(author=earner, key=badge_class_key(achievement_id(entry)), text="Hello.")
    social.comment_report(comment=comment, reporter=make_user("reader@example.org"), reason="Rude.")
    return {"entry": entry, "assertion": entry.assertion, "comment": comment}


def _our_model_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS
    ]


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _every_admin_page(client: Client):
    """(url, response) of every changelist and every change page of the admin."""
    yield "/admin/", client.get("/admin/")
    for model, _model_admin in admin.site._registry.items():
        url = _admin_url(model, "changelist")
        yield url, client.get(url)
        for pk in model.objects.values_list("pk", flat=True)[:20]:
            url = _admin_url(model, "change", pk)
            yield url, client.get(url)


def test_it_registers_the_records_operators_look_after():
    registered = {model._meta.label for model, _model_admin in _our_model_admins()}
    assert {
        "accounts.User",
        "core.AuditEntry",
        "issuing.Issuer",
        "issuing.BadgeClass",
        "issuing.Assertion",
        "issuing.SigningKey",
        "backpack.BackpackBadge",
        "social.Comment",
        "social.Report",
    } <= registered
    # Addresses show on their account, read-only: marking one verified by hand would be unaudited.
    assert "account.EmailAddress" not in {model._meta.label for model in admin.site._registry}


def test_a_superuser_opens_every_list_and_every_record(world, operator):
    client = Client()
    client.force_login(operator)
    answers = {url: response.status_code for url, response in _every_admin_page(client)}
    assert {url: status for url, status in answers.items() if status != 200} == {}
    for model, _model_admin in _our_model_admins():  # each of ours has a record to show
        assert any(
            url.startswith(_admin_url(model, "changelist")) and url != _admin_url(model, "changelist")
            for url in answers
        ), model


def test_it_shows_no_private_key_material(world, operator):
    client = Client()
    client.force_login(operator)
    secrets = [key.private_key_encrypted for key in SigningKey.objects.all()]
    assert len(secrets) == 2
    for url, response in _every_admin_page(client):
        page = response.content.decode()
        assert "PRIVATE KEY" not in page and not any(secret[:40] in page for secret in secrets), url


def test_an_account_that_is_not_staff_is_sent_to_the_login_page(world, earner):
    client = Client()
    client.force_login(earner)
    for url in ("/admin/", _admin_url(Comment, "changelist"), _admin_url(Assertion, "changelist")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url


def _act(client: Client, model, action: str, *pks) -> None:
    response = client.post(_admin_url(model, "changelist"), {"action": action, "_selected_action": pks})
    assert response.status_code == 302


def test_hiding_a_comment_goes_through_the_moderation_service(world, operator):
    client = Client()
    client.force_login(operator)
    comment = world["comment"]
    _act(client, Comment, "hide", comment.pk)
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_by == operator
    assert audit_entries_for(comment).filter(action="social.comment.hide", actor=operator).exists()
    assert not Report.objects.filter(resolved_at__isnull=True).exists()  # the report is settled

    _act(client, Comment, "show", comment.pk)
    comment.refresh_from_db()
    assert not comment.hidden
    assert audit_entries_for(comment).filter(action="social.comment.show", actor=operator).exists()


def test_a_report_is_settled_by_hiding_its_comment(world, operator):
    client = Client()
    client.force_login(operator)
    _act(client, Report, "hide", Report.objects.get().pk)
    assert Comment.objects.get().hidden
    assert AuditEntry.objects.filter(action="social.comment.hide", actor=operator).count() == 1


def test_revoking_an_award_goes_through_the_issuing_service(world, operator):
    client = Client()
    client.force_login(operator)
    assertion = world["assertion"]
    _act(client, Assertion, "revoke", assertion.pk)
    assertion.refresh_from_db()
    assert assertion.revoked and assertion.revocation_reason
    assert audit_entries_for(assertion).filter(action="assertion.revoked", actor=operator).exists()


def test_deactivating_an_account_is_audited_and_spares_the_operator(world, operator, earner):
    client = Client()
    client.force_login(operator)
    user_model = type(earner)
    _act(client, user_model, "deactivate", earner.pk, operator.pk)
    earner.refresh_from_db()
    operator.refresh_from_db()
    assert not earner.is_active and operator.is_active
    assert audit_entries_for(earner).filter(action="account.deactivated", actor=operator).exists()
    signed_in = Client()
    signed_in.force_login(earner)
    assert signed_in.get(reverse("backpack:home")).status_code == 302  # its session no longer counts

    _act(client, user_model, "reactivate", earner.pk)
    earner.refresh_from_db()
    assert earner.is_active
    assert audit_entries_for(earner).filter(action="account.reactivated", actor=operator).exists()


def test_every_record_is_read_only(world, operator):
    client = Client()
    client.force_login(operator)
    assertion = world["assertion"]
    response = client.post(
        _admin_url(Assertion, "change", assertion.pk), {"recipient_email": "someone@example.org"}
    )
    assert response.status_code == 403
    assertion.refresh_from_db()
    assert assertion.recipient_email == "earner@example.org"
    for model, _model_admin in _our_model_admins():
        assert client.get(_admin_url(model, "add")).status_code == 403, model


def test_the_audit_log_filters_by_action_and_date(world, operator):
    client = Client()
    client.force_login(operator)
    url = _admin_url(AuditEntry, "changelist")

    def listed(**query) -> set[str]:
        return {entry.action for entry in client.get(url, query).context["cl"].result_list}

    assert listed(action="issuer.key.rotated") == {"issuer.key.rotated"}
    today = AuditEntry.objects.first().created_at
    assert "assertion.accepted" in listed(created_at__year=today.year, created_at__month=today.month)
    assert listed(created_at__year=today.year - 1) == set()
    assert listed(q="owner@univ.example") >= {"issuer.key.rotated", "assertion.awarded"}
    assert (
        client.get(_admin_url(Assertion, "changelist"), {"revoked": "no", "q": "earner@"}).status_code == 200
    )
