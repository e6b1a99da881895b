"""Public, stable URLs of issuers, badge classes and assertions: JSON-LD for machines, HTML for people."""

import json
from urllib.parse import quote

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseGone, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from besace.core.responses import file_response, image_response
from besace.issuing import credentials, jsonld, public_cache
from besace.issuing.baking import baked_assertion_image, credential_image, signed_assertion_image
from besace.issuing.models import Assertion, BadgeClass, Issuer, SigningKey
from besace.issuing.selectors import public_assertion_page_context
from besace.issuing.signing import signed_assertion_jws
from besace.issuing.statistics import recipients_over_time_chart

JSON_TYPES = ["application/ld+json", "application/json"]
# OB 3.0 credentials: VC 1.1's media type, which OB 3.0 names, and VC 2.0's.
CREDENTIAL_TYPES = ["application/vc+ld+json", "application/vc"]


def _wants_json(request, as_json: bool) -> bool:
    # Browsers ask for text/html explicitly; other clients (validators, curl's */*) get JSON-LD.
    return as_json or request.get_preferred_type([*JSON_TYPES, "text/html"]) in JSON_TYPES


def json_ld_response(request, document: dict, status: int = 200) -> HttpResponse:
    return _json_ld_bytes_response(request, _json_bytes(document), status)


def _json_bytes(document: dict) -> bytes:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _json_ld_bytes_response(request, body: bytes, status: int) -> HttpResponse:
    content_type = request.get_preferred_type(JSON_TYPES) or JSON_TYPES[0]
    response = HttpResponse(body, status=status, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept"
    return response


def _html(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Vary"] = "Accept"
    return response


@require_safe
def issuer(request, public_id: str, as_json: bool = False):
    issuer = get_object_or_404(Issuer, public_id=public_id)
    if _wants_json(request, as_json):
        return json_ld_response(request, jsonld.issuer_document(issuer))
    badge_classes = issuer.badge_classes.all()
    return _html(request, "issuing/public/issuer.html", {"issuer": issuer, "badge_classes": badge_classes})


@require_safe
def badge_class(request, public_id: str, as_json: bool = False):
    badge_class = get_object_or_404(BadgeClass.objects.select_related("issuer"), public_id=public_id)
    if _wants_json(request, as_json):
        return json_ld_response(request, jsonld.badge_class_document(badge_class))
    context = {"badge_class": badge_class, "recipients_chart": recipients_over_time_chart(badge_class)}
    return _html(request, "issuing/public/badgeclass.html", context)


def _assertion_or_404(public_id: str) -> Assertion:
    return get_object_or_404(Assertion.objects.select_related("badge_class__issuer"), public_id=public_id)


def _revoked_gone() -> HttpResponseGone:
    return HttpResponseGone(
        _("This badge was revoked by its issuer."), content_type="text/plain; charset=utf-8"
    )


@require_safe
def assertion(request, public_id: str, as_json: bool = False):
    if not as_json and request.get_preferred_type([*JSON_TYPES, "text/html", *CREDENTIAL_TYPES]) in (
        CREDENTIAL_TYPES
    ):
        # Asked for by its media type only: */* and application/ld+json keep getting OB 2.0.
        return _credential_response(request, _assertion_or_404(public_id))
    if _wants_json(request, as_json):
        # What verifiers fetch on every check: from the cache when it can be, without a query.
        status, body = public_cache.assertion_document(public_id, lambda: _assertion_json(public_id))
        return _json_ld_bytes_response(request, body, status)
    assertion = _assertion_or_404(public_id)
    return _html(
        request,
        "issuing/public/assertion.html",
        public_assertion_page_context(assertion),
        status=_assertion_status(assertion),
    )


def _assertion_status(assertion: Assertion) -> int:
    # Open Badges 2.0: a revoked assertion answers 410 Gone, still saying it is revoked and why.
    return 410 if assertion.revoked else 200


def _assertion_json(public_id: str) -> public_cache.Rendered:
    assertion = _assertion_or_404(public_id)
    return _assertion_status(assertion), _json_bytes(jsonld.assertion_document(assertion))


@require_safe
def issuer_revocations(request, public_id: str):
    issuer = get_object_or_404(Issuer, public_id=public_id)
    return json_ld_response(request, jsonld.revocation_list_document(issuer))


@require_safe
def badge_class_image(request, public_id: str):
    return file_response(get_object_or_404(BadgeClass, public_id=public_id).image)


@require_safe
def issuer_image(request, public_id: str):
    return file_response(get_object_or_404(Issuer, public_id=public_id).image)


@require_safe
def assertion_baked(request, public_id: str, kind: str, signed: bool = False):
    assertion = _assertion_or_404(public_id)
    if assertion.badge_class.image_kind != kind:
        raise Http404
    if signed and assertion.revoked:
        return _revoked_gone()
    image = (signed_assertion_image if signed else baked_assertion_image)(assertion)
    return _baked_image_response(assertion, image, "-signed" if signed else "")


def _baked_image_response(assertion: Assertion, image: tuple[bytes, str], suffix: str) -> HttpResponse:
    response = image_response(*image)
    badge_class = assertion.badge_class
    filename = f"{badge_class.name}-{assertion.public_id}{suffix}.{badge_class.image_kind}"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename, safe='')}"
    return response


@require_safe
def assertion_signed_jws(request, public_id: str):
    """The signed assertion as a compact JWS (RS256), for backpacks that take signed badges."""
    assertion = _assertion_or_404(public_id)
    if assertion.revoked:
        return _revoked_gone()
    response = HttpResponse(signed_assertion_jws(assertion), content_type="application/jose")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def issuer_key(request, public_id: str, key_id: str):
    key = get_object_or_404(
        SigningKey.objects.select_related("issuer"), issuer__public_id=public_id, public_id=key_id
    )
    return json_ld_response(request, credentials.key_document(key))


@require_safe
def issuer_did_document(request, public_id: str):
    """did:web resolution: only over HTTPS, so a plain-HTTP Besace has no DID documents."""
    if not credentials.publishes_did():
        raise Http404
    issuer = get_object_or_404(Issuer, public_id=public_id)
    return json_ld_response(request, credentials.did_document(issuer))


@require_safe
def issuer_credential_status(request, public_id: str):
    """The 1EdTech revocation list that OB 3.0 credentials name as their credentialStatus."""
    issuer = get_object_or_404(Issuer, public_id=public_id)
    return json_ld_response(request, credentials.revocation_list_document(issuer))


def _credential_response(request, assertion: Assertion) -> JsonResponse:
    # Served even once revoked: the credential's status (the issuer's revocation list) says so.
    response = JsonResponse(
        credentials.open_badge_credential(assertion),
        content_type=request.get_preferred_type(CREDENTIAL_TYPES) or CREDENTIAL_TYPES[0],
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept"
    return response


@require_safe
def assertion_credential(request, public_id: str):
    """The award as an OB 3.0 credential with a Data Integrity proof."""
    return _credential_response(request, _assertion_or_404(public_id))


@require_safe
def assertion_credential_jwt(request, public_id: str):
    """The award as an OB 3.0 VC-JWT."""
    token = credentials.open_badge_credential_jwt(_assertion_or_404(public_id))
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def assertion_credential_baked(request, public_id: str, kind: str):
    """The badge image carrying the OB 3.0 credential (PNG: iTXt openbadgecredential; SVG:
    openbadges:credential)."""
    assertion = _assertion_or_404(public_id)
    if assertion.badge_class.image_kind != kind:
        raise Http404
    return _baked_image_response(assertion, credential_image(assertion), "-ob3")
