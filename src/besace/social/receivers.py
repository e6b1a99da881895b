"""The backpack and issuing apps know nothing of followers: these receivers hand their news to the social
services (a badge shown to everyone, a new badge class)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from besace.backpack.models import BackpackBadge, Visibility
from besace.issuing.models import BadgeClass
from besace.social import services


@receiver(post_save, sender=BackpackBadge)
def on_backpack_badge_saved(sender, instance: BackpackBadge, raw=False, **kwargs):
    # Cheap test first: most saves (re-verification, tags) are of badges that are not public.
    if (
        not raw
        and instance.visibility == Visibility.PUBLIC
        and instance.state == BackpackBadge.State.ACCEPTED
    ):
        services.public_recipient_record(entry=instance)


@receiver(post_save, sender=BadgeClass)
def on_badge_class_saved(sender, instance: BadgeClass, created: bool, raw=False, **kwargs):
    if created and not raw:
        services.badge_class_published_record(badge_class=instance)
