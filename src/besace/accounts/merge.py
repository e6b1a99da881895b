"""Merging two accounts of one person: everything of the other account moves into this one, then it goes.

Proof of control of the other account: its password (checked as a sign-in is, with the same limits on
failed attempts), or for an account that signs in only through another service (Google...), a 6-digit
code e-mailed to its primary address.

What moves, all or nothing (one transaction): backpack badges (a badge both accounts hold, by badge id
or by award, is kept once: the richer entry, with the evidence, tags and collection places of both),
e-mail addresses (verified ones stay verified; the primary address stays this account's), collections
(a name both use gets a suffix), consents, issuer roles (the higher role is kept), import jobs, sign-in
connections, awards made, audit entries made, and anything else pointing at the other account.
"""

import secrets
import time

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from besace.accounts.deletion import files_delete_on_commit
from besace.accounts.models import DataProtectionConsent, User
from besace.backpack.models import (
    BackpackBadge,
    Collection,
    CollectionBadge,
    EarnerEvidence,
    ImportJob,
    ImportJobItem,
    Visibility,
)
from besace.core.audit import audit_record
from besace.core.models import AuditEntry
from besace.issuing.models import Assertion, IssuerStaff
from besace.openbadges.hashing import normalise_email

ROLE_RANK = {IssuerStaff.Role.AWARDER: 1, IssuerStaff.Role.EDITOR: 2, IssuerStaff.Role.OWNER: 3}
VISIBILITY_RANK = {Visibility.PRIVATE: 0, Visibility.SIGNED_IN: 1, Visibility.PUBLIC: 2}


class MergeRefused(Exception):
    """The accounts cannot be merged (same account, no proof of control, administrator account...)."""


@transaction.atomic
def accounts_merge(*, into: User, other: User) -> dict[str, int]:
    """Move everything of `other` into `into`, then delete `other`. Returns what was moved."""
    if into.pk == other.pk:
        raise MergeRefused(_("This is the account you are signed in to."))
    # Both rows locked, in one order: two merges of the same accounts cannot cross.
    locked = {user.pk: user for user in User.objects.select_for_update().filter(pk__in=[into.pk, other.pk])}
    if len(locked) != 2:
        raise MergeRefused(_("The other account does not exist any more."))
    into, other = locked[into.pk], locked[other.pk]
    if other.is_staff or other.is_superuser:
        raise MergeRefused(_("An administrator account cannot be merged into another one."))
    summary = {"badges": 0, "duplicates": 0}
    dropped_files: list[tuple] = []
    _badges_merge(into, other, summary, dropped_files)
    summary["collections"] = _collections_move(into, other)
    moved_emails = _emails_move(into, other)
    summary["addresses"] = len(moved_emails)
    summary["consents"] = _consents_move(into, other)
    summary["issuer_roles"] = _memberships_move(into, other)
    ImportJob.objects.filter(owner=other).update(owner=into)
    SocialAccount.objects.filter(user=other).update(user=into)
    Assertion.objects.filter(awarded_by=other).update(awarded_by=into)
    AuditEntry.objects.filter(actor=other).update(actor=into)
    _other_relations_move(into, other)
    _profile_fill(into, other)
    audit_record(
        action="account.merged",
        target=into,
        actor=into,
        merged_account=other.pk,
        emails=moved_emails,
        **summary,
    )
    other.delete()
    files_delete_on_commit(dropped_files)
    return summary


# --- Badges --------------------------------------------------------------------------------------------


def _keys(entry: BackpackBadge) -> list[str]:
    """What tells one badge: its id, and for an award, the assertion (hosted URL, signed id)."""
    keys = [f"id:{entry.badge_id}"] if entry.badge_id else []
    if entry.assertion_id:
        assertion = entry.assertion
        keys += [f"award:{assertion.pk}", f"id:{assertion.public_url}", f"id:{assertion.signed_id}"]
    return keys


def _richness(entry: BackpackBadge) -> tuple:
    return (
        entry.state == BackpackBadge.State.ACCEPTED,  # the earner said yes to it in one account
        entry.assertion_id is not None,  # an award on Besace is read live from its issuer
        entry.earner_evidence.count(),
        len(entry.tags),
        entry.collection_entries.count(),
        bool(entry.image),
        bool(entry.original),
    )


