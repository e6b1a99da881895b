"""Portfolio pages: the earner's list and editor, and what visitors see (the page, its password prompt,
its embeddable version and its files), as besace.access allows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from besace import access
from besace.core.framing import embeddable
from besace.core.responses import file_response
from besace.issuing.models import public_url
from besace.pages import selectors, services
from besace.pages.forms import BlockForm, PageForm
from besace.pages.models import Block, Page

UNLOCKED_SESSION_KEY = "pages_unlocked"


def _own_page(request, public_id: str) -> Page:
    page = Page.objects.filter(owner=request.user, public_id=public_id).first()
    if page is None:
        raise Http404
    return page


def _own_block(page: Page, pk: int) -> Block:
    block = page.blocks.filter(pk=pk).first()
    if block is None:
        raise Http404
    block.page = page
    return block


def _to_block(page: Page, block_pk: int | None = None):
    response = redirect("pages:edit", page.public_id)
    if block_pk is not None:
        response["Location"] += f"#block-{block_pk}"
    return response


# The earner's pages


@login_required
@require_safe
def page_list(request):
    return render(request, "pages/list.html", {"pages": selectors.my_pages(request.user)})


def _page_form_view(request, page: Page | None):
    initial = (
        {"title": page.title, "theme": page.theme, "visibility": page.visibility}
        if page
        else {"theme": Page.Theme.CLAIR, "visibility": Page.Visibility.PRIVATE}
    )
    form = PageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if page is None:
                page = services.page_create(owner=request.user, **form.cleaned_data)
                messages.success(request, _("Page created. Add blocks to it."))
            else:
                services.page_update(page=page, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Page saved."))
        except ValidationError as error:
            form.add_error("password", error)
        else:
            return redirect("pages:edit", page.public_id)
    context = {"form": form, "page": page}
    return render(request, "pages/form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def page_new(request):
    return _page_form_view(request, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def page_settings(request, public_id: str):
    return _page_form_view(request, _own_page(request, public_id))


@login_required
@require_POST
def page_delete(request, public_id: str):
    services.page_delete(page=_own_page(request, public_id), actor=request.user)
    messages.success(request, _("Page deleted. The badges it showed stay in your backpack."))
    return redirect("pages:list")


# The block editor


def _editor(request, page: Page, failed: BlockForm | None = None, status: int = 200):
    """The owner's editor: every block (whoever may see it), a form to add each kind, the share panel."""
    choices = selectors.block_choices(request.user)
    add_forms = [
        failed
        if failed is not None and failed.kind == kind
        else BlockForm(kind=kind, choices=choices, prefix=kind)
        for kind in Block.Kind.values
    ]
    context = {
        "page": page,
        "blocks": page.blocks.select_related("badge", "collection"),
        "add_forms": [(form.kind, Block.Kind(form.kind).label, form) for form in add_forms],
        "page_url": public_url("pages:page", page.public_id),
        "embed_url": public_url("pages:embed", page.public_id),
    }
    return render(request, "pages/edit.html", context, status=status)


@login_required
@require_safe
def page_edit(request, public_id: str):
    return _editor(request, _own_page(request, public_id))


