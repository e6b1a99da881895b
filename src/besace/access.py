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
from besace.gallery import keys as badge_class_keys
from besace.issuing.models import Issuer, IssuerStaff
from besace.pages.models import Page
from besace.profiles.models import Profile
from besace.social.models import Activity, Comment, Connection, Endorsement

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


# Portfolio pages (besace.pages)


def page_visible_to(viewer, page: Page, unlocked: bool = False) -> bool:
    """May `viewer` see this page? `unlocked`: the visitor gave the page's password in this session.

    Its badge and collection blocks are then shown only where badge_visible_to and collection_visible_to
    say so: a public page holding a private badge shows it to nobody else.
    """
    if _is_owner(viewer, page.owner_id):
        return True
    if page.visibility == Page.Visibility.PASSWORD:
        return unlocked and bool(page.password_hash)
    return page.visibility in _levels_for(viewer)


def pages_visible_to(viewer, queryset: QuerySet[Page] | None = None) -> QuerySet[Page]:
    """The pages of `queryset` (default: all) that `viewer` may see without a password: the ones to list.

    Pages behind a password are never listed to others; their link and password are shared together.
    """
    queryset = Page.objects.all() if queryset is None else queryset
    shown = Q(visibility__in=_levels_for(viewer))
    if _is_signed_in(viewer):
        shown |= Q(owner=viewer)
    return queryset.filter(shown)


# Profiles (an account without a Profile row has a private profile)


def profile_visible_to(viewer, profile: Profile) -> bool:
    """May `viewer` see this profile page? What it lists is then filtered item by item as above."""
    return _is_owner(viewer, profile.user_id) or profile.visibility in _levels_for(viewer)


def profiles_visible_to(viewer, queryset: QuerySet[Profile] | None = None) -> QuerySet[Profile]:
    """The profiles of `queryset` (default: all) that `viewer` may see."""
    queryset = Profile.objects.all() if queryset is None else queryset
    shown = Q(visibility__in=_levels_for(viewer))
    if _is_signed_in(viewer):
        shown |= Q(user=viewer)
    return queryset.filter(shown)


# Social (besace.social): comments on badge classes, moderation, endorsements, connections, activity


def held_badge_of_class(user, key: str) -> BackpackBadge | None:
    """A badge of the class named `key` that `user` holds (accepted in their backpack, not revoked).

    Keys are computed from each badge's snapshot, so this reads the user's own badges (a handful)
    rather than filtering in the database.
    """
    if not _is_signed_in(user):
        return None
    held = BackpackBadge.objects.filter(
        owner=user, state=BackpackBadge.State.ACCEPTED, revoked=False, assertion__revoked_at__isnull=True
    ).only("normalised", "name", "issuer_name")
    key_of = badge_class_keys.badge_class_key
    return next((entry for entry in held if key_of(badge_class_keys.achievement_id(entry)) == key), None)


def comment_allowed(user, key: str) -> bool:
    """Only those who hold a badge comment on its badge class."""
    return held_badge_of_class(user, key) is not None


def comments_moderator(user) -> bool:
    """May `user` hide and show comments (and read the reports)? Staff, or the social.moderate permission."""
    return _is_signed_in(user) and (user.is_staff or user.has_perm("social.moderate"))


def comments_visible_to(viewer, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    """Whoever may see a badge class page reads its comments, except hidden ones: those only their author
    and moderators see."""
    if comments_moderator(viewer):
        return queryset
    shown = Q(hidden=False)
    if _is_signed_in(viewer):
        shown |= Q(author=viewer)
    return queryset.filter(shown)


def comment_editable_by(user, comment: Comment) -> bool:
    """Authors edit and delete their own comments, hidden or not."""
    return _is_owner(user, comment.author_id)


def endorsement_allowed(user, entry: BackpackBadge) -> bool:
    """Anyone signed in who may see someone else's badge may endorse it (its owner then accepts or not)."""
    return _is_signed_in(user) and user.pk != entry.owner_id and badge_visible_to(user, entry)


def endorsements_visible_to(viewer, entry: BackpackBadge) -> QuerySet[Endorsement]:
    """The endorsements shown with a badge: accepted ones, to whoever may see the badge."""
    if not badge_visible_to(viewer, entry):
        return Endorsement.objects.none()
    return entry.endorsements.filter(state=Endorsement.State.ACCEPTED)


def connections_visible_to(viewer, user) -> bool:
    """May `viewer` see whom `user` is connected with? Themselves and their own connections only."""
    if _is_owner(viewer, user.pk):
        return True
    return (
        _is_signed_in(viewer)
        and Connection.objects.filter(
            Q(requester=user, addressee=viewer) | Q(requester=viewer, addressee=user),
            state=Connection.State.ACCEPTED,
        ).exists()
    )


def activities_visible_to(viewer, queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    """The activity `viewer` may see: never about a badge they may not see (a private one, say), nor a
    hidden comment, nor an endorsement its badge's owner has not accepted."""
    return queryset.filter(
        Q(entry__isnull=True) | _badges_shown(viewer, prefix="entry__"),
        Q(comment__isnull=True) | Q(comment__hidden=False),
        Q(endorsement__isnull=True) | Q(endorsement__state=Endorsement.State.ACCEPTED),
    )
