"""Links into the gallery from other apps' pages."""

from django import template
from django.urls import reverse

from besace.backpack.models import BackpackBadge
from besace.gallery import selectors
from besace.gallery.keys import achievement_id, badge_class_key

register = template.Library()


@register.simple_tag
def gallery_badge_class_url(entry: BackpackBadge) -> str:
    """The gallery page listing every public recipient of the badge `entry` is an award of; "" while
    nobody shows that badge publicly (the gallery has no page for it)."""
    key = badge_class_key(achievement_id(entry))
    if selectors.badge_class_get(key) is None:
        return ""
    return reverse("gallery:badge_class", kwargs={"key": key})
