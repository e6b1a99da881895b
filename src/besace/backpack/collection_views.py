"""Collections: an earner's named, ordered selections of badges, and the page others see of one.

Others see a collection only as its visibility says, and in it only the badges they may see one by one
(besace.access).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from besace import access
from besace.backpack import organise, selectors
from besace.backpack.models import Collection, CollectionBadge, Visibility
from besace.issuing.models import public_url

BADGE_RELATED = ("badge__assertion__badge_class__issuer",)


class CollectionForm(forms.ModelForm):
    class Meta:
        model = Collection
        fields = ["name", "description", "visibility"]
        labels = {
            "name": gettext_lazy("Name"),
            "description": gettext_lazy("Description"),
            "visibility": gettext_lazy("Visibility"),
        }
        help_texts = {
            "visibility": gettext_lazy(
                "Others see only the badges of the collection that they may see: "
                "a private badge stays hidden, even in a public collection."
            )
        }
        widgets = {"visibility": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}


def _own_collection(request, public_id: str) -> Collection:
    collection = Collection.objects.filter(owner=request.user, public_id=public_id).first()
    if collection is None:
        raise Http404
    return collection


def _own_badge(request, public_id: str):
    entry = selectors.backpack_badge_get(request.user, public_id)
    if entry is None:
        raise Http404
    return entry


def _back(request, collection: Collection):
    """To the page the form was on: the collection, or the badge's own page."""
    badge = request.POST.get("from_badge", "")
    if badge and selectors.backpack_badge_get(request.user, badge) is not None:
        response = redirect("backpack:badge", badge)
        response["Location"] += "#collections"
        return response
    return redirect("backpack:collection", collection.public_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def collection_new(request):
    form = CollectionForm(request.POST or None, initial={"visibility": Visibility.PRIVATE})
    if request.method == "POST" and form.is_valid():
        collection = organise.collection_create(owner=request.user, **form.cleaned_data)
        messages.success(request, _("Collection created."))
        return redirect("backpack:collection", collection.public_id)
    return render(
        request, "backpack/collection_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def collection_edit(request, public_id: str):
    collection = _own_collection(request, public_id)
    # Not bound to the instance: validating would change it before the service sees what it was.
    initial = {
        "name": collection.name,
        "description": collection.description,
        "visibility": collection.visibility,
    }
    form = CollectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        organise.collection_update(collection=collection, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Collection saved."))
        return redirect("backpack:collection", collection.public_id)
    context = {"form": form, "collection": collection}
    return render(request, "backpack/collection_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def collection_delete(request, public_id: str):
    collection = _own_collection(request, public_id)
    organise.collection_delete(collection=collection, actor=request.user)
    messages.success(request, _("Collection deleted. Its badges stay in your backpack."))
    return redirect("backpack:home")


@login_required
def collection_detail(request, public_id: str):
    """The owner's page of a collection: its badges in order, to reorder, remove or add."""
    collection = _own_collection(request, public_id)
    items = list(collection.entries.select_related(*BADGE_RELATED))
    in_collection = {item.badge_id for item in items}
    others = [entry for entry in selectors.backpack_badges(request.user) if entry.pk not in in_collection]
    context = {
        "collection": collection,
        "items": items,
        "addable": others,
        "share_url": public_url("share:collection", collection.public_id),
    }
    return render(request, "backpack/collection_detail.html", context)


def _add_to_collection(request, collection, entry) -> None:
    organise.collection_badge_add(collection=collection, entry=entry, actor=request.user)
    messages.success(
        request,
        _("“%(badge)s” added to “%(collection)s”.") % {"badge": entry.name, "collection": collection.name},
    )


@login_required
@require_POST
def collection_badge_add(request, public_id: str):
    collection = _own_collection(request, public_id)
    _add_to_collection(request, collection, _own_badge(request, request.POST.get("badge", "")))
    return redirect("backpack:collection", collection.public_id)


@login_required
@require_POST
def badge_collection_add(request, public_id: str):
    """From a badge's page: into the collection chosen in the form."""
    entry = _own_badge(request, public_id)
    _add_to_collection(request, _own_collection(request, request.POST.get("collection", "")), entry)
    response = redirect("backpack:badge", entry.public_id)
    response["Location"] += "#collections"
    return response


@login_required
@require_POST
def collection_badge_remove(request, public_id: str, badge_id: str):
    collection = _own_collection(request, public_id)
    entry = _own_badge(request, badge_id)
    organise.collection_badge_remove(collection=collection, entry=entry, actor=request.user)
    messages.success(
        request,
        _("“%(badge)s” removed from “%(collection)s”.")
        % {"badge": entry.name, "collection": collection.name},
    )
    return _back(request, collection)


@login_required
@require_POST
def collection_badge_move(request, public_id: str, badge_id: str):
    collection = _own_collection(request, public_id)
    entry = _own_badge(request, badge_id)
    try:
        organise.collection_badge_move(
            collection=collection, entry=entry, up=request.POST.get("direction") == "up", actor=request.user
        )
    except organise.CollectionError as error:
        messages.error(request, str(error))
    response = redirect("backpack:collection", collection.public_id)
    response["Location"] += f"#badge-{entry.public_id}"
    return response


@require_safe
def collection_public(request, public_id: str):
    """The share link of a collection: 404 (as for no collection) unless the viewer may see it."""
    collection = Collection.objects.select_related("owner").filter(public_id=public_id).first()
    if collection is None or not access.collection_visible_to(request.user, collection):
        raise Http404
    items: list[CollectionBadge] = list(
        access.collection_entries_visible_to(request.user, collection).select_related(*BADGE_RELATED)
    )
    is_owner = request.user.is_authenticated and request.user.pk == collection.owner_id
    response = render(
        request,
        "backpack/share_collection.html",
        {"collection": collection, "items": items, "is_owner": is_owner},
    )
    response["Cache-Control"] = "private, no-cache"
    return response
