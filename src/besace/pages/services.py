"""Writes of portfolio pages and their blocks. Every change is audited; who may *see* a page or what
its blocks show is decided in besace.access."""

from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from besace.backpack.models import BackpackBadge, Collection
from besace.core.audit import audit_record
from besace.core.ordering import neighbour_swap
from besace.pages import files
from besace.pages.models import Block, Page


def _password_hash(*, page: Page | None, visibility: str, password: str) -> str:
    """The hash to keep: a new password replaces the old one; leaving it empty keeps the old one."""
    if visibility != Page.Visibility.PASSWORD:
        return ""
    if password:
        return make_password(password)
    if page is not None and page.password_hash:
        return page.password_hash
    raise ValidationError(_("Choose a password for this page."))


def page_create(*, owner, title: str, theme: str, visibility: str, password: str = "") -> Page:
    page = Page(
        owner=owner,
        title=title,
        theme=theme,
        visibility=visibility,
        password_hash=_password_hash(page=None, visibility=visibility, password=password),
    )
    with transaction.atomic():
        page.save()
        audit_record(
            action="pages.page.created", target=page, actor=owner, visibility=visibility, theme=theme
        )
    return page


def page_update(*, page: Page, actor, title: str, theme: str, visibility: str, password: str = "") -> Page:
    new_hash = _password_hash(page=page, visibility=visibility, password=password)
    previous = page.visibility
    page.title, page.theme, page.visibility = title, theme, visibility
    password_changed, page.password_hash = new_hash != page.password_hash, new_hash
    with transaction.atomic():
        page.save(update_fields=["title", "theme", "visibility", "password_hash", "updated_at"])
        audit_record(
            action="pages.page.updated",
            target=page,
            actor=actor,
            previous_visibility=previous,
            visibility=visibility,
            theme=theme,
            password_changed=password_changed,  # never the password, nor its hash
        )
    return page


def page_password_matches(page: Page, password: str) -> bool:
    return (
        page.visibility == Page.Visibility.PASSWORD
        and bool(page.password_hash)
        and check_password(password, page.password_hash)
    )


def _delete_files_after_commit(names: list[str]) -> None:
    """Only once the rows are gone for good: a rolled-back delete must not lose the files."""

    def delete() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(delete)


def page_delete(*, page: Page, actor) -> None:
    with transaction.atomic():
        file_names = list(page.blocks.exclude(file="").values_list("file", flat=True))
        audit_record(action="pages.page.deleted", target=page, actor=actor, title=page.title)
        page.delete()
        _delete_files_after_commit(file_names)


# Blocks


@dataclass(frozen=True)
class BlockContent:
    """What a block holds; which fields count depends on its kind (see Block)."""

    text: str = ""
    badge: BackpackBadge | None = None
    collection: Collection | None = None
    file: object | None = None  # an uploaded file


def _lock(page: Page) -> None:
    """One block change at a time per page (the update locks its row), and the page counts as updated."""
    Page.objects.filter(pk=page.pk).update(updated_at=timezone.now())


def _apply(block: Block, content: BlockContent) -> list[str]:
    """Put `content` into `block` as its kind says; returns the names of fields that changed."""
    kind, owner_id = block.kind, block.page.owner_id
    if kind in (Block.Kind.HEADING, Block.Kind.TEXT, Block.Kind.TAG):
        text = " ".join(content.text.split()) if kind != Block.Kind.TEXT else content.text.strip()
        if not text:
            raise ValidationError(_("This block needs some text."))
        block.text = text
        return ["text"]
    if kind == Block.Kind.BADGE:
        if content.badge is None or content.badge.owner_id != owner_id:
            raise ValidationError(_("Choose one of your badges."))
        block.badge = content.badge
        return ["badge"]
    if kind == Block.Kind.COLLECTION:
        if content.collection is None or content.collection.owner_id != owner_id:
            raise ValidationError(_("Choose one of your collections."))
        block.collection = content.collection
        return ["collection"]
    if kind == Block.Kind.FILE:
        block.text = content.text.strip()
        if content.file is None:
            if not block.file:
                raise ValidationError(_("Choose a file."))
            return ["text"]
        block.file_type = files.file_type_check(content.file)
        block.file.save(files.stored_name(content.file.name, block.file_type), content.file, save=False)
        return ["text", "file", "file_type"]
    return []  # a profile card holds nothing of its own


def _saved(block: Block, fields: list[str] | None, previous_file: str = "") -> None:
    """Save the block; a file stored for it is removed again if the database refuses the row."""
    try:
        block.save(update_fields=fields)
    except Exception:
        if block.file and block.file.name != previous_file:
            block.file.delete(save=False)
        raise
    if previous_file and block.file.name != previous_file:
        _delete_files_after_commit([previous_file])


@transaction.atomic
def block_add(*, page: Page, actor, kind: str, content: BlockContent) -> Block:
    if kind not in Block.Kind.values:
        raise ValidationError(_("Choose a kind of block."))
    _lock(page)
    last = page.blocks.order_by("-position").values_list("position", flat=True).first()
    block = Block(page=page, kind=kind, position=0 if last is None else last + 1)
    _apply(block, content)
    _saved(block, None)
    audit_record(action="pages.block.added", target=page, actor=actor, block=block.pk, kind=kind)
    return block


@transaction.atomic
def block_update(*, block: Block, actor, content: BlockContent) -> Block:
    _lock(block.page)
    previous_file = block.file.name
    fields = _apply(block, content)
    if fields:
        _saved(block, fields, previous_file)
    audit_record(
        action="pages.block.updated", target=block.page, actor=actor, block=block.pk, kind=block.kind
    )
    return block


@transaction.atomic
def block_delete(*, block: Block, actor) -> None:
    _lock(block.page)
    page, pk, file_name = block.page, block.pk, block.file.name
    block.delete()
    audit_record(action="pages.block.deleted", target=page, actor=actor, block=pk, kind=block.kind)
    _delete_files_after_commit([file_name])


@transaction.atomic
def block_move(*, block: Block, up: bool, actor) -> None:
    """Swap a block with the one before (up) or after it; positions are renumbered 0, 1, 2… on the way."""
    page = block.page
    _lock(page)
    blocks = list(page.blocks.order_by("position", "id"))
    index = next(i for i, item in enumerate(blocks) if item.pk == block.pk)
    changed = neighbour_swap(blocks, index, up=up)
    if changed is None:
        return  # already first (or last)
    Block.objects.bulk_update(changed, ["position"])
    audit_record(
        action="pages.block.moved", target=page, actor=actor, block=block.pk, direction="up" if up else "down"
    )
