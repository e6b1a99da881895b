"""Social blocks other apps' pages include:

- `{% badge_class_social key viewer %}` on the gallery's badge class page: follow button and comments.
- `{% badge_endorsements entry %}` on a badge's public page: its accepted endorsements.
- `{% issuer_follow issuer viewer %}`: follow button for a Besace issuer.
- `{% social_dashboard viewer %}` on "My badges": the activity stream and what waits for an answer.
"""

from django import template

from besace import access
from besace.social import documents, selectors

register = template.Library()


def _signed_in(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def _request_context(context) -> dict:
    request = context.get("request")
    return {"csrf_token": context.get("csrf_token"), "next": request.get_full_path() if request else ""}


@register.inclusion_tag("social/_badge_class_social.html", takes_context=True)
def badge_class_social(context, key: str, viewer):
    signed_in = _signed_in(viewer)
    return {
        **_request_context(context),
        "key": key,
        "viewer": viewer,
        "signed_in": signed_in,
        "following": signed_in and selectors.badge_class_followed(viewer, key),
        "comments": list(selectors.comments_for(viewer, key)),
        "can_comment": signed_in and access.comment_allowed(viewer, key),
        "moderator": access.comments_moderator(viewer),
    }


@register.inclusion_tag("social/_badge_endorsements.html", takes_context=True)
def badge_endorsements(context, entry):
    request = context.get("request")
    viewer = request.user if request else None
    endorsements = list(selectors.endorsements_shown(viewer, entry))
    published = access.badge_visible_to(None, entry)
    return {
        **_request_context(context),
        "entry": entry,
        "endorsements": [
            (endorsement, documents.endorsement_url(endorsement) if published else "")
            for endorsement in endorsements
        ],
        "is_owner": _signed_in(viewer) and viewer.pk == entry.owner_id,
        "can_endorse": access.endorsement_allowed(viewer, entry),
    }


@register.inclusion_tag("social/_issuer_follow.html", takes_context=True)
def issuer_follow(context, issuer, viewer):
    signed_in = _signed_in(viewer)
    return {
        **_request_context(context),
        "issuer": issuer,
        "signed_in": signed_in,
        "following": signed_in and selectors.issuer_followed(viewer, issuer),
    }


@register.inclusion_tag("social/_dashboard.html", takes_context=True)
def social_dashboard(context, viewer):
    to_decide, requested = selectors.endorsements_waiting(viewer)
    return {
        **_request_context(context),
        "activities": selectors.activity_stream(viewer),
        "connection_requests": list(selectors.connection_requests_to(viewer)),
        "to_decide": to_decide,
        "requested": requested,
    }


@register.filter
def member_name(user) -> str:
    return selectors.member_name(user) if user is not None else ""
