"""Keep the gallery index in step with what it is built from; the backpack knows nothing of it."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from besace.backpack.models import BackpackBadge
from besace.gallery import indexing
from besace.gallery.models import GalleryEntry
from besace.gallery.search_text import fold
from besace.issuing.models import Assertion
from besace.profiles.models import Profile


@receiver(post_save, sender=BackpackBadge, dispatch_uid="gallery_badge_saved")
def badge_saved(sender, instance: BackpackBadge, raw=False, **kwargs):
    if not raw:
        indexing.entry_sync(instance)


@receiver(post_save, sender=Assertion, dispatch_uid="gallery_assertion_saved")
def assertion_saved(sender, instance: Assertion, raw=False, **kwargs):
    """A revocation (or its undoing) takes the awards out of (or back into) the gallery."""
    if not raw:
        for badge in instance.backpack_entries.all():
            indexing.entry_sync(badge)


@receiver(post_delete, sender=GalleryEntry, dispatch_uid="gallery_entry_deleted")
def entry_deleted(sender, instance: GalleryEntry, **kwargs):
    indexing.class_refresh(instance.badge_class_id)


@receiver(post_save, sender=Profile, dispatch_uid="gallery_profile_saved")
def profile_saved(sender, instance: Profile, raw=False, **kwargs):
    if not raw:
        indexing.owner_entries_sync(instance.user)


@receiver(post_save, sender=get_user_model(), dispatch_uid="gallery_user_saved")
def user_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """A changed name changes what the gallery shows of the earner (a sign-in changes nothing)."""
    if not raw and not instance._state.adding and update_fields != frozenset({"last_login"}):
        indexing.owner_entries_sync(instance)
        # Profiles without a display name go by the account name: keep their searchable name in step.
        Profile.objects.filter(user=instance, display_name="").update(
            name_folded=fold(instance.get_full_name())
        )