def _badges_merge(into: User, other: User, summary: dict, dropped_files: list) -> None:
    kept: dict[str, BackpackBadge] = {}
    for entry in BackpackBadge.objects.filter(owner=into).select_related("assertion__badge_class"):
        for key in _keys(entry):
            kept.setdefault(key, entry)
    for entry in BackpackBadge.objects.filter(owner=other).select_related("assertion__badge_class"):
        twin = next((kept[key] for key in _keys(entry) if key in kept), None)
        if twin is None:
            winner = entry
            summary["badges"] += 1
        else:
            winner, loser = (entry, twin) if _richness(entry) > _richness(twin) else (twin, entry)
            _badge_fold(loser=loser, winner=winner, dropped_files=dropped_files)
            summary["duplicates"] += 1
        if winner.owner_id != into.pk:
            winner.owner = into
            winner.save(update_fields=["owner"])
        for key in _keys(winner) + (_keys(twin) if twin else []):
            kept[key] = winner


def _badge_fold(*, loser: BackpackBadge, winner: BackpackBadge, dropped_files: list) -> None:
    """Give `winner` what only `loser` has (evidence, tags, collection places...), then delete `loser`."""
    EarnerEvidence.objects.filter(badge=loser).update(badge=winner)
    for place in CollectionBadge.objects.filter(badge=loser):
        if CollectionBadge.objects.filter(collection_id=place.collection_id, badge=winner).exists():
            continue  # the collection has the badge already: the loser's place goes with it
        place.badge = winner
        place.save(update_fields=["badge"])
    ImportJobItem.objects.filter(badge=loser).update(badge=winner)
    seen = {tag.casefold() for tag in winner.tags}
    winner.tags = list(winner.tags) + [tag for tag in loser.tags if tag.casefold() not in seen]
    # Shown no more widely than either account showed it.
    winner.visibility = min(winner.visibility, loser.visibility, key=lambda v: VISIBILITY_RANK.get(v, 0))
    if not winner.image and loser.image:
        winner.image = loser.image.name
    elif loser.image and loser.image.name != winner.image.name:
        dropped_files.append((loser.image.storage, loser.image.name))
    if not winner.original and loser.original:
        winner.original = loser.original
    winner.save(update_fields=["tags", "visibility", "image", "original"])
    loser.delete()


# --- The rest of the account ----------------------------------------------------------------------------


def _collections_move(into: User, other: User) -> int:
    names = {name.casefold() for name in Collection.objects.filter(owner=into).values_list("name", flat=True)}
    moved = 0
    for collection in Collection.objects.filter(owner=other):
        name = collection.name
        suffix = 2
        while name.casefold() in names:
            ending = f" ({suffix})"
            name = collection.name[: 200 - len(ending)] + ending
            suffix += 1
        names.add(name.casefold())
        collection.owner, collection.name = into, name
        collection.save(update_fields=["owner", "name"])
        moved += 1
    return moved


def _emails_move(into: User, other: User) -> list[str]:
    mine = {normalise_email(a.email): a for a in EmailAddress.objects.filter(user=into)}
    moved = []
    for address in EmailAddress.objects.filter(user=other).order_by("-primary", "email"):
        same = mine.get(normalise_email(address.email))
        if same is not None:
            verified = address.verified
            address.delete()  # first: a verified address may belong to one account only
            if verified and not same.verified:
                same.verified = True
                same.save(update_fields=["verified"])
            continue
        address.user, address.primary = into, False
        address.save(update_fields=["user", "primary"])
        moved.append(address.email)
    return moved


def _consents_move(into: User, other: User) -> int:
    versions = set(DataProtectionConsent.objects.filter(user=into).values_list("version", flat=True))
    return DataProtectionConsent.objects.filter(user=other).exclude(version__in=versions).update(user=into)


def _memberships_move(into: User, other: User) -> int:
    changed = 0
    for membership in IssuerStaff.objects.filter(user=other).select_related("issuer"):
        mine = IssuerStaff.objects.filter(user=into, issuer=membership.issuer).first()
        if mine is None:
            membership.user = into
            membership.save(update_fields=["user"])
            role = membership.role
        elif ROLE_RANK.get(membership.role, 0) > ROLE_RANK.get(mine.role, 0):
            mine.role = role = membership.role
            mine.save(update_fields=["role"])
        else:
            continue
        changed += 1
        audit_record(
            action="issuer.staff.set",
            target=membership.issuer,
            actor=into,
            user=into.email,
            role=role,
            merge=True,
        )
    return changed


