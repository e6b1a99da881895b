"""POST /api/verify: anyone sends a baked image, a URL or a credential and gets the verdict."""

import json

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status

from besace.openbadges.verify.model import VerificationError
from besace.openbadges.verify.serialise import result_to_json
from besace.openbadges.verify.verifier import BadgeInput, verify_badge
from besace.verify.fetchers import badge_fetcher

router = Router(tags=["verify"])


class CheckOut(Schema):
    name: str
    passed: bool
    message: str


class VerifyOut(Schema):
    valid: bool
    version: str | None
    checks: list[CheckOut]
    badge: dict | None
    messages: list[str]


class ErrorOut(Schema):
    error: str


class BadInput(Exception):
    pass


REQUEST_BODY = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "A baked PNG or SVG."},
                    "recipient": {"type": "string", "format": "email"},
                },
                "required": ["file"],
            }
        },
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "url": {"type": "string", "format": "uri"},
                    "credential": {
                        "oneOf": [{"type": "object"}, {"type": "string"}],
                        "description": "An assertion or credential (JSON object) or a compact JWS.",
                    },
                    "recipient": {"type": "string", "format": "email"},
                },
                "oneOf": [{"required": ["url"]}, {"required": ["credential"]}],
            }
        },
    }
}


@router.post(
    "/verify",
    response={200: VerifyOut, 400: ErrorOut},
    summary="Verify an Open Badge (0.5 to 3.0)",
    openapi_extra={"requestBody": REQUEST_BODY},
)
def verify(request: HttpRequest):
    try:
        source, recipient = _read_request(request)
        result = verify_badge(
            source, fetcher=badge_fetcher(), recipient_emails=[recipient] if recipient else []
        )
    except (BadInput, VerificationError) as error:
        return Status(400, {"error": str(error)})
    return Status(200, result_to_json(result))


def _read_request(request: HttpRequest) -> tuple[BadgeInput, str | None]:
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise BadInput("send the badge image in the multipart field 'file'")
        if upload.size > settings.BESACE_MAX_IMPORT_BYTES:
            raise BadInput(f"the file is larger than {settings.BESACE_MAX_IMPORT_BYTES} bytes")
        return BadgeInput(image=upload.read()), _recipient(request.POST.get("recipient"))
    if request.content_type != "application/json":
        raise BadInput("send multipart/form-data with 'file', or application/json with 'url' or 'credential'")
    try:
        body = json.loads(request.body)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise BadInput(f"the body is not valid JSON: {error}") from error
    if not isinstance(body, dict):
        raise BadInput("the body must be a JSON object with 'url' or 'credential'")
    recipient = _recipient(body.get("recipient"))
    url, credential = body.get("url"), body.get("credential")
    if (url is None) == (credential is None):
        raise BadInput("give exactly one of 'url' and 'credential'")
    if url is not None:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise BadInput("'url' must be an http(s) URL")
        return BadgeInput(url=url), recipient
    if isinstance(credential, dict):
        return BadgeInput(text=json.dumps(credential)), recipient
    if isinstance(credential, str) and credential.strip():
        return BadgeInput(text=credential), recipient
    raise BadInput("'credential' must be a JSON object or a compact JWS string")


def _recipient(value) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or "@" not in value:
        raise BadInput("'recipient' must be an e-mail address")
    return value
