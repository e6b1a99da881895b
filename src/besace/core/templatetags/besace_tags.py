from django import template

from besace.core.dates import parse_iso_datetime
from besace.core.text import markdown_to_safe_html

register = template.Library()


@register.filter
def markdown(text: str):
    return markdown_to_safe_html(text)


@register.filter
def iso_datetime(value: str | None):
    """An ISO 8601 string (as stored in JSON) as a datetime, for the `date` filter."""
    return parse_iso_datetime(value)
