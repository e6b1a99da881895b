"""Who may see or do what: the one place pages, APIs and selectors ask.

Issuer staff roles: an owner does everything, an editor manages badges and awards, an awarder only
awards. Nobody else sees an issuer's management pages or unpublished data.

Backpack badges and collections: their owner always sees them; anyone else sees them as their visibility
says (public: anyone; signed-in users: any signed-in account; private: nobody else). A badge revoked by
its issuer, or one a connected app sent that still waits for its owner's approval, is never shown to
anyone but its owner, whatever its visibility. A collection others may see shows them only the badges
they may see one by one: a public collection holding a private badge shows it to nobody else. Pages,
gallery, search, feeds and APIs all ask the functions below; a private badge never appears to anyone
else anywhere.
"""

from django.db.models import Q, QuerySet

from besace.backpack.models import BackpackBadge, Collection, CollectionBadge, Visibility
from besace.issuing.models import Issuer, IssuerStaff

Role = IssuerStaff.Role

ISSUER_PERMISSIONS: dict[str, set[str]] = {
    "issuer.view": {Role.OWNER, Role.EDITOR, Role.AWARDER},
    "issuer.edit": {Role.OWNER},
    "issuer.staff": {Role.OWNER},
    "badgeclass.edit": {Role.OWNER, Role.EDITOR},
    "assertion.award": {Role.OWNER, Role.EDITOR, Role.AWARDER},
    "assertion.revoke": {Role.OWNER, Role.EDITOR},
}


def issuer_role(user, issuer: Issuer) -> str | None:
    if not user.is_authenticated:
        return None
    return IssuerStaff.objects.filter(issuer=issuer, user=user).values_list("role", flat=True).first()


def role_can(role: str | None, permission: str) -> bool:
    """For pages that ask several questions: look the role up once, then ask this."""
    return role in ISSUER_PERMISSIONS[permission]


def issuer_can(user, permission: str, issuer: Issuer) -> bool:
    return role_can(issuer_role(user, issuer), permission)


def issuers_for_staff(user) -> QuerySet[Issuer]:
    if not user.is_authenticated:
        return Issuer.objects.none()
    return Issuer.objects.filter(memberships__user=user).distinct()


# Backpack badges and collections


def _is_signed_in(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def _is_owner(viewer, owner_id) -> bool:
    return _is_signed_in(viewer) and viewer.pk == owner_id


def _levels_for(viewer) -> list[str]:
    """The visibilities that let `viewer` see what someone else owns."""
    return [Visibility.PUBLIC, Visibility.SIGNED_IN] if _is_signed_in(viewer) else [Visibility.PUBLIC]


def badge_visible_to(viewer, entry: BackpackBadge) -> bool:
    """May `viewer` (a user, AnonymousUser or None) see this backpack badge?"""
    if _is_owner(viewer, entry.owner_id):
        return True
    return (
        entry.state == BackpackBadge.State.ACCEPTED
        and not entry.is_revoked
        and entry.visibility in _levels_for(viewer)
    )


def collection_visible_to(viewer, collection: Collection) -> bool:
    """May `viewer` see this collection? Its badges are then shown only where badge_visible_to says so."""
    return _is_owner(viewer, collection.owner_id) or collection.visibility in _levels_for(viewer)


def _badges_shown(viewer, prefix: str = "") -> Q:
    """badge_visible_to as a filter on backpack badges (reached through `prefix`, e.g. "badge__")."""
    shown = Q(
        **{
            f"{prefix}visibility__in": _levels_for(viewer),
            f"{prefix}state": BackpackBadge.State.ACCEPTED,
            f"{prefix}revoked": False,  # imported badges, as last verified
            f"{prefix}assertion__revoked_at__isnull": True,  # Besace awards, live (also: no assertion)
        }
    )
    if _is_signed_in(viewer):
        shown |= Q(**{f"{prefix}owner": viewer})
    return shown


def badges_visible_to(viewer, queryset: QuerySet[BackpackBadge] | None = None) -> QuerySet[BackpackBadge]:
    """The backpack badges of `queryset` (default: all) that `viewer` may see."""
    queryset = BackpackBadge.objects.all() if queryset is None else queryset
    return queryset.filter(_badges_shown(viewer))


def collections_visible_to(viewer, queryset: QuerySet[Collection] | None = None) -> QuerySet[Collection]:
    """The collections of `queryset` (default: all) that `viewer` may see."""
    queryset = Collection.objects.all() if queryset is None else queryset
    shown = Q(visibility__in=_levels_for(viewer))
    if _is_signed_in(viewer):
        shown |= Q(owner=viewer)
    return queryset.filter(shown)


def collection_entries_visible_to(viewer, collection: Collection) -> QuerySet[CollectionBadge]:
    """The entries of a collection (in their order) whose badge `viewer` may see.

    Only meaningful once collection_visible_to(viewer, collection) is true.
    """
    return collection.entries.filter(_badges_shown(viewer, prefix="badge__"))
