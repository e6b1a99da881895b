"""Pages and actions of the social app. Comments and following happen on the gallery's badge class page,
so those actions go back there; endorsement documents are public JSON-LD."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from besace import access
from besace.backpack.models import BackpackBadge, Visibility
from besace.backpack.sharing import earner_shown
from besace.issuing.models import Issuer
from besace.issuing.public_views import json_ld_response
from besace.social import documents, notifications, selectors, services
from besace.social.models import Comment, Connection, Endorsement, Member
from besace.social.selectors import badge_class_url


def _fail(request, error: ValidationError) -> None:
    messages.error(request, error.messages[0])


def _back(request, default: str):
    """Where the form came from (a same-site `next`), else `default`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


# Settings and unsubscribing


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["email_notifications", "auto_accept_connections"]
        widgets = {"email_notifications": forms.RadioSelect}


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    member = selectors.member_settings(request.user)
    form = SettingsForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        services.member_settings_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("social:settings")
    return render(request, "social/settings.html", {"form": form})


@csrf_exempt  # the signed token is the proof; mail clients POST here for RFC 8058 one-click unsubscribe
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """No login: the signed link from an e-mail. A GET only asks (link checkers open links); the button,
    or the mail client's own one-click unsubscribe, POSTs."""
    user_pk = notifications.unsubscribe_user_pk(token)
    user = get_user_model().objects.filter(pk=user_pk).first() if user_pk is not None else None
    if user is None:
        return render(request, "social/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.notifications_unsubscribe(user=user)
        return render(request, "social/unsubscribe.html", {"done": True})
    return render(request, "social/unsubscribe.html", {})


# Following


@login_required
@require_POST
def badge_class_follow(request, key: str):
    try:
        services.badge_class_follow(user=request.user, key=key)
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("You follow this badge: you will hear of new comments and recipients."))
    return redirect(badge_class_url(key))


@login_required
@require_POST
def badge_class_unfollow(request, key: str):
    services.badge_class_unfollow(user=request.user, key=key)
    messages.success(request, _("You no longer follow this badge."))
    return _back(request, badge_class_url(key))


@login_required
@require_POST
def issuer_follow(request, public_id: str):
    issuer = get_object_or_404(Issuer, public_id=public_id)
    services.issuer_follow(user=request.user, issuer=issuer)
    messages.success(request, _("You follow %(issuer)s.") % {"issuer": issuer.name})
    return _back(request, issuer.public_url)


@login_required
@require_POST
def issuer_unfollow(request, public_id: str):
    issuer = get_object_or_404(Issuer, public_id=public_id)
    services.issuer_unfollow(user=request.user, issuer=issuer)
    messages.success(request, _("You no longer follow %(issuer)s.") % {"issuer": issuer.name})
    return _back(request, issuer.public_url)


@login_required
@require_safe
def following(request):
    badge_classes, issuers = selectors.follows_of(request.user)
    return render(request, "social/following.html", {"badge_classes": badge_classes, "issuers": issuers})


# Comments


def _comment(request, pk: int) -> Comment:
    """A comment the user may see (hidden ones only to their author and moderators), else 404."""
    comments = access.comments_visible_to(request.user, Comment.objects.all())
    return get_object_or_404(comments, pk=pk)


def _to_comments(key: str, anchor: str = "comments"):
    return redirect(f"{badge_class_url(key)}#{anchor}")


