"""The dashboard's trend charts as geometry for an SVG the template draws: no script, no CDN,
every bar and point a link. Sizes are in the SVG's own units (the viewBox); CSS scales it."""

from dataclasses import dataclass, field

from .numbers import vn_number

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 40


@dataclass
class Mark:
    """A bar (x, y, width, height) or a point (x, y), its label and the list it counts."""

    x: float
    y: float
    width: float = 0
    height: float = 0
    value: object = 0
    label: str = ""
    url: str = ""
    kind: str = ""


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    marks: list[Mark] = field(default_factory=list)
    points: str = ""  # the backlog polyline
    ticks: list[tuple[float, str]] = field(default_factory=list)  # y axis
    labels: list[tuple[float, str]] = field(default_factory=list)  # x axis
    baseline: float = HEIGHT - BOTTOM


def _scale(largest):
    """A round top for the y axis and four ticks."""
    top = max(1, largest)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000):
        if step * 4 >= top:
            return step * 4, step
    return top, top / 4


def _ticks(top, step, plot_h):
    return [(TOP + plot_h - plot_h * n * step / top, vn_number(int(n * step))) for n in range(5)]


def monthly_chart(months, *, received_url, closed_url, backlog_url, label) -> Chart:
    """Received and closed bars per month, the backlog at each month's end as a line."""
    chart = Chart()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    largest = max([max(m.received, m.closed, m.backlog) for m in months] or [0])
    top, step = _scale(largest)
    chart.ticks = _ticks(top, step, plot_h)
    slot = plot_w / max(1, len(months))
    bar = max(1.0, slot * 0.35)
    points = []
    every = max(1, len(months) // 12)
    for index, month in enumerate(months):
        x = LEFT + index * slot
        name = label(month)
        for offset, value, kind, url in (
            (0, month.received, "received", received_url(month)),
            (bar, month.closed, "closed", closed_url(month)),
        ):
            height = plot_h * value / top
            left = x + slot * 0.1 + offset
            mark = Mark(left, TOP + plot_h - height, bar, height, value, name, url, kind)
            chart.marks.append(mark)
        y = TOP + plot_h - plot_h * month.backlog / top
        cx = x + slot / 2
        points.append(f"{cx:.1f},{y:.1f}")
        chart.marks.append(Mark(cx, y, 0, 0, month.backlog, name, backlog_url(month), "backlog"))
        if index % every == 0:
            chart.labels.append((cx, name))
    chart.points = " ".join(points)
    return chart


def bar_chart(rows, *, height=200) -> Chart:
    """Vertical bars: rows of (label, value, url)."""
    chart = Chart(height=height)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    chart.baseline = TOP + plot_h
    top, step = _scale(max([value for _label, value, _url in rows] or [0]))
    chart.ticks = _ticks(top, step, plot_h)
    slot = plot_w / max(1, len(rows))
    for index, (label, value, url) in enumerate(rows):
        bar_height = plot_h * (value or 0) / top
        x = LEFT + index * slot + slot * 0.2
        mark = Mark(x, TOP + plot_h - bar_height, slot * 0.6, bar_height, value, label, url, "bar")
        chart.marks.append(mark)
        chart.labels.append((x + slot * 0.3, label))
    return chart
