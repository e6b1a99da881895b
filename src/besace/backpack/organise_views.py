"""Earner pages to organise and show badges: "My badges" with tags and collections, a badge's visibility,
tags and evidence, and the page others see of a badge (when its visibility lets them)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from besace import access
from besace.backpack import organise, selectors, sharing
from besace.backpack.models import BackpackBadge, EarnerEvidence, Visibility
from besace.core.framing import embeddable
from besace.core.responses import file_response
from besace.issuing.claims import claim_token_make
from besace.verify.presentation import checks_for_display


def _own_badge(request, public_id: str) -> BackpackBadge:
    entry = selectors.backpack_badge_get(request.user, public_id)
    if entry is None:
        raise Http404
    return entry


def _back_to_badge(entry: BackpackBadge, anchor: str):
    response = redirect("backpack:badge", entry.public_id)
    response["Location"] += f"#{anchor}"
    return response


def _errors_to_messages(request, errors) -> None:
    for error_list in errors.values():
        for error in error_list:
            messages.error(request, error)


@login_required
def home(request):
    """My badges: pending badges, the badges kept (or only those with one tag), the collections."""
    badges = list(selectors.backpack_badges(request.user))
    tag = " ".join(request.GET.get("tag", "").split())
    context = {
        # Each pending award opens on its claim page, shown whole and accepted there, as from its e-mail.
        "pending": [
            (assertion, reverse("claim", args=[claim_token_make(assertion)]))
            for assertion in selectors.pending_assertions(request.user)
        ],
        "pending_pushed": selectors.pending_pushed_badges(request.user),
        "badges": organise.badges_tagged(badges, tag) if tag else badges,
        "tags": organise.tags_of(badges),
        "tag": tag,
        "collections": organise.collections_of(request.user),
    }
    return render(request, "backpack/home.html", context)


# Visibility and tags


@login_required
@require_POST
def badge_visibility(request, public_id: str):
    entry = _own_badge(request, public_id)
    try:
        organise.badge_visibility_set(
            entry=entry, visibility=request.POST.get("visibility", ""), actor=request.user
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("Visibility saved: %(visibility)s.") % {"visibility": entry.get_visibility_display()}
        )
    return _back_to_badge(entry, "visibility")


@login_required
@require_POST
def badge_tags(request, public_id: str):
    entry = _own_badge(request, public_id)
    try:
        organise.badge_tags_set(entry=entry, text=request.POST.get("tags", ""), actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Tags saved."))
    return _back_to_badge(entry, "tags")


# The earner's own evidence


class EarnerEvidenceForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    narrative = forms.CharField(label=gettext_lazy("Description"), required=False, max_length=5000)


@login_required
@require_POST
def evidence_add(request, public_id: str):
    entry = _own_badge(request, public_id)
    form = EarnerEvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        _errors_to_messages(request, form.errors)
        return _back_to_badge(entry, "my-evidence")
    try:
        organise.earner_evidence_add(entry=entry, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Evidence added."))
    return _back_to_badge(entry, "my-evidence")


@login_required
@require_POST
def evidence_delete(request, public_id: str, pk: int):
    entry = _own_badge(request, public_id)
    organise.earner_evidence_delete(
        evidence=get_object_or_404(entry.earner_evidence, pk=pk), actor=request.user
    )
    messages.success(request, _("Evidence deleted."))
    return _back_to_badge(entry, "my-evidence")


# What others see (share links): rendered only for those the access policy lets see the badge


def _visible_badge(request, public_id: str) -> BackpackBadge:
    """The badge if the viewer may see it; the same 404 whether it does not exist or is hidden."""
    entry = (
        BackpackBadge.objects.select_related("assertion__badge_class__issuer", "owner")
        .filter(public_id=public_id)
        .first()
    )
    if entry is None or not access.badge_visible_to(request.user, entry):
        raise Http404
    return entry


@require_safe
def badge_public(request, public_id: str):
    entry = _visible_badge(request, public_id)
    if entry.assertion_id is None:
        entry = sharing.verification_refresh_if_stale(entry)
        if not access.badge_visible_to(request.user, entry):  # found revoked just now
            raise Http404
    prefetch_related_objects([entry], "earner_evidence")
    is_owner = request.user.is_authenticated and request.user.pk == entry.owner_id
    context = {
        "entry": entry,
        "is_owner": is_owner,
        "earner_evidence": entry.earner_evidence.all(),
        "verdict": sharing.verdict(entry),
        "earner": sharing.earner_shown(entry, request.user),
        "share": {
            "title": sharing.badge_name(entry),
            "summary": sharing.summary(entry),
            "issuer": sharing.issuer_name(entry),
            "image": sharing.image_url(entry),
            "url": sharing.share_url(entry),
        },
    }
    if entry.assertion_id:
        badge_class = entry.assertion.badge_class
        context.update(assertion=entry.assertion, badge_class=badge_class, issuer=badge_class.issuer)
    else:
        context.update(badge=entry.normalised, checks=checks_for_display(entry.checks))
    response = render(request, "backpack/share_badge.html", context)
    response["Cache-Control"] = "private, no-cache"
    return response


@embeddable  # made to be framed by other sites; every other page still refuses framing
@require_safe
def badge_embed(request, public_id: str):
    """A small card of the badge for other sites' iframes: only what anonymous visitors may see, as the
    browser showing it may hold no session (or the earner's, which must not reveal more)."""
    entry = (
        BackpackBadge.objects.select_related("assertion__badge_class__issuer", "owner")
        .filter(public_id=public_id)
        .first()
    )
    if entry is None or not sharing.is_shareable(entry):
        raise Http404
    entry = sharing.verification_refresh_if_stale(entry)
    if not sharing.is_shareable(entry):
        raise Http404
    context = {
        "entry": entry,
        "name": sharing.badge_name(entry),
        "issuer": sharing.issuer_name(entry),
        "image": sharing.image_url(entry),
        "url": sharing.share_url(entry),
        "verdict": sharing.verdict(entry),
        "earner": sharing.earner_shown(entry, None),
    }
    response = render(request, "backpack/embed_badge.html", context)
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors *"
    )
    response["Cache-Control"] = "no-cache"
    return response


