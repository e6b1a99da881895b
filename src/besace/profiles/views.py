from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from besace import access
from besace.profiles.forms import ProfileForm
from besace.profiles.selectors import profile_get_by_slug, profile_pages
from besace.profiles.services import profile_for, profile_update


@require_safe
def profile_detail(request, slug: str):
    """A person's profile page: 404 (as for no profile) unless the viewer may see it."""
    profile = profile_get_by_slug(slug, request.user)
    if profile is None:
        raise Http404
    owner = profile.user
    badges = collections = ()
    if profile.show_badges:
        badges = access.badges_visible_to(request.user, owner.backpack_badges.all()).select_related(
            "assertion__badge_class__issuer"
        )
    if profile.show_collections:
        collections = access.collections_visible_to(request.user, owner.collections.all())
    response = render(
        request,
        "profiles/profile_detail.html",
        {
            "profile": profile,
            "is_owner": request.user.is_authenticated and request.user.pk == owner.pk,
            "badges": badges,
            "collections": collections,
            "pages": profile_pages(owner, request.user),
        },
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def profile_settings(request):
    profile = profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile_update(profile=form.save(commit=False), actor=request.user, changed=form.changed_data)
        messages.success(request, _("Your profile is saved."))
        return redirect("profiles:settings")
    return render(request, "profiles/profile_settings.html", {"form": form, "profile": profile})
