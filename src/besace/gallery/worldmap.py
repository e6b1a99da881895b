"""The gallery map, drawn offline: shipped country shapes and points (data/README.md), circles sized by
how many people and public badges are placed in each country, each linking to that country's list."""

import json
import math
from functools import cache
from pathlib import Path

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_countries import countries

DATA = Path(__file__).parent / "data"
WIDTH, HEIGHT = 1000, 500  # as data/build.py projects them


@cache
def _shapes() -> SafeString:
    return mark_safe((DATA / "world.svg").read_text())  # noqa: S308 - our own shipped file


@cache
def centroids() -> dict[str, tuple[float, float]]:
    return {code: tuple(point) for code, point in json.loads((DATA / "centroids.json").read_text()).items()}


def project(lon: float, lat: float) -> tuple[float, float]:
    return round((lon + 180) * WIDTH / 360, 1), round((90 - lat) * HEIGHT / 180, 1)


def svg(counts: dict[str, dict[str, int]]) -> SafeString:
    """The world map with one circle per country where people or badges are placed."""
    link = reverse("gallery:map")
    marks = []
    for code, n in sorted(counts.items(), key=lambda item: -(item[1]["people"] + item[1]["badges"])):
        if code not in centroids():
            continue
        x, y = project(*centroids()[code])
        label = _("%(country)s: %(people)s people, %(badges)s public badges") % {
            "country": countries.name(code),
            "people": n["people"],
            "badges": n["badges"],
        }
        radius = round(3 + 2 * math.log2(1 + n["people"] + n["badges"]), 1)
        marks.append((f"{link}?country={code}#country", label, x, y, radius))
    points = format_html_join(
        "",
        '<a href="{}"><title>{}</title><circle class="mark" cx="{}" cy="{}" r="{}"/></a>',
        marks,
    )
    # A group, not an image: an image's content is hidden from screen readers, and these are links.
    return format_html(
        '<svg class="world-map" viewBox="0 0 {} {}" role="group" aria-label="{}">'
        '{}<g class="marks">{}</g></svg>',
        WIDTH,
        HEIGHT,
        _("World map of the people and public badges placed by country"),
        _shapes(),
        points,
    )
