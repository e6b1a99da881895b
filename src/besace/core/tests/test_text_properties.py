"""Whatever Markdown or HTML a user writes, what Besace shows runs no script."""

import re
from html.parser import HTMLParser

from hypothesis import example, given
from hypothesis import strategies as st

from besace.core.dates import parse_iso_datetime
from besace.core.text import markdown_to_safe_html

# Fragments an attacker mixes into Markdown: tags, handlers, URL schemes, entities, broken markup.
HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//x.example/x.js>",
        "<scr<script>ipt>",
        '<img src=x onerror="alert(1)">',
        "<svg/onload=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](  javascript:alert(1) )",
        "![x](javascript:alert(1))",
        "<javascript:alert(1)>",
        '<p style="x" onclick=alert(1)>',
        "<iframe src=//x.example>",
        "<!--",
        "-->",
        "`<script>`",
        "    <script>",
        "\n\n",
        "*",
        "]",
        "(",
        '"',
        "'",
        "<",
        ">",
        "&",
    ]
)
MARKDOWN = st.lists(HOSTILE | st.text(max_size=20), max_size=12).map("".join)


class Elements(HTMLParser):
    """The tags and attributes a browser would see (escaped text is only text)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def _scheme(url: str) -> str:
    """The scheme a browser reads (WHATWG URL: tabs and line ends dropped anywhere, controls and spaces
    trimmed at the ends); "" for a relative URL."""
    compact = url.translate({9: None, 10: None, 13: None}).strip("".join(map(chr, range(33))))
    scheme, colon, _rest = compact.partition(":")
    return scheme.lower() if colon and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme) else ""


@given(text=MARKDOWN)
@example(text='<a href="javascript:alert(1)" onclick="x">x</a><script>1</script>')
def test_rendered_markdown_holds_no_script_no_handler_no_script_url(text):
    html = markdown_to_safe_html(text)
    for tag, attributes in Elements(html).found:
        assert tag not in ("script", "iframe", "img", "svg", "style", "object"), html
        for name, value in attributes:
            assert not name.startswith("on"), html
            assert name not in ("href", "src") or _scheme(value or "") in ("", "http", "https", "mailto"), (
                html
            )


@given(text=st.text(max_size=300))
def test_any_text_renders(text):
    assert isinstance(markdown_to_safe_html(text), str)


@given(value=st.none() | st.text(max_size=40) | st.datetimes().map(lambda moment: moment.isoformat()))
def test_any_stored_date_text_is_a_datetime_or_none(value):
    parsed = parse_iso_datetime(value)
    assert parsed is None or parsed.isoformat()