@login_required
@require_POST
def block_add(request, public_id: str):
    page = _own_page(request, public_id)
    kind = request.POST.get("kind", "")
    if kind not in Block.Kind.values:
        messages.error(request, _("Choose a kind of block."))
        return _editor(request, page, status=400)
    form = BlockForm(
        request.POST, request.FILES, kind=kind, choices=selectors.block_choices(request.user), prefix=kind
    )
    if form.is_valid():
        try:
            block = services.block_add(page=page, actor=request.user, kind=kind, content=form.content())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Block added."))
            return _to_block(page, block.pk)
    return _editor(request, page, failed=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def block_edit(request, public_id: str, pk: int):
    page = _own_page(request, public_id)
    block = _own_block(page, pk)
    initial = {
        "text": block.text,
        "badge": block.badge.public_id if block.badge_id else "",
        "collection": block.collection.public_id if block.collection_id else "",
    }
    choices = selectors.block_choices(request.user)
    form = BlockForm(
        request.POST or None, request.FILES or None, kind=block.kind, choices=choices, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.block_update(block=block, actor=request.user, content=form.content())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Block saved."))
            return _to_block(page, block.pk)
    context = {"page": page, "block": block, "form": form}
    return render(request, "pages/block_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def block_delete(request, public_id: str, pk: int):
    page = _own_page(request, public_id)
    services.block_delete(block=_own_block(page, pk), actor=request.user)
    messages.success(request, _("Block deleted."))
    return _to_block(page)


@login_required
@require_POST
def block_move(request, public_id: str, pk: int):
    page = _own_page(request, public_id)
    block = _own_block(page, pk)
    services.block_move(block=block, up=request.POST.get("direction") == "up", actor=request.user)
    return _to_block(page, block.pk)


# What visitors see


def _unlock_token(page: Page) -> str:
    """Kept in the session once the password was given; a new password makes it stale."""
    return salted_hmac("besace.pages.unlock", page.password_hash).hexdigest()


def _is_unlocked(request, page: Page) -> bool:
    return bool(page.password_hash) and request.session.get(UNLOCKED_SESSION_KEY, {}).get(
        page.public_id
    ) == _unlock_token(page)


def _locked(page: Page) -> bool:
    """Behind a password the visitor has not given yet (else: hidden from them altogether)."""
    return page.visibility == Page.Visibility.PASSWORD and bool(page.password_hash)


def _page_for_visitor(request, public_id: str) -> tuple[Page, bool]:
    """The page and whether the viewer may see it; the same 404 whether it does not exist or is hidden,
    except for a page behind a password, whose prompt its link shows."""
    page = selectors.page_get(public_id)
    if page is None:
        raise Http404
    visible = access.page_visible_to(request.user, page, _is_unlocked(request, page))
    if not visible and not _locked(page):
        raise Http404
    return page, visible


def _private_response(response):
    response["Cache-Control"] = "private, no-cache"
    return response


def _page_context(request, page: Page) -> dict:
    return {
        "page": page,
        "blocks": selectors.blocks_shown(page, request.user),
        "is_owner": request.user.is_authenticated and request.user.pk == page.owner_id,
    }


@require_safe
def page_public(request, public_id: str):
    page, visible = _page_for_visitor(request, public_id)
    if not visible:
        return _private_response(render(request, "pages/locked.html", {"page": page}, status=403))
    return _private_response(render(request, "pages/page.html", _page_context(request, page)))


@require_POST
def page_unlock(request, public_id: str):
    page = selectors.page_get(public_id)
    if page is None or not _locked(page):
        raise Http404
    if not services.page_password_matches(page, request.POST.get("password", "")):
        context = {"page": page, "wrong": True}
        return _private_response(render(request, "pages/locked.html", context, status=403))
    unlocked = request.session.get(UNLOCKED_SESSION_KEY, {})
    unlocked[page.public_id] = _unlock_token(page)
    request.session[UNLOCKED_SESSION_KEY] = unlocked
    return redirect("pages:page", page.public_id)


@require_safe
@embeddable  # the one page others may frame: it holds no form and no action
def page_embed(request, public_id: str):
    page, visible = _page_for_visitor(request, public_id)
    context = _page_context(request, page) if visible else {"page": page, "locked": True}
    return _private_response(render(request, "pages/embed.html", context, status=200 if visible else 403))


@require_safe
def block_file(request, public_id: str, pk: int):
    """A file block's file: an image to show, or anything else as a download never rendered by the browser."""
    page, visible = _page_for_visitor(request, public_id)
    block = page.blocks.filter(pk=pk, kind=Block.Kind.FILE).exclude(file="").first() if visible else None
    if block is None:
        raise Http404
    if block.is_image:
        return _private_response(file_response(block.file, public=False))
    try:
        handle = block.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=block.file_name, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _private_response(response)
