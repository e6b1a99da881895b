"""Deleting an account (GDPR: erasure): everything of the person goes, what issuers gave stays theirs.

Gone: the account, its e-mail addresses and sign-in connections, consents, backpack badges, collections,
import jobs, the earner's evidence, issuer memberships, and the files of all these (removed from storage
once the deletion is committed). Kept: the awards issuers made (Assertion rows are the issuer's records)
and the audit log, where the account becomes an anonymous actor and e-mail addresses it held are blanked.
An issuer may not be left without an owner: its last owner must hand it over first.
"""

from allauth.account.models import EmailAddress
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from besace.accounts.models import User
from besace.backpack.models import BackpackBadge, EarnerEvidence, ImportJobItem
from besace.core.audit import audit_record
from besace.core.models import AuditEntry
from besace.issuing.models import Issuer, IssuerStaff
from besace.openbadges.hashing import normalise_email

ERASED = "[deleted account]"


class AccountDeletionRefused(Exception):
    """The account cannot be deleted yet (it is the last owner of an issuer)."""


def issuers_only_owned_by(user: User) -> list[Issuer]:
    """Issuers `user` owns with no other owner: they would be left without anyone in charge."""
    owned = IssuerStaff.objects.filter(user=user, role=IssuerStaff.Role.OWNER).values_list(
        "issuer", flat=True
    )
    other_owners = IssuerStaff.objects.filter(role=IssuerStaff.Role.OWNER).exclude(user=user)
    shared = other_owners.filter(issuer__in=owned).values_list("issuer", flat=True)
    return list(Issuer.objects.filter(pk__in=owned).exclude(pk__in=shared).order_by("name"))


def last_owner_message(issuers: list[Issuer]) -> str:
    names = ", ".join(f"“{issuer.name}”" for issuer in issuers)
    return _(
        "You are the only owner of %(issuers)s. Hand it over first: make someone else owner in its Staff "
        "(Issue badges), then you can delete your account."
    ) % {"issuers": names}


def files_of(user: User) -> list[tuple]:
    """Every stored file of the account: (storage, name) pairs."""
    files = []
    for entry in BackpackBadge.objects.filter(owner=user).exclude(image=""):
        files.append((entry.image.storage, entry.image.name))
    for evidence in EarnerEvidence.objects.filter(badge__owner=user).exclude(file=""):
        files.append((evidence.file.storage, evidence.file.name))
    for item in ImportJobItem.objects.filter(job__owner=user).exclude(content=""):
        files.append((item.content.storage, item.content.name))
    return files


def files_delete_on_commit(files: list[tuple]) -> None:
    """Remove the files once the rows pointing at them are gone for good (never on a rollback)."""

    def remove() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove)


@transaction.atomic
def account_delete(*, user: User) -> None:
    # Lock the memberships of the issuers the user owns: an owner leaving at the same time must not
    # leave an issuer ownerless.
    owned = IssuerStaff.objects.filter(user=user, role=IssuerStaff.Role.OWNER).values_list(
        "issuer", flat=True
    )
    list(IssuerStaff.objects.select_for_update().filter(issuer__in=list(owned)))
    blocking = issuers_only_owned_by(user)
    if blocking:
        raise AccountDeletionRefused(last_owner_message(blocking))
    files = files_of(user)
    emails = {
        normalise_email(e) for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    emails.add(normalise_email(user.email))
    audit_erase(user=user, emails=emails)
    # Recorded before the deletion, and without personal data: the actor is set to null by it.
    audit_record(
        action="account.deleted",
        target=user,
        actor=user,
        badges=BackpackBadge.objects.filter(owner=user).count(),
        collections=user.collections.count(),
        issuer_memberships=user.issuer_memberships.count(),
        files=len(files),
    )
    user.delete()
    files_delete_on_commit(files)


def audit_erase(*, user: User, emails: set[str]) -> int:
    """Blank the account's e-mail addresses in the audit entries about it or made by it."""
    entries = AuditEntry.objects.filter(
        Q(actor=user) | Q(target_type=user._meta.label_lower, target_id=str(user.pk))
    ).only("id", "data")
    changed = 0
    for entry in entries.iterator():
        data = _erased(entry.data, emails)
        if data != entry.data:
            AuditEntry.objects.filter(pk=entry.pk).update(data=data)
            changed += 1
    return changed


def _erased(value, emails: set[str]):
    if isinstance(value, str):
        return ERASED if normalise_email(value) in emails else value
    if isinstance(value, list):
        return [_erased(v, emails) for v in value]
    if isinstance(value, dict):
        return {k: _erased(v, emails) for k, v in value.items()}
    return value


# --- The page ------------------------------------------------------------------------------------------


class AccountDeleteForm(forms.Form):
    """Proof that the person at the keyboard is the account holder: the password, or for accounts that
    sign in only through another service, the account's address typed again."""

    password = forms.CharField(
        label=gettext_lazy("Your password"), widget=forms.PasswordInput, required=False
    )
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["email"]
            self.fields["password"].required = True
        else:
            del self.fields["password"]
            self.fields["email"].required = True
            self.fields["email"].help_text = _("Type the address you sign in with: %(email)s") % {
                "email": user.email
            }

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if email != normalise_email(self.user.email):
            raise forms.ValidationError(_("This is not the address of your account."))
        return email


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete_page(request):
    user = request.user
    form = AccountDeleteForm(request.POST or None, user=user)
    blocking = issuers_only_owned_by(user)
    context = {
        "form": form,
        "blocking": last_owner_message(blocking) if blocking else "",
        "badge_count": BackpackBadge.objects.filter(owner=user).count(),
        "collection_count": user.collections.count(),
    }
    if request.method == "POST" and not blocking and form.is_valid():
        try:
            account_delete(user=user)
        except AccountDeletionRefused as refused:
            context["blocking"] = str(refused)
        else:
            logout(request)
            messages.success(request, _("Your account and everything in it have been deleted."))
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete.html", context, status=status)
