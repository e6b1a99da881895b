"""Forms of the page editor: a page's settings, and one form per kind of block."""

from django import forms
from django.utils.translation import gettext_lazy as _

from besace.pages.models import Block, Page
from besace.pages.selectors import BlockChoices
from besace.pages.services import BlockContent

MAX_TEXT = 20_000


class PageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.ChoiceField(label=_("Theme"), choices=Page.Theme.choices, widget=forms.RadioSelect)
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Page.Visibility.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Others see only the badges and collections of the page that they may see: "
            "a private badge stays hidden, even on a public page."
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("For “Anyone with the password”. Leave empty to keep the current password."),
    )


class BlockForm(forms.Form):
    """The fields of one kind of block; badges, collections and tags are chosen among the owner's."""

    def __init__(self, *args, kind: str, choices: BlockChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self._choices = kind, choices
        if kind == Block.Kind.HEADING:
            self.fields["text"] = forms.CharField(label=_("Heading"), max_length=200)
        elif kind == Block.Kind.TEXT:
            self.fields["text"] = forms.CharField(
                label=_("Text"),
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=_("Markdown is allowed."),
            )
        elif kind == Block.Kind.BADGE:
            self.fields["badge"] = forms.ChoiceField(
                label=_("Badge"),
                choices=[(b.public_id, f"{b.name} ({b.issuer_name})") for b in choices.badges],
            )
        elif kind == Block.Kind.COLLECTION:
            self.fields["collection"] = forms.ChoiceField(
                label=_("Collection"), choices=[(c.public_id, c.name) for c in choices.collections]
            )
        elif kind == Block.Kind.TAG:
            self.fields["text"] = forms.ChoiceField(
                label=_("Tag"),
                choices=[(tag, tag) for tag in choices.tags],
                help_text=_("Your badges with this tag, as it is when the page is seen."),
            )
        elif kind == Block.Kind.FILE:
            self.fields["file"] = forms.FileField(
                label=_("File"),
                required=False,
                help_text=_("An image (PNG, JPEG, GIF or WebP) is shown; a PDF document can be downloaded."),
            )
            self.fields["text"] = forms.CharField(label=_("Caption"), max_length=300, required=False)

    @property
    def available(self) -> bool:
        """False when the owner has nothing to choose from for this kind (no badge, collection or tag)."""
        return all(getattr(f, "choices", True) for f in self.fields.values())

    def content(self) -> BlockContent:
        data = self.cleaned_data
        return BlockContent(
            text=data.get("text", ""),
            badge=next((b for b in self._choices.badges if b.public_id == data.get("badge")), None),
            collection=next(
                (c for c in self._choices.collections if c.public_id == data.get("collection")), None
            ),
            file=data.get("file"),
        )