@login_required
@require_POST
def comment_post(request, key: str):
    try:
        comment = services.comment_post(author=request.user, key=key, text=request.POST.get("text", ""))
    except ValidationError as error:
        _fail(request, error)
        return _to_comments(key)
    return _to_comments(key, f"comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk: int):
    comment = _comment(request, pk)
    if not access.comment_editable_by(request.user, comment):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.comment_edit(comment=comment, user=request.user, text=request.POST.get("text", ""))
        except ValidationError as error:
            _fail(request, error)
        else:
            return _to_comments(comment.badge_class_key, f"comment-{comment.pk}")
    return render(request, "social/comment_edit.html", {"comment": comment})


@login_required
@require_POST
def comment_delete(request, pk: int):
    comment = _comment(request, pk)
    services.comment_delete(comment=comment, user=request.user)
    messages.success(request, _("Comment deleted."))
    return _to_comments(comment.badge_class_key)


@login_required
@require_POST
def comment_report(request, pk: int):
    comment = _comment(request, pk)
    services.comment_report(comment=comment, reporter=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("Thank you: a moderator will look at this comment."))
    return _to_comments(comment.badge_class_key, f"comment-{comment.pk}")


@login_required
@require_POST
def comment_hidden_set(request, pk: int, hidden: bool):
    comment = _comment(request, pk)
    services.comment_hidden_set(comment=comment, moderator=request.user, hidden=hidden)
    return _back(request, f"{badge_class_url(comment.badge_class_key)}#comment-{comment.pk}")


@login_required
@require_safe
def moderation(request):
    if not access.comments_moderator(request.user):
        raise PermissionDenied
    return render(request, "social/moderation.html", {"comments": selectors.comments_reported()})


# Connections


@login_required
@require_http_methods(["GET", "POST"])
def connections(request):
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        try:
            forms.EmailField().clean(email)
            services.connection_request_by_email(requester=request.user, email=email)
        except ValidationError as error:
            _fail(request, error)
        else:
            # The same answer whether the address has an account or not: addresses cannot be probed.
            messages.success(
                request, _("If %(email)s has a Besace account, it was asked to connect.") % {"email": email}
            )
        return redirect("social:connections")
    every = list(selectors.connections_of(request.user))
    mine = request.user.pk
    context = {
        "connected": [(c, c.other(request.user)) for c in every if c.state == Connection.State.ACCEPTED],
        "received": [c for c in every if c.state == Connection.State.PENDING and c.addressee_id == mine],
        "sent": [c for c in every if c.state == Connection.State.PENDING and c.requester_id == mine],
    }
    return render(request, "social/connections.html", context)


def _connection(request, pk: int) -> Connection:
    connection = get_object_or_404(Connection, pk=pk)
    if request.user.pk not in (connection.requester_id, connection.addressee_id):
        raise Http404
    return connection


@login_required
@require_POST
def connection_answer(request, pk: int, action: str):
    connection = _connection(request, pk)
    {
        "accept": services.connection_accept,
        "decline": services.connection_decline,
        "remove": services.connection_remove,
    }[action](connection=connection, user=request.user)
    return _back(request, "social:connections")


# Endorsements


class EndorsementForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Your endorsement"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=services.MAX_ENDORSEMENT_LENGTH,
        help_text=gettext_lazy("What you saw this person do. Markdown is allowed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def endorse(request, public_id: str):
    """For the badge's owner: the endorsements to answer and asking connections for one. For anyone else
    who may see the badge: writing an endorsement."""
    entry = get_object_or_404(
        BackpackBadge.objects.select_related("owner__profile", "assertion"), public_id=public_id
    )
    if not access.badge_visible_to(request.user, entry):
        raise Http404
    if entry.owner_id == request.user.pk:
        return _endorsements_manage(request, entry)
    if not access.endorsement_allowed(request.user, entry):
        raise PermissionDenied
    existing = Endorsement.objects.filter(entry=entry, endorser=request.user).first()
    form = EndorsementForm(request.POST or None, initial={"comment": existing.comment if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.endorsement_write(
                endorser=request.user, entry=entry, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Thank you: your endorsement waits for the badge owner's approval."))
            return redirect("share:badge", entry.public_id)
    context = {
        "entry": entry,
        "form": form,
        "existing": existing,
        "earner": earner_shown(entry, request.user),
    }
    return render(request, "social/endorse.html", context)


def _endorsements_manage(request, entry: BackpackBadge):
    if request.method == "POST":
        wanted = set(request.POST.getlist("endorser"))
        endorsers = [user for user in selectors.connected_users(request.user) if str(user.pk) in wanted]
        made = services.endorsement_request(entry=entry, user=request.user, endorsers=endorsers)
        messages.success(request, _("Endorsement requests sent: %(count)s.") % {"count": len(made)})
        return redirect("social:endorse", entry.public_id)
    endorsements = list(entry.endorsements.select_related("endorser__profile").order_by("state", "-id"))
    asked = {endorsement.endorser_id for endorsement in endorsements}
    context = {
        "entry": entry,
        "endorsements": endorsements,
        "can_ask": [user for user in selectors.connected_users(request.user) if user.pk not in asked],
        "private": entry.visibility == Visibility.PRIVATE,
    }
    return render(request, "social/endorsements_manage.html", context)


@login_required
@require_POST
def endorsement_decide(request, public_id: str):
    endorsement = get_object_or_404(Endorsement, public_id=public_id, entry__owner=request.user)
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        return HttpResponseBadRequest()
    services.endorsement_decide(endorsement=endorsement, user=request.user, accept=decision == "accept")
    return _back(request, reverse("social:endorse", args=[endorsement.entry.public_id]))


def _published(public_id: str) -> Endorsement:
    endorsement = selectors.endorsement_published(public_id)
    if endorsement is None:
        raise Http404
    return endorsement


@require_safe
def endorsement(request, public_id: str):
    endorsement = _published(public_id)
    return json_ld_response(request, documents.endorsement_document(endorsement, endorsement.endorser.member))


@require_safe
def endorsement_credential(request, public_id: str):
    endorsement = _published(public_id)
    return json_ld_response(
        request, documents.endorsement_credential_document(endorsement, endorsement.endorser.member)
    )


@require_safe
def endorser_profile(request, public_id: str):
    """Published only for those with a published endorsement: a name, not more."""
    member = get_object_or_404(Member.objects.select_related("user__profile"), public_id=public_id)
    published = Endorsement.objects.filter(endorser=member.user, state=Endorsement.State.ACCEPTED)
    if not any(
        access.badge_visible_to(None, item.entry) for item in published.select_related("entry__assertion")
    ):
        raise Http404
    return json_ld_response(request, documents.endorser_profile_document(member))
