"""Earner pages: the claim link, pending badges, "My badges" and downloads."""

from datetime import timedelta

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from besace.accounts.services import email_address_taken_error, verified_emails
from besace.backpack import imports, selectors, services
from besace.backpack.tasks import badge_reverify_request
from besace.core.responses import file_response, image_response
from besace.issuing.claims import ClaimLinkError, claim_token_read
from besace.issuing.models import Assertion
from besace.issuing.public_views import assertion_baked
from besace.openbadges.verify.serialise import checks_to_json
from besace.verify.fetchers import badge_fetcher
from besace.verify.forms import BadgeSourceForm
from besace.verify.presentation import checks_for_display

# While an imported badge is checked again, its page reloads itself this often, for at most this long.
REVERIFY_PAGE_REFRESH_SECONDS = 3
REVERIFY_PAGE_WAIT = timedelta(minutes=1)


def _claimed_assertion(request, token: str):
    try:
        return claim_token_read(token, max_age_days=settings.BESACE_CLAIM_LINK_MAX_AGE_DAYS), None
    except ClaimLinkError as error:
        return None, render(request, "backpack/claim_invalid.html", {"message": str(error)}, status=404)


@require_http_methods(["GET", "HEAD", "POST"])
def claim(request, token: str):
    """The award e-mail's link. GET shows the badge and the choices; POST accepts it (signed in)."""
    assertion, error_page = _claimed_assertion(request, token)
    if error_page:
        return error_page
    if request.method == "POST":
        return _claim_accept(request, token, assertion)
    context = {"assertion": assertion, "badge_class": assertion.badge_class, "token": token}
    if assertion.revoked or assertion.recipient_state == Assertion.RecipientState.DECLINED:
        return render(request, "backpack/claim.html", context)
    if not request.user.is_authenticated:
        # Following the signed link proves control of the address: a new account gets it verified.
        get_adapter(request).stash_verified_email(request, assertion.recipient_email)
        return render(request, "backpack/claim.html", context)
    if selectors.backpack_badge_get(request.user, assertion.public_id) is not None:
        return redirect("backpack:badge", assertion.public_id)
    # Nothing changes on GET: a link opened by someone else's browser must not add its address to
    # their account (whoever controls the address could then reset that account's password).
    context["address_taken"] = email_address_taken_error(user=request.user, email=assertion.recipient_email)
    context["can_accept"] = not context["address_taken"]
    context["adds_address"] = assertion.recipient_email not in verified_emails(request.user)
    return render(request, "backpack/claim.html", context)


def _claim_accept(request, token: str, assertion: Assertion):
    if not request.user.is_authenticated:
        return redirect_to_login(request.path)
    try:
        services.assertion_claim(assertion=assertion, user=request.user)
    except services.AwardStateError as error:
        messages.error(request, str(error))
        return redirect("claim", token)
    messages.success(request, _("Badge accepted: it is in your backpack."))
    return redirect("backpack:badge", assertion.public_id)


@require_POST
def claim_decline(request, token: str):
    assertion, error_page = _claimed_assertion(request, token)
    if error_page:
        return error_page
    try:
        services.assertion_decline(assertion=assertion)
    except services.AwardStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You declined this badge. It will not appear in any backpack."))
    return redirect("claim", token)


@login_required
@require_POST
def accept(request, public_id: str):
    assertion = get_object_or_404(Assertion, public_id=public_id)
    try:
        services.assertion_accept(assertion=assertion, user=request.user)
    except services.AwardStateError as error:
        messages.error(request, str(error))
        return redirect("backpack:home")
    messages.success(request, _("Badge accepted: it is in your backpack."))
    return redirect("backpack:badge", public_id)


@login_required
@require_POST
def decline(request, public_id: str):
    assertion = get_object_or_404(Assertion, public_id=public_id)
    try:
        services.assertion_decline(assertion=assertion, user=request.user)
    except services.AwardStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Badge declined."))
    return redirect("backpack:home")


def _pending_pushed(request, public_id: str):
    entry = selectors.pending_pushed_badge_get(request.user, public_id)
    if entry is None:
        raise Http404
    return entry


