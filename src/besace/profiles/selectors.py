"""Reads of profiles. Who may see one is decided in besace.access (profile_visible_to)."""

from django.urls import reverse

from besace import access
from besace.profiles.models import Profile


def profile_of(user) -> Profile | None:
    """The user's profile if they have one (no query when it was select_related); None means private."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def public_profile_url(user, viewer=None) -> str | None:
    """The path of `user`'s profile page if `viewer` (a user, AnonymousUser or None) may see it, else None.

    Lists of many users should select_related("profile") (or "owner__profile") to avoid a query per user.
    """
    profile = profile_of(user)
    if profile is None or not access.profile_visible_to(viewer, profile):
        return None
    return reverse("profiles:detail", kwargs={"slug": profile.slug})


def profile_get_by_slug(slug: str, viewer) -> Profile | None:
    """The profile at this address if `viewer` may see it (None either way otherwise: no existence leak)."""
    profile = Profile.objects.select_related("user").filter(slug=slug).first()
    if profile is None or not access.profile_visible_to(viewer, profile):
        return None
    return profile


def profile_pages(owner, viewer) -> list:
    """The portfolio pages `viewer` may see on `owner`'s profile, when the pages app provides them."""
    try:
        from besace.pages.selectors import pages_of
    except ImportError:  # pages are optional: the profile works without them
        return []
    return list(pages_of(owner, viewer))
