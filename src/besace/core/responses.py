"""HTTP responses for images that users upload or import: never trusted to be harmless."""

import mimetypes

from django.http import Http404, HttpResponse


def image_response(content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    if content_type == "image/svg+xml":
        # An SVG opened on its own is a document: scripts an issuer left in it must not run on our origin.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


def file_response(field_file, *, public: bool = True) -> HttpResponse:
    if not field_file:
        raise Http404
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    with field_file.open("rb") as handle:
        response = image_response(handle.read(), content_type)
    response["Cache-Control"] = "public, max-age=3600" if public else "private, max-age=3600"
    if not public:
        del response["Access-Control-Allow-Origin"]
    return response
