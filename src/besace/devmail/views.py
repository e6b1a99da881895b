"""Read the development mail folder in the browser (DEBUG only: the URLs exist only then)."""

import email
import email.policy

from django.http import Http404, HttpResponse
from django.shortcuts import render

from besace.devmail.backend import mail_dir


def _message_files():
    folder = mail_dir()
    return sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []


def _parse(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def inbox(request):
    # Not "messages": that name belongs to django.contrib.messages in every template.
    mails = [{"id": path.stem, "message": _parse(path)} for path in _message_files()[:200]]
    return render(request, "devmail/inbox.html", {"mails": mails})


def message(request, message_id: str):
    path = next((p for p in _message_files() if p.stem == message_id), None)
    if path is None:
        raise Http404
    parsed = _parse(path)
    html = parsed.get_body(preferencelist=("html",))
    if html is not None and request.GET.get("format") != "text":
        response = HttpResponse(html.get_content(), content_type="text/html; charset=utf-8")
        # An e-mail is styled inline and shows images from anywhere; it still runs nothing.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; sandbox"
        )
        return response
    text = parsed.get_body(preferencelist=("plain",))
    return HttpResponse(text.get_content() if text else "", content_type="text/plain; charset=utf-8")
