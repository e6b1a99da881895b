"""The views other sites may frame (badge and page embeds); every other page refuses framing."""

from csp.decorators import csp_replace
from django.views.decorators.clickjacking import xframe_options_exempt


def embeddable(view):
    """Framed by any site: no X-Frame-Options, and CSP frame-ancestors * instead of 'none'."""
    return xframe_options_exempt(csp_replace({"frame-ancestors": ["*"]})(view))
