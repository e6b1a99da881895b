from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from besace.accounts.forms import DataProtectionForm, PushedBadgesForm
from besace.accounts.middleware import CONSENT_SESSION_KEY
from besace.accounts.selectors import security_events_for
from besace.accounts.services import consent_record, user_set_language, user_set_pushed_badges


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def consent(request):
    form = DataProtectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consent_record(user=request.user)
        request.session[CONSENT_SESSION_KEY] = None
        return redirect(_safe_next(request))
    return render(request, "accounts/consent.html", {"form": form, "next": _safe_next(request)})


def data_protection(request):
    return render(request, "accounts/data_protection.html")


@require_POST
def language_switch(request):
    """Django's set_language, remembered on the account of a signed-in person."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        # set_language would store any language Django knows (German...) in the cookie.
        messages.error(request, _("This language is not available."))
        return redirect(_safe_next(request))
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    return set_language(request)


@login_required
@require_POST
def pushed_badges(request):
    """The setting shown on the account page (allauth's e-mail page): what happens to pushed badges."""
    form = PushedBadgesForm(request.POST)
    if form.is_valid():
        user_set_pushed_badges(user=request.user, choice=form.cleaned_data["pushed_badges"])
        messages.success(request, _("Setting saved."))
    else:
        messages.error(request, _("Choose one of the options."))
    return redirect("account_email")


# What the security page calls each audited event; others show under a generic label.
SECURITY_EVENT_LABELS = {
    "account.signed_up": gettext_lazy("Account created"),
    "account.consent.accepted": gettext_lazy("Data-protection statement accepted"),
    "account.login.succeeded": gettext_lazy("Signed in"),
    "account.login.failed": gettext_lazy("Failed sign-in (wrong password)"),
    "account.login.locked": gettext_lazy("Sign-in blocked after too many failures"),
    "account.logged_out": gettext_lazy("Signed out"),
    "account.password.changed": gettext_lazy("Password changed"),
    "account.email.added": gettext_lazy("E-mail address added"),
    "account.email.removed": gettext_lazy("E-mail address removed"),
    "account.email.verified": gettext_lazy("E-mail address verified"),
    "account.email.primary_changed": gettext_lazy("Primary e-mail address changed"),
    "account.two_factor.enabled": gettext_lazy("Two-factor authentication turned on"),
    "account.two_factor.disabled": gettext_lazy("Two-factor authentication turned off"),
    "account.two_factor.recovery_codes.regenerated": gettext_lazy("New recovery codes made"),
    "account.two_factor.recovery_code.used": gettext_lazy("Recovery code used to sign in"),
    "account.two_factor.failed": gettext_lazy("Wrong two-factor code"),
    "account.social.connected": gettext_lazy("Sign-in with another service added"),
    "account.social.disconnected": gettext_lazy("Sign-in with another service removed"),
    "connect.access.granted": gettext_lazy("App allowed to use your backpack"),
    "connect.access.revoked": gettext_lazy("App access withdrawn"),
    "api.token.issued": gettext_lazy("App signed in with your password (Moodle)"),
}


@login_required
def security(request):
    """Two-factor sign-in, password, and what happened lately on the account (only this account)."""
    events = [
        {
            "entry": entry,
            "label": SECURITY_EVENT_LABELS.get(entry.action, _("Other change to your account")),
            "detail": entry.data.get("email") or entry.data.get("new") or "",
            "ip": entry.data.get("ip", ""),
        }
        for entry in security_events_for(request.user)
    ]
    context = {"events": events, "two_factor_enabled": is_mfa_enabled(request.user)}
    return render(request, "accounts/security.html", context)
