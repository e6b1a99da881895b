"""Writes to profiles: each change is audited."""

import secrets
import string

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from besace.core.audit import audit_record
from besace.profiles.models import RESERVED_SLUGS, Profile

_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits


def _free_slug(base: str) -> str:
    base = slugify(base)[:40].strip("-") or "member"
    slug = base
    while slug in RESERVED_SLUGS or Profile.objects.filter(slug=slug).exists():
        slug = f"{base}-{''.join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(6))}"
    return slug


def profile_for(user) -> Profile:
    """The user's profile, created (private, empty) the first time it is needed."""
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    try:
        with transaction.atomic():
            # The account name, never the e-mail address, seeds the page address.
            return Profile.objects.create(user=user, slug=_free_slug(user.get_full_name()))
    except IntegrityError:  # created meanwhile by a concurrent request
        return Profile.objects.get(user=user)


def profile_update(*, profile: Profile, actor, changed: list[str]) -> Profile:
    """Saves a profile a form has filled in; records which fields changed."""
    profile.save()
    audit_record(action="profile.updated", target=profile, actor=actor, fields=changed)
    return profile
