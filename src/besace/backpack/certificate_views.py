"""The PDF certificate of a badge in the earner's backpack."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseGone
from django.utils import translation
from django.views.decorators.http import require_safe

from besace.backpack import certificates, selectors


@login_required
@require_safe
def badge_certificate(request, public_id: str):
    entry = selectors.backpack_badge_get(request.user, public_id)
    if entry is None:
        raise Http404
    language = request.user.language or translation.get_language()
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
