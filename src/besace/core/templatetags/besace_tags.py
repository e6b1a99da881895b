from django import template

from besace.core.text import markdown_to_safe_html

register = template.Library()


@register.filter
def markdown(text: str):
    return markdown_to_safe_html(text)
