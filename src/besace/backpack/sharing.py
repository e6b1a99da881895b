"""Sharing an earned badge: what its public page tells others, the earner's name as they chose to show it,
and the links and snippets that carry the badge to social networks, LinkedIn profiles and web sites.

Links are only ever offered for a badge an anonymous visitor may see (besace.access): whoever follows
them is anonymous to Besace.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from besace import access
from besace.backpack.models import BackpackBadge, EarnerName
from besace.backpack.tasks import badge_reverify_request
from besace.core.audit import audit_record
from besace.issuing.models import public_url

EMBED_WIDTH, EMBED_HEIGHT = 360, 220


def is_shareable(entry: BackpackBadge) -> bool:
    """May the badge be shared: would an anonymous visitor see it?"""
    return access.badge_visible_to(None, entry)


# What the badge says, live for Besace awards


def badge_name(entry: BackpackBadge) -> str:
    return entry.assertion.badge_class.name if entry.assertion_id else entry.name


def issuer_name(entry: BackpackBadge) -> str:
    return entry.assertion.badge_class.issuer.name if entry.assertion_id else entry.issuer_name


def _issued_on(entry: BackpackBadge) -> datetime | None:
    return entry.assertion.issued_on if entry.assertion_id else entry.issued_on


def _expires(entry: BackpackBadge) -> datetime | None:
    return entry.assertion.expires if entry.assertion_id else entry.expires


def summary(entry: BackpackBadge) -> str:
    """A line or two for link previews: the issuer, then what the badge recognises."""
    if entry.assertion_id:
        description = entry.assertion.badge_class.description
    else:
        description = ((entry.normalised or {}).get("achievement") or {}).get("description") or ""
    issued_by = _("Issued by %(issuer)s.") % {"issuer": issuer_name(entry)}
    return Truncator(f"{issued_by} {description}".strip()).chars(300)


def share_url(entry: BackpackBadge) -> str:
    return public_url("share:badge", entry.public_id)


def embed_url(entry: BackpackBadge) -> str:
    return public_url("share:badge_embed", entry.public_id)


def image_url(entry: BackpackBadge) -> str:
    """The badge image's absolute URL, as social networks fetch it for their previews."""
    if entry.assertion_id:
        return entry.assertion.badge_class.image_url
    return public_url("share:badge_image", entry.public_id) if entry.image else ""


def credential_id(entry: BackpackBadge) -> str:
    """The assertion (or credential) id: what verifiers look the badge up by."""
    return entry.assertion.public_url if entry.assertion_id else entry.badge_id


# Verification


@dataclass(frozen=True)
class Verdict:
    state: str  # "valid", "expired", "revoked" or "failed"
    checked_at: datetime | None
    expires: datetime | None = None


def verdict(entry: BackpackBadge) -> Verdict:
    """Whether the badge holds: Besace awards are read live from the issuing side (checked now); imported
    badges as their last verification found them."""
    if entry.assertion_id:
        checked_at = timezone.now()
        checks_passed = True
    else:
        checked_at = entry.verified_at
        checks_passed = bool(entry.checks) and all(check.get("passed") for check in entry.checks)
    expires = _expires(entry)
    if entry.is_revoked:
        return Verdict("revoked", checked_at, expires)
    if not checks_passed:
        return Verdict("failed", checked_at, expires)
    expired = expires is not None and expires <= timezone.now()
    return Verdict("expired" if expired else "valid", checked_at, expires)


def verification_refresh_if_stale(entry: BackpackBadge) -> BackpackBadge:
    """Queue a new verification of a stale imported badge (as its owner's page does) and read it again:
    with tasks run at once it is already fresh, otherwise the last outcome shows meanwhile."""
    badge_reverify_request(entry)
    return entry


# The earner's name


@dataclass(frozen=True)
class EarnerShown:
    name: str
    profile_url: str | None = None


def earner_shown(entry: BackpackBadge, viewer) -> EarnerShown | None:
    """The earner as they chose to appear to `viewer` on the badge (None: hidden)."""
    if entry.earner_name == EarnerName.HIDDEN:
        return None
    name = (entry.assertion.recipient_name if entry.assertion_id else "") or entry.owner.get_full_name()
    profile_url = None
    if entry.earner_name == EarnerName.LINKED:
        from besace.profiles.selectors import (  # profiles builds on the backpack
            profile_of,
            public_profile_url,
        )

        profile_url = public_profile_url(entry.owner, viewer)
        if profile_url:
            # The name the profile goes by: a pseudonym there must not be tied to the real name here.
            name = profile_of(entry.owner).display_name or name
    if not (name or profile_url):
        return None
    return EarnerShown(name=name or _("The earner's profile"), profile_url=profile_url)