# Relations handled above, or that must not move (the other account's own sessions...).
_HANDLED = {
    (BackpackBadge, "owner"),
    (Collection, "owner"),
    (ImportJob, "owner"),
    (DataProtectionConsent, "user"),
    (IssuerStaff, "user"),
    (EmailAddress, "user"),
    (SocialAccount, "user"),
    (Assertion, "awarded_by"),
    (AuditEntry, "actor"),
}


def _other_relations_move(into: User, other: User) -> None:
    """Rows of models added since this module was written that point at the other account move too.

    A row that cannot move because this account already has its twin (a uniqueness rule: the same
    follow, its own settings row) is dropped when nothing else points at it, this account's row winning
    as its name does; otherwise the merge stops rather than lose what depends on it."""
    for relation in User._meta.related_objects:
        if relation.many_to_many or (relation.related_model, relation.field.name) in _HANDLED:
            continue
        manager = relation.related_model._default_manager
        for row in manager.filter(**{relation.field.name: other}):
            try:
                with transaction.atomic():
                    manager.filter(pk=row.pk).update(**{relation.field.name: into})
            except IntegrityError as error:
                if _has_dependents(row):
                    raise MergeRefused(
                        _("Some data of the other account (%(kind)s) cannot be merged automatically.")
                        % {"kind": relation.related_model._meta.verbose_name}
                    ) from error
                row.delete()


def _has_dependents(row) -> bool:
    return any(
        relation.related_model._default_manager.filter(**{relation.field.name: row}).exists()
        for relation in row._meta.related_objects
        if not relation.many_to_many
    )


def _profile_fill(into: User, other: User) -> None:
    """Fields this account leaves blank take the other account's values; the rest stays this account's."""
    fields = []
    for name in ("first_name", "last_name", "language"):
        if not getattr(into, name) and getattr(other, name):
            setattr(into, name, getattr(other, name))
            fields.append(name)
    if other.date_joined < into.date_joined:
        into.date_joined = other.date_joined
        fields.append("date_joined")
    if fields:
        into.save(update_fields=fields)


# --- Proof of control -------------------------------------------------------------------------------------


def other_account_by_password(request, *, email: str, password: str) -> User:
    """The account `email` signs in to with `password`, checked as allauth checks a sign-in (failed
    attempts count against the same limits); MergeRefused otherwise, without saying which was wrong."""
    adapter = get_adapter(request)
    try:
        user = adapter.authenticate(request, email=normalise_email(email), password=password)
    except forms.ValidationError as error:
        raise MergeRefused(" ".join(error.messages)) from error
    if user is None:
        raise MergeRefused(_("The e-mail address or the password is wrong."))
    return user


CODE_SESSION_KEY = "besace_merge_code"
CODE_TIMEOUT = 15 * 60
CODE_MAX_ATTEMPTS = 3
CODE_RESEND_AFTER = 30


def _code_digest(code: str, user_pk: int) -> str:
    return salted_hmac("besace.accounts.merge", f"{user_pk}:{code}").hexdigest()


def _account_for_email(email: str) -> User | None:
    email = normalise_email(email)
    user = User.objects.filter(email=email).first()
    if user is None:
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
        )
        user = address.user if address else None
    return user


def merge_code_send(request, *, email: str) -> bool:
    """E-mail a code to the primary address of the account of `email`, when it has no password.

    Whether a code went out is not shown to the person asking (it would tell which addresses have an
    account); returns False only when asked again too soon.
    """
    state = request.session.get(CODE_SESSION_KEY) or {}
    if time.time() - state.get("sent_at", 0) < CODE_RESEND_AFTER:
        return False
    state = {"sent_at": time.time(), "email": normalise_email(email)}
    other = _account_for_email(email)
    if (
        other is not None
        and other.pk != request.user.pk
        and other.is_active
        and not other.has_usable_password()
    ):
        code = f"{secrets.randbelow(10**6):06d}"
        state.update(user=other.pk, digest=_code_digest(code, other.pk), attempts=0)
        _code_mail(other, code, into=request.user)
        audit_record(action="account.merge.code_sent", target=other, actor=request.user)
    request.session[CODE_SESSION_KEY] = state
    return True


