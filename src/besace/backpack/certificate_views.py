"""The PDF certificate of a badge: in the earner's backpack, or from the award e-mail's link before the
badge is accepted (the "PDF version" the e-mail offers)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseGone
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from besace.backpack import certificates, selectors, services
from besace.backpack.models import BackpackBadge
from besace.issuing.claims import ClaimLinkError, claim_token_read
from besace.issuing.models import Assertion


@login_required
@require_safe
def badge_certificate(request, public_id: str):
    entry = selectors.backpack_badge_get(request.user, public_id)
    if entry is None:
        raise Http404
    return _certificate_response(entry, language=request.user.language or translation.get_language())


@require_safe
def claim_certificate(request, token: str):
    """The certificate of an award not accepted yet: the claim link proves the recipient asks for it."""
    try:
        assertion = claim_token_read(token, max_age_days=settings.BESACE_CLAIM_LINK_MAX_AGE_DAYS)
    except ClaimLinkError:
        raise Http404 from None
    if assertion.recipient_state == Assertion.RecipientState.DECLINED:
        return HttpResponseGone(
            _("This badge was declined. It will not appear in any backpack."),
            content_type="text/plain; charset=utf-8",
        )
    # The badge as a backpack would keep it, not saved: nobody has accepted it yet.
    entry = BackpackBadge(assertion=assertion, **services.award_entry_fields(assertion))
    return _certificate_response(entry, language=translation.get_language())


def _certificate_response(entry: BackpackBadge, *, language: str) -> HttpResponse:
    try:
        pdf = certificates.badge_certificate_pdf(entry, language=language)
    except certificates.CertificateRefused as refused:
        return HttpResponseGone(str(refused), content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = certificates.content_disposition(
        certificates.certificate_filename(entry)
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Language"] = language
    return response
