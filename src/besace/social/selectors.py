"""Reads of the social app: who follows what, comments, connections, the activity stream, endorsements."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from besace import access
from besace.backpack.models import BackpackBadge, EarnerName
from besace.backpack.sharing import earner_shown
from besace.gallery import selectors as gallery_selectors
from besace.gallery.keys import achievement_id
from besace.social.models import (
    Activity,
    BadgeClassFollow,
    Comment,
    Connection,
    Endorsement,
    IssuerFollow,
    Member,
    Report,
)

STREAM_LENGTH = 30


def member_name(user) -> str:
    """How a user is named to others: their profile's name, else their account name; never their address."""
    try:
        return user.profile.name
    except ObjectDoesNotExist:
        return user.get_full_name() or _("A Besace member")


def badge_class_url(key: str) -> str:
    """The gallery page of a badge class, where its followers and comments are."""
    return reverse("gallery:badge_class", kwargs={"key": key})


def member_settings(user) -> Member:
    """The user's social settings; the defaults (unsaved) when they never changed them."""
    return Member.objects.filter(user=user).first() or Member(user=user)


# Following


def badge_class_named(user, key: str) -> tuple[str, str] | None:
    """The id and name of the badge class named `key`: from the gallery (classes someone shows to
    everyone), else from a badge of that class the user holds; None when neither knows it."""
    listed = gallery_selectors.badge_class_get(key)
    if listed is not None:
        return listed.achievement_id, listed.name
    held = access.held_badge_of_class(user, key)
    return (achievement_id(held), held.name) if held is not None else None


def badge_class_followed(user, key: str) -> bool:
    return user.is_authenticated and BadgeClassFollow.objects.filter(user=user, badge_class_key=key).exists()


def issuer_followed(user, issuer) -> bool:
    return user.is_authenticated and IssuerFollow.objects.filter(user=user, issuer=issuer).exists()


def badge_class_followers(key: str) -> QuerySet:
    return BadgeClassFollow.objects.filter(badge_class_key=key).values_list("user_id", flat=True)


def issuer_followers(issuer_id: int) -> QuerySet:
    return IssuerFollow.objects.filter(issuer_id=issuer_id).values_list("user_id", flat=True)


def follows_of(user) -> tuple[QuerySet[BadgeClassFollow], QuerySet[IssuerFollow]]:
    return (
        BadgeClassFollow.objects.filter(user=user),
        IssuerFollow.objects.filter(user=user).select_related("issuer"),
    )


# Comments


def comments_for(viewer, key: str) -> QuerySet[Comment]:
    """The comments on a badge class that `viewer` may read, oldest first, with their authors' names."""
    comments = Comment.objects.filter(badge_class_key=key).select_related("author__profile")
    return access.comments_visible_to(viewer, comments)


def comments_reported() -> QuerySet[Comment]:
    """Comments with reports no moderator has acted on, for the moderators' list."""
    open_reports = Report.objects.filter(resolved_at__isnull=True)
    return (
        Comment.objects.filter(reports__in=open_reports)
        .distinct()
        .select_related("author__profile")
        .prefetch_related("reports__reporter")
        .order_by("-created_at", "-id")
    )


# Connections


def _between(user, other) -> Q:
    return Q(requester=user, addressee=other) | Q(requester=other, addressee=user)


def connection_between(user, other) -> Connection | None:
    return Connection.objects.filter(_between(user, other)).first()


def connections_of(user) -> QuerySet[Connection]:
    return Connection.objects.filter(Q(requester=user) | Q(addressee=user)).select_related(
        "requester__profile", "addressee__profile"
    )


def connection_requests_to(user) -> QuerySet[Connection]:
    """Requests waiting for `user`'s answer."""
    return Connection.objects.filter(addressee=user, state=Connection.State.PENDING).select_related(
        "requester__profile"
    )


def connected_user_ids(user) -> set[int]:
    """The ids of the users `user` is connected with."""
    pairs = Connection.objects.filter(
        Q(requester=user) | Q(addressee=user), state=Connection.State.ACCEPTED
    ).values_list("requester_id", "addressee_id")
    return {requester if addressee == user.pk else addressee for requester, addressee in pairs}


def _connected_to(user, field: str) -> Q:
    """`field` is a user `user` is connected with (a filter, so that lists need no query of their own)."""
    accepted = Connection.objects.filter(state=Connection.State.ACCEPTED)
    return Q(**{f"{field}__in": accepted.filter(requester=user).values("addressee")}) | Q(
        **{f"{field}__in": accepted.filter(addressee=user).values("requester")}
    )


def connected_users(user) -> list:
    """The users `user` is connected with, by name."""
    connections = connections_of(user).filter(state=Connection.State.ACCEPTED)
    return sorted((connection.other(user) for connection in connections), key=member_name)


# The activity stream


def activity_stream(viewer, limit: int = STREAM_LENGTH) -> list[Activity]:
    """What happened lately around the badge classes and issuers `viewer` follows and the people they are
    connected with; only what they may see, never their own doings.

    Earners who keep their name off a badge are not named with it (`activity.earner` is None), and their
    connections do not hear of it: that alone would name them.
    """
    hidden_name_award = Q(kind=Activity.Kind.PUBLIC_RECIPIENT, entry__earner_name=EarnerName.HIDDEN)
    around = (
        Q(badge_class_key__in=BadgeClassFollow.objects.filter(user=viewer).values("badge_class_key"))
        | Q(issuer__in=IssuerFollow.objects.filter(user=viewer).values("issuer"))
        | (_connected_to(viewer, "actor") & ~hidden_name_award)
    )
    activities = (
        Activity.objects.filter(around)
        .exclude(actor=viewer)
        .select_related(
            "actor__profile",
            "other_user__profile",
            "issuer",
            "badge_class",
            "entry__assertion",
            "entry__owner__profile",
            "comment",
        )
    )
    shown = list(access.activities_visible_to(viewer, activities)[:limit])
    for activity in shown:
        activity.earner = earner_shown(activity.entry, viewer) if activity.entry else None
    return shown


# Endorsements


def endorsements_shown(viewer, entry: BackpackBadge) -> QuerySet[Endorsement]:
    return access.endorsements_visible_to(viewer, entry).select_related(
        "endorser__profile", "endorser__member"
    )


def endorsements_waiting(user) -> tuple[list[Endorsement], list[Endorsement]]:
    """What waits for `user` (one query): endorsements of their badges to accept or decline, and those
    others asked them to write (for badges they may still see)."""
    waiting = Endorsement.objects.filter(
        Q(entry__owner=user, state=Endorsement.State.PENDING)
        | Q(endorser=user, state=Endorsement.State.REQUESTED, entry__in=access.badges_visible_to(user))
    ).select_related("entry__owner__profile", "endorser__profile")
    to_decide, requested = [], []
    for endorsement in waiting:
        (requested if endorsement.endorser_id == user.pk else to_decide).append(endorsement)
    return to_decide, requested


def endorsement_published(public_id: str) -> Endorsement | None:
    """An endorsement as published (its public URL): accepted, of a badge anyone may see."""
    endorsement = (
        Endorsement.objects.filter(public_id=public_id, state=Endorsement.State.ACCEPTED)
        .select_related("entry__assertion", "endorser__profile", "endorser__member")
        .first()
    )
    if endorsement is None or not access.badge_visible_to(None, endorsement.entry):
        return None
    return endorsement