def _code_mail(other: User, code: str, *, into: User) -> None:
    primary = EmailAddress.objects.filter(user=other, primary=True).first()
    address = primary.email if primary else other.email
    language = other.language or settings.LANGUAGE_CODE
    context = {"code": code, "into": into.email, "minutes": CODE_TIMEOUT // 60}
    with translation.override(language):
        subject = _("[Besace] Code to merge your account")
        body = render_to_string("accounts/merge_code_email.txt", context)
    EmailMessage(subject, body, to=[address], headers={"Content-Language": language}).send()


def merge_code_pending(request) -> str | None:
    """The address a code was asked for, while one can still be entered."""
    state = request.session.get(CODE_SESSION_KEY)
    if not state or time.time() - state.get("sent_at", 0) > CODE_TIMEOUT:
        return None
    return state.get("email")


def other_account_by_code(request, *, code: str) -> User:
    state = request.session.get(CODE_SESSION_KEY)
    wrong = _("The code is wrong or has expired: ask for a new one.")
    if not state or time.time() - state.get("sent_at", 0) > CODE_TIMEOUT:
        request.session.pop(CODE_SESSION_KEY, None)
        raise MergeRefused(wrong)
    state["attempts"] = state.get("attempts", 0) + 1
    request.session[CODE_SESSION_KEY] = state
    if state["attempts"] > CODE_MAX_ATTEMPTS:
        request.session.pop(CODE_SESSION_KEY, None)
        raise MergeRefused(_("Too many wrong codes: ask for a new one."))
    user_pk = state.get("user")
    if user_pk is None or not constant_time_compare(
        _code_digest(code.strip(), user_pk), state.get("digest", "")
    ):
        raise MergeRefused(wrong)
    request.session.pop(CODE_SESSION_KEY, None)
    other = User.objects.filter(pk=user_pk, is_active=True).first()
    if other is None:
        raise MergeRefused(_("The other account does not exist any more."))
    return other


# --- The page ------------------------------------------------------------------------------------------


class _ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that the other account will be deleted once merged into this one."),
        required=True,
    )


class MergePasswordForm(_ConfirmForm):
    email = forms.EmailField(label=gettext_lazy("E-mail address of the other account"))
    password = forms.CharField(
        label=gettext_lazy("Password of the other account"), widget=forms.PasswordInput
    )
    field_order = ["email", "password", "confirm"]


class MergeCodeRequestForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address of the other account"))


class MergeCodeForm(_ConfirmForm):
    code = forms.RegexField(
        label=gettext_lazy("Code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("The code has 6 digits.")},
    )
    field_order = ["code", "confirm"]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_merge_page(request):
    action = request.POST.get("action", "") if request.method == "POST" else ""
    password_form = MergePasswordForm(request.POST if action == "password" else None, prefix="password")
    code_request_form = MergeCodeRequestForm(request.POST if action == "send_code" else None, prefix="ask")
    code_form = MergeCodeForm(request.POST if action == "code" else None, prefix="code")
    context = {
        "password_form": password_form,
        "code_request_form": code_request_form,
        "code_form": code_form,
        "has_password": request.user.has_usable_password(),
    }
    other = None
    try:
        if action == "password" and password_form.is_valid():
            data = password_form.cleaned_data
            other = other_account_by_password(request, email=data["email"], password=data["password"])
        elif action == "code" and code_form.is_valid():
            other = other_account_by_code(request, code=code_form.cleaned_data["code"])
        elif action == "send_code" and code_request_form.is_valid():
            if merge_code_send(request, email=code_request_form.cleaned_data["email"]):
                messages.info(
                    request,
                    _(
                        "If this address belongs to another account that signs in only through another "
                        "service, we have e-mailed a 6-digit code to that account's primary address."
                    ),
                )
            else:
                messages.error(request, _("A code was sent a moment ago: wait a little before asking again."))
            return redirect("accounts:merge")
        if other is not None:
            other_email = other.email
            accounts_merge(into=request.user, other=other)
            messages.success(
                request,
                _("The accounts are merged: everything of %(email)s is now in this account.")
                % {"email": other_email},
            )
            return redirect("account_email")
    except MergeRefused as refused:
        context["error"] = str(refused)
    context["code_pending_for"] = merge_code_pending(request)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/merge.html", context, status=status)
