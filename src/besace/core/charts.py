"""Bar charts drawn on the server as SVG: the geometry here, the markup in core/_chart.html.

No script and no inline style (the CSP allows neither): bars and texts carry SVG presentation attributes
and classes that besace/charts.css colours. Every chart shows its numbers and says them in its <desc>.
"""

from dataclasses import dataclass

WIDTH = 640
# Rows are drawn narrower: two such charts stand side by side, and their text must stay readable.
ROW_CHART_WIDTH, ROW_HEIGHT, ROW_LABEL_WIDTH = 440, 34, 150
COLUMN_CHART_HEIGHT, COLUMN_TOP, COLUMN_BOTTOM = 220, 24, 44


@dataclass(frozen=True)
class Point:
    label: str
    value: int
    kind: str = ""  # a class suffix: bars of one kind share a colour
    sublabel: str = ""  # a second line under a column (the year under January)


@dataclass(frozen=True)
class Bar:
    point: Point
    x: float
    y: float
    width: float
    height: float
    value_x: float
    value_y: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    kind: str  # "rows" (horizontal bars) or "columns"
    width: int
    height: int
    bars: list[Bar]

    @property
    def description(self) -> str:
        return "; ".join(
            f"{bar.point.label}{f' {bar.point.sublabel}' if bar.point.sublabel else ''}: {bar.point.value}"
            for bar in self.bars
        )


def _scale(points: list[Point], length: float) -> float:
    """Units per count, so that the largest bar takes `length` (an empty chart draws no bar)."""
    top = max((point.value for point in points), default=0)
    return length / top if top else 0


def row_chart(*, id: str, title: str, points: list[Point]) -> Chart:
    """Horizontal bars, a label on the left, the number at the end of the bar."""
    room = ROW_CHART_WIDTH - ROW_LABEL_WIDTH - 50
    scale = _scale(points, room)
    bars = []
    for index, point in enumerate(points):
        y = index * ROW_HEIGHT + 6
        length = point.value * scale
        bars.append(
            Bar(
                point=point,
                x=ROW_LABEL_WIDTH,
                y=y,
                width=round(length, 1),
                height=ROW_HEIGHT - 12,
                value_x=round(ROW_LABEL_WIDTH + length + 6, 1),
                value_y=y + ROW_HEIGHT / 2 - 1,
                label_x=ROW_LABEL_WIDTH - 8,
                label_y=y + ROW_HEIGHT / 2 - 1,
            )
        )
    height = len(points) * ROW_HEIGHT
    return Chart(id=id, title=title, kind="rows", width=ROW_CHART_WIDTH, height=height, bars=bars)


def column_chart(*, id: str, title: str, points: list[Point]) -> Chart:
    """Vertical bars over time, the number above each bar, its label (and sublabel) below."""
    plot_height = COLUMN_CHART_HEIGHT - COLUMN_TOP - COLUMN_BOTTOM
    scale = _scale(points, plot_height)
    slot = WIDTH / max(len(points), 1)
    baseline = COLUMN_TOP + plot_height
    bars = []
    for index, point in enumerate(points):
        height = point.value * scale
        centre = slot * index + slot / 2
        bars.append(
            Bar(
                point=point,
                x=round(slot * index + slot * 0.15, 1),
                y=round(baseline - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                value_x=round(centre, 1),
                value_y=round(baseline - height - 6, 1),
                label_x=round(centre, 1),
                label_y=baseline + 18,
            )
        )
    return Chart(id=id, title=title, kind="columns", width=WIDTH, height=COLUMN_CHART_HEIGHT, bars=bars)
