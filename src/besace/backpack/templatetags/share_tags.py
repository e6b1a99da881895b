"""A badge's share panel, shown to its owner on the badge's page in the backpack and on its share page."""

from django import template

from besace.backpack import sharing
from besace.backpack.models import EarnerName

register = template.Library()


@register.inclusion_tag("backpack/_share_panel.html", takes_context=True)
def badge_share_panel(context, entry, from_page: str = "backpack"):
    """`from_page` ("backpack" or "public"): where the panel's forms come back to."""
    panel = {
        "entry": entry,
        "from_page": from_page,
        "csrf_token": context.get("csrf_token"),
        "earner_name_choices": EarnerName.choices,
        "shareable": sharing.is_shareable(entry),
    }
    if panel["shareable"]:
        panel.update(
            share_url=sharing.share_url(entry),
            # Through Besace, which counts the share for the issuer's statistics (not the e-mail link).
            links=sharing.share_links(entry)
            | {
                network: sharing.share_button_url(entry, network)
                for network in ("x", "facebook", "linkedin", "pinterest")
            },
            linkedin_url=sharing.share_button_url(entry, "linkedin-profile"),
            linkedin_fields=[field for field in sharing.linkedin_fields(entry) if field[2] not in (None, "")],
            iframe_code=sharing.embed_iframe_code(entry),
            html_code=sharing.static_html_code(entry),
        )
    return panel
