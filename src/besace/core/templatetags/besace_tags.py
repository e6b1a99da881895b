from datetime import datetime

from django import template

from besace.core.text import markdown_to_safe_html

register = template.Library()


@register.filter
def markdown(text: str):
    return markdown_to_safe_html(text)


@register.filter
def iso_datetime(value: str | None):
    """An ISO 8601 string (as stored in JSON) as a datetime, for the `date` filter."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