def badge_earner_name_set(*, entry: BackpackBadge, choice: str, actor) -> BackpackBadge:
    if choice not in EarnerName.values:
        raise ValidationError(_("Choose how your name appears."))
    previous = entry.earner_name
    if previous != choice:
        entry.earner_name = choice
        entry.save(update_fields=["earner_name"])
        audit_record(
            action="backpack.badge.earner_name", target=entry, actor=actor, previous=previous, choice=choice
        )
    return entry


# Links and snippets


def _query(params: dict[str, str | int | None]) -> str:
    """Percent-encoded (spaces as %20, which every target reads alike), empty values left out."""
    present = {key: value for key, value in params.items() if value not in (None, "")}
    return urlencode(present, quote_via=quote)


def linkedin_fields(entry: BackpackBadge) -> list[tuple[str, str, str | int | None]]:
    """LinkedIn's "Add to profile" certification fields: (parameter, label, value)."""
    issued, expires = _issued_on(entry), _expires(entry)
    issued = timezone.localtime(issued) if issued else None
    expires = timezone.localtime(expires) if expires else None
    return [
        ("name", _("Name"), badge_name(entry)),
        ("organizationName", _("Issuing organisation"), issuer_name(entry)),
        ("issueYear", _("Issue year"), issued.year if issued else None),
        ("issueMonth", _("Issue month"), issued.month if issued else None),
        ("expirationYear", _("Expiration year"), expires.year if expires else None),
        ("expirationMonth", _("Expiration month"), expires.month if expires else None),
        ("certId", _("Credential ID"), credential_id(entry)),
        ("certUrl", _("Credential URL"), share_url(entry)),
    ]


def linkedin_add_to_profile_url(entry: BackpackBadge) -> str:
    fields = {key: value for key, _label, value in linkedin_fields(entry)}
    return "https://www.linkedin.com/profile/add?" + _query({"startTask": "CERTIFICATION_NAME"} | fields)


def share_targets(entry: BackpackBadge) -> dict[str, str]:
    """Where each share button leads, by the name its link carries through Besace (see badge_shared)."""
    targets = share_links(entry)
    del targets["email"]  # a mailto: link, followed in the earner's own mail program
    return targets | {"linkedin-profile": linkedin_add_to_profile_url(entry)}


def share_button_url(entry: BackpackBadge, network: str) -> str:
    return reverse("share:badge_share_to", args=[entry.public_id, network])


def badge_shared(*, entry: BackpackBadge, network: str, actor) -> None:
    """The earner followed a share button: noted once for the issuer's statistics, audited each time."""
    if entry.shared_at is None:
        BackpackBadge.objects.filter(pk=entry.pk, shared_at__isnull=True).update(shared_at=timezone.now())
    audit_record(action="backpack.badge.shared", target=entry, actor=actor, network=network)


def share_links(entry: BackpackBadge) -> dict[str, str]:
    url = share_url(entry)
    text = _("I earned the badge “%(badge)s” from %(issuer)s.") % {
        "badge": badge_name(entry),
        "issuer": issuer_name(entry),
    }
    return {
        "x": "https://x.com/intent/tweet?" + _query({"text": text, "url": url}),
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + _query({"u": url}),
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?" + _query({"url": url}),
        "pinterest": "https://www.pinterest.com/pin/create/button/?"
        + _query({"url": url, "media": image_url(entry), "description": text}),
        "email": "mailto:?" + _query({"subject": badge_name(entry), "body": f"{text}\n\n{url}"}),
    }


def embed_iframe_code(entry: BackpackBadge) -> str:
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" style="border:0"></iframe>',
        embed_url(entry),
        badge_name(entry),
        EMBED_WIDTH,
        EMBED_HEIGHT,
    )


def static_html_code(entry: BackpackBadge) -> str:
    """For sites that refuse iframes (WordPress.com among them): plain HTML, the image served by Besace."""
    url, name, image = share_url(entry), badge_name(entry), image_url(entry)
    picture = ""
    if image:
        picture = format_html(
            '<a href="{}"><img src="{}" alt="{}" width="120" height="120"></a><br>\n', url, image, name
        )
    return format_html(
        '<p>{}<a href="{}"><strong>{}</strong></a><br>\n{}</p>',
        picture,
        url,
        name,
        _("Issued by %(issuer)s") % {"issuer": issuer_name(entry)},
    )
