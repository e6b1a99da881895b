"""Hosted assertions' JSON-LD, kept rendered in the shared cache so that verifiers cost no query.

A verifier fetches the assertion URL every time it checks a badge, so that URL is the hottest in
Besace. Its JSON-LD depends on the assertion row and on its badge class (the image URL), nothing else:
saving or deleting either forgets the cached documents once the change is committed, so a revoked
badge answers 410 from the next request on. Used only when BESACE_CACHE_PUBLIC_DOCUMENTS is on (the
default with a shared cache, CACHE_URL): a per-process cache would go on serving what another process
changed.

A request that read the database just before a change was committed could store the old document
just after it was forgotten. So every change also gives the assertion a new generation token; a
document is stored with the token read before its query, and served only while that is still the
current token (both read in one round trip).
"""

import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from besace.issuing.models import Assertion, BadgeClass

# Bounds what a lost invalidation (a cache flushed while a token was being written) could cost.
TIMEOUT = 3600
_DOCUMENT = "besace:assertion-jsonld:{}"
_GENERATION = "besace:assertion-jsonld-generation:{}"

Rendered = tuple[int, bytes]  # HTTP status and JSON body


def enabled() -> bool:
    return settings.BESACE_CACHE_PUBLIC_DOCUMENTS


def assertion_document(public_id: str, render: Callable[[], Rendered]) -> Rendered:
    """The cached (status, body) of an assertion's JSON-LD, else ``render()``'s, then cached."""
    if not enabled():
        return render()
    document_key, generation_key = _DOCUMENT.format(public_id), _GENERATION.format(public_id)
    found = cache.get_many([document_key, generation_key])
    generation = found.get(generation_key)
    cached = found.get(document_key)
    if cached is not None and cached[0] == generation:
        return cached[1], cached[2]
    status, body = render()  # Http404 for an unknown id: nothing cached
    cache.set(document_key, (generation, status, body), TIMEOUT)
    return status, body


def forget(public_ids: Iterable[str]) -> None:
    """Drop the cached documents now and, with new generations, again once the transaction commits."""
    ids = list(public_ids)
    if not ids or not enabled():
        return

    def drop() -> None:
        cache.set_many({_GENERATION.format(i): uuid.uuid4().hex for i in ids}, None)
        cache.delete_many([_DOCUMENT.format(i) for i in ids])

    drop()
    transaction.on_commit(drop)


@receiver(post_save, sender=Assertion, dispatch_uid="public_cache_assertion_saved")
@receiver(post_delete, sender=Assertion, dispatch_uid="public_cache_assertion_deleted")
def _assertion_changed(sender, instance: Assertion, **kwargs) -> None:
    forget([instance.public_id])


@receiver(post_save, sender=BadgeClass, dispatch_uid="public_cache_badge_class_saved")
def _badge_class_changed(sender, instance: BadgeClass, created: bool, **kwargs) -> None:
    if not created:
        forget(instance.assertions.values_list("public_id", flat=True))
