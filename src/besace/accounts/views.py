from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from besace.accounts.forms import DataProtectionForm, PushedBadgesForm
from besace.accounts.middleware import CONSENT_SESSION_KEY
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
