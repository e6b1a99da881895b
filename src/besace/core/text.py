"""User-written text (Markdown) rendered to HTML that is safe to show anywhere."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip


def markdown_to_safe_html(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=["sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