# The owner's share controls (on the badge's page in the backpack and on its share page)


def _back_to_share(request, entry: BackpackBadge, anchor: str):
    """Back to the page the form was on: the share page or the badge's page in the backpack."""
    if request.POST.get("from") == "public":
        return redirect(reverse("share:badge", args=[entry.public_id]) + f"#{anchor}")
    return _back_to_badge(entry, anchor)


@login_required
@require_POST
def badge_make_public(request, public_id: str):
    """The share panel's first step for a badge others cannot see: make it public, then share it."""
    entry = _own_badge(request, public_id)
    if entry.is_revoked:
        messages.error(request, _("A revoked badge cannot be shared."))
    else:
        organise.badge_visibility_set(entry=entry, visibility=Visibility.PUBLIC, actor=request.user)
        messages.success(request, _("Your badge is public: share it with the links below."))
    return _back_to_share(request, entry, "share")


@login_required
@require_safe
def badge_share_to(request, public_id: str, network: str):
    """A share button of the panel: note that the earner shared the badge, then on to the network.

    A link rather than a form, because the CSP's form-action would stop a form's redirect to LinkedIn.
    Only the earner's own clicks from Besace's pages count: another site sending them here counts nothing.
    """
    entry = _own_badge(request, public_id)
    target = sharing.share_targets(entry).get(network)
    if target is None:
        raise Http404
    if not sharing.is_shareable(entry):  # made private (or revoked) since the panel showed the button
        return redirect(reverse("backpack:badge", args=[entry.public_id]) + "#share")
    if request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin":
        sharing.badge_shared(entry=entry, network=network, actor=request.user)
    return HttpResponseRedirect(target)


@login_required
@require_POST
def badge_earner_name(request, public_id: str):
    entry = _own_badge(request, public_id)
    try:
        sharing.badge_earner_name_set(
            entry=entry, choice=request.POST.get("earner_name", ""), actor=request.user
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("Your name on this badge: %(choice)s.") % {"choice": entry.get_earner_name_display()}
        )
    return _back_to_share(request, entry, "earner-name")


@require_safe
def badge_public_image(request, public_id: str):
    """The image an imported badge arrived with, for those who may see the badge."""
    entry = _visible_badge(request, public_id)
    if not entry.image:
        raise Http404
    response = file_response(entry.image, public=False)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def evidence_file(request, public_id: str, pk: int):
    """A file the earner added as evidence: any type, so always a download, never rendered by the browser."""
    entry = _visible_badge(request, public_id)
    evidence = EarnerEvidence.objects.filter(badge=entry, pk=pk).exclude(file="").first()
    if evidence is None:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.file.name.rsplit("/", 1)[-1],
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response