@login_required
@require_POST
def pushed_accept(request, public_id: str):
    try:
        entry = imports.pushed_badge_accept(entry=_pending_pushed(request, public_id), user=request.user)
    except imports.ImportRefused as error:
        messages.error(request, str(error))
        return redirect("backpack:home")
    messages.success(request, _("Badge accepted: it is in your backpack."))
    return redirect("backpack:badge", entry.public_id)


@login_required
@require_POST
def pushed_decline(request, public_id: str):
    try:
        imports.pushed_badge_decline(entry=_pending_pushed(request, public_id), user=request.user)
    except imports.ImportRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Badge declined and removed."))
    return redirect("backpack:home")


@login_required
def badge_detail(request, public_id: str):
    entry = selectors.backpack_badge_get(request.user, public_id)
    if entry is None:
        raise Http404
    if entry.assertion is None:
        # Checked again in the background when stale: the page says so, shows the last outcome meanwhile,
        # and reloads itself for a while to show the new one.
        checking_since = badge_reverify_request(entry)
        waiting = checking_since is not None and timezone.now() - checking_since < REVERIFY_PAGE_WAIT
        context = {
            "entry": entry,
            "badge": entry.normalised,
            "checks": checks_for_display(entry.checks),
            "checking": checking_since is not None,
            "refresh_seconds": REVERIFY_PAGE_REFRESH_SECONDS if waiting else None,
        }
        return render(request, "backpack/imported_badge_detail.html", context)
    assertion = entry.assertion
    context = {
        "entry": entry,
        "assertion": assertion,
        "badge_class": assertion.badge_class,
        "issuer": assertion.badge_class.issuer,
        "alignments": assertion.badge_class.alignments.all(),
    }
    return render(request, "backpack/badge_detail.html", context)


@login_required
def badge_image(request, public_id: str):
    """The image an imported badge arrived with (awards use their badge class's public image)."""
    entry = selectors.backpack_badge_get(request.user, public_id) or selectors.pending_pushed_badge_get(
        request.user, public_id
    )
    if entry is None or not entry.image:
        raise Http404
    return file_response(entry.image, public=False)


@login_required
def badge_download(request, public_id: str, signed: bool | None = None):
    """The badge as a baked image: by default the form its badge class delivers (signed or hosted)."""
    entry = selectors.backpack_badge_get(request.user, public_id)
    if entry is None:
        raise Http404
    if entry.assertion is None:
        return imported_badge_download(entry)
    if signed is None:
        signed = entry.assertion.delivers_signed
    response = assertion_baked(request, public_id, entry.assertion.badge_class.image_kind, signed=signed)
    if "Content-Disposition" in response:  # absent when a revoked badge has no signed form
        response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment", 1)
    return response


@login_required
def badge_import(request):
    form = BadgeSourceForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            entry = imports.badge_import(
                user=request.user, source=form.badge_input(), fetcher=badge_fetcher()
            )
        except imports.AlreadyInBackpack as already:
            messages.info(request, str(already))
            return redirect("backpack:badge", already.entry.public_id)
        except imports.ImportRefused as refused:
            context["refusal"] = str(refused)
            if refused.result is not None:
                context["checks"] = checks_for_display(checks_to_json(refused.result.checks))
            return render(request, "backpack/import.html", context, status=422)
        messages.success(request, _("Badge verified and added to your backpack."))
        return redirect("backpack:badge", entry.public_id)
    return render(request, "backpack/import.html", context, status=400 if form.errors else 200)


def imported_badge_download(entry) -> HttpResponse:
    """An imported badge as a baked image (its own, or its image baked with it), else its document."""
    baked = imports.imported_badge_baked(entry)
    if baked is not None:
        content, kind = baked
        response = image_response(content, "image/svg+xml" if kind == "svg" else "image/png")
    else:
        kind = "json" if entry.original.lstrip().startswith("{") else "jws"
        content_type = "application/json" if kind == "json" else "text/plain"
        response = HttpResponse(entry.original, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=badge-{entry.public_id}.{kind}"
    return response
