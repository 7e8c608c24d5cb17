"""Small inline-SVG charts for the report: bars, grouped bars, lines, forest plot, heatmap.

No plotting library and no network: each function returns one ``<svg>`` element as
:class:`markupsafe.Markup`, ready to drop into an autoescaped Jinja2 template. Every user
string is escaped here, every chart carries a ``<title>`` and ``<desc>`` (``role="img"``,
``aria-labelledby``) and axis labels, and each mark has a ``<title>`` tooltip with its exact
value. Colours come from the Okabe-Ito palette, which stays distinguishable under the common
colour-vision deficiencies. The markup is well-formed XML (checked by the tests).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Okabe & Ito (2008), "Color universal design": safe for deuteranopia, protanopia, tritanopia
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000",
           "#F0E442")
BUCKET_COLORS = {"head": "#0072B2", "medium": "#E69F00", "tail": "#D55E00"}
NEUTRAL = "#7a7a7a"
HIGHLIGHT = "#D55E00"
_SEQUENTIAL = ((0.0, (247, 251, 255)), (0.5, (107, 174, 214)), (1.0, (8, 48, 107)))
_FONT = 12


def sequential_color(value: float) -> str:
    """Colour of ``value`` in [0, 1] on a white-to-dark-blue scale (NaN: light grey).

    Parameters
    ----------
    value : float
        Clipped to [0, 1].

    Returns
    -------
    str
        A ``#rrggbb`` colour.

    Examples
    --------
    >>> from unskew.report._svg import sequential_color
    >>> sequential_color(0.0), sequential_color(1.0), sequential_color(float("nan"))
    ('#f7fbff', '#08306b', '#eeeeee')
    """
    if value is None or not math.isfinite(value):
        return "#eeeeee"
    value = min(max(float(value), 0.0), 1.0)
    for (t0, c0), (t1, c1) in itertools.pairwise(_SEQUENTIAL):
        if value <= t1:
            f = (value - t0) / (t1 - t0)
            rgb = [round(a + (b - a) * f) for a, b in zip(c0, c1, strict=True)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*_SEQUENTIAL[-1][1])


def text_color_on(value: float) -> str:
    """Black or white text, whichever reads better on ``sequential_color(value)``.

    Examples
    --------
    >>> from unskew.report._svg import text_color_on
    >>> text_color_on(0.1), text_color_on(0.9)
    ('#111111', '#ffffff')
    """
    return "#ffffff" if value is not None and math.isfinite(value) and value > 0.55 else "#111111"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] with about ``count`` intervals.

    Examples
    --------
    >>> from unskew.report._svg import nice_ticks
    >>> nice_ticks(0, 1)
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    >>> nice_ticks(0, 37)
    [0.0, 10.0, 20.0, 30.0, 40.0]
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * 0.999)
    start = math.floor(low / step + 1e-9) * step
    stop = math.ceil(high / step - 1e-9) * step
    n = round((stop - start) / step)
    return [round(start + i * step, 12) for i in range(n + 1)]


def _num(x: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _tick_label(value: float, ticks: Sequence[float]) -> str:
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    digits = next(d for d in range(10) if abs(round(step, d) - step) <= 1e-9 * step)
    text = f"{value:,.{digits}f}"
    return "0" if text in ("-0", "-0.0") else text


def _width(text: str, size: float = _FONT) -> float:
    """Rough rendered width of ``text`` in a sans-serif font."""
    return 0.58 * size * len(text)


def _clip(text, limit: int = 28) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Linear:
    """Map a data interval onto a pixel interval."""

    def __init__(self, d0, d1, r0, r1):
        self.d0, self.d1, self.r0, self.r1 = float(d0), float(d1), float(r0), float(r1)
        if self.d1 == self.d0:
            self.d1 = self.d0 + 1.0

    def __call__(self, v):
        return self.r0 + (float(v) - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)


def _svg(uid: str, title: str, desc: str, width: float, height: float, body: list[str]) -> Markup:
    uid = escape(uid)
    head = (f'<svg class="chart" viewBox="0 0 {_num(width)} {_num(height)}" '
            f'width="{_num(width)}" height="{_num(height)}" role="img" '
            f'aria-labelledby="{uid}-title {uid}-desc" font-size="{_FONT}">'
            f'<title id="{uid}-title">{escape(title)}</title>'
            f'<desc id="{uid}-desc">{escape(desc or title)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def _text(x, y, text, *, anchor="start", size=None, weight=None, fill=None, extra="") -> str:
    attrs = f'x="{_num(x)}" y="{_num(y)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if size:
        attrs += f' font-size="{size}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if fill:
        attrs += f' fill="{fill}"'
    return f"<text {attrs}{extra}>{escape(text)}</text>"


def _legend(items: Sequence[tuple[str, str, str]], x0: float, y0: float, max_width: float):
    """Legend swatches laid out in rows; ``items`` are (label, colour, kind) with kind
    "box", "line" or "dash". Returns (markup, height)."""
    if not items:
        return "", 0.0
    parts, x, y = ['<g class="legend">'], x0, y0
    for label, color, kind in items:
        label = _clip(label, 40)
        w = 22 + _width(label) + 14
        if x > x0 and x + w > x0 + max_width:
            x, y = x0, y + 18
        if kind == "box":
            parts.append(f'<rect x="{_num(x)}" y="{_num(y - 9)}" width="12" height="12" '
                         f'fill="{color}"/>')
        else:
            dash = ' stroke-dasharray="5 3"' if kind == "dash" else ""
            parts.append(f'<line x1="{_num(x)}" y1="{_num(y - 3)}" x2="{_num(x + 16)}" '
                         f'y2="{_num(y - 3)}" stroke="{color}" stroke-width="2.5"{dash}/>')
        parts.append(_text(x + 20, y + 1, label))
        x += w
    parts.append("</g>")
    return "".join(parts), y - y0 + 18


def _x_axis(scale: _Linear, ticks, y_top, y_bottom, label, *, fmt=None) -> str:
    parts = ['<g class="axis x">']
    for t in ticks:
        x = scale(t)
        parts.append(f'<line class="grid" x1="{_num(x)}" y1="{_num(y_top)}" x2="{_num(x)}" '
                     f'y2="{_num(y_bottom)}"/>')
        parts.append(_text(x, y_bottom + 15, fmt(t) if fmt else _tick_label(t, ticks),
                           anchor="middle", size=11))
    parts.append(f'<line class="axis-line" x1="{_num(scale.r0)}" y1="{_num(y_bottom)}" '
                 f'x2="{_num(scale.r1)}" y2="{_num(y_bottom)}"/>')
    if label:
        parts.append(_text((scale.r0 + scale.r1) / 2, y_bottom + 34, label, anchor="middle",
                           weight="600"))
    parts.append("</g>")
    return "".join(parts)


def _y_axis(scale: _Linear, ticks, x_left, x_right, label) -> str:
    parts = ['<g class="axis y">']
    for t in ticks:
        y = scale(t)
        parts.append(f'<line class="grid" x1="{_num(x_left)}" y1="{_num(y)}" x2="{_num(x_right)}" '
                     f'y2="{_num(y)}"/>')
        parts.append(_text(x_left - 6, y + 4, _tick_label(t, ticks), anchor="end", size=11))
    parts.append(f'<line class="axis-line" x1="{_num(x_left)}" y1="{_num(scale.r0)}" '
                 f'x2="{_num(x_left)}" y2="{_num(scale.r1)}"/>')
    if label:
        cy = (scale.r0 + scale.r1) / 2
        parts.append(_text(14, cy, label, anchor="middle", weight="600",
                           extra=f' transform="rotate(-90 14 {_num(cy)})"'))
    parts.append("</g>")
    return "".join(parts)


def _finite(values) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def bar_chart(labels, values, *, uid: str, title: str, value_label: str, colors=None,
              legend=None, tooltips=None, value_format: str = "{:,.0f}", desc: str = "",
              width: float = 720) -> Markup:
    """Horizontal bar chart, one bar per label, the value printed at the end of each bar.

    Parameters
    ----------
    labels : sequence of str
        Bar labels, drawn top to bottom.
    values : sequence of float
        Bar lengths (>= 0); NaN draws no bar and prints "n/a".
    uid : str
        Prefix of the element ids (unique in the page).
    title, value_label : str
        Chart title (also the SVG ``<title>``) and the value axis label.
    colors : sequence of str, optional
        One colour per bar; default the first palette colour.
    legend : sequence of (str, str), optional
        ``(label, colour)`` swatches drawn above the bars.
    tooltips : sequence of str, optional
        Extra tooltip text per bar.
    value_format : str, default="{:,.0f}"
        Format of the printed values.
    desc : str, optional
        Longer description for screen readers.
    width : float, default=720
        Width in pixels of the drawing (it scales down with the page).

    Returns
    -------
    markupsafe.Markup
        One ``<svg>`` element.

    Examples
    --------
    >>> from unskew.report._svg import bar_chart
    >>> svg = bar_chart(["negative", "positive"], [1433, 51], uid="counts",
    ...                 title="Rows per class", value_label="rows")
    >>> svg.startswith("<svg") and "<title>negative: 1,433</title>" in svg
    True
    """
    labels = [str(label) for label in labels]
    values = [float(v) if v is not None else math.nan for v in values]
    colors = list(colors) if colors is not None else [PALETTE[0]] * len(values)
    label_w = min(230.0, max([_width(_clip(lb)) for lb in labels] + [40.0]) + 14)
    finite = _finite(values)
    ticks = nice_ticks(0.0, max(finite) if finite else 1.0)
    value_w = max([_width(value_format.format(v)) for v in finite] + [24.0]) + 10
    x = _Linear(0.0, ticks[-1], label_w, width - value_w - 8)
    body = []
    leg, leg_h = _legend([(lb, c, "box") for lb, c in legend or ()], label_w, 16, width - label_w)
    top = 10 + leg_h + (6 if leg_h else 0)
    row = 22.0
    bottom = top + row * len(labels)
    body.append(leg)
    body.append(_x_axis(x, ticks, top, bottom, value_label))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        shown = "n/a" if not math.isfinite(value) else value_format.format(value)
        tip = f"{label}: {shown}" + (f" ({tooltips[i]})" if tooltips and tooltips[i] else "")
        body.append(f'<g class="bar"><title>{escape(tip)}</title>')
        body.append(_text(label_w - 8, y + 15, _clip(label), anchor="end"))
        if math.isfinite(value):
            w = max(x(value) - x(0), 0.0 if value == 0 else 1.0)
            body.append(f'<rect x="{_num(x(0))}" y="{_num(y + 4)}" width="{_num(w)}" '
                        f'height="14" fill="{colors[i]}"/>')
            body.append(_text(x(0) + w + 5, y + 15, shown, size=11))
        else:
            body.append(_text(x(0) + 5, y + 15, shown, size=11, fill=NEUTRAL))
        body.append("</g>")
    return _svg(uid, title, desc, width, bottom + 44, body)


def grouped_bar_chart(groups, series: dict, *, uid: str, title: str, value_label: str,
                      domain=(0.0, 1.0), value_format: str = "{:.2f}", desc: str = "",
                      width: float = 720) -> Markup:
    """Horizontal grouped bars: one block per group, one bar per series inside it.

    Parameters
    ----------
    groups : sequence of str
        Group labels (e.g. classes), top to bottom.
    series : dict
        ``{series name: values aligned with groups}`` (e.g. strategies), one colour each.
    uid, title, value_label : str
        Element id prefix, title and value axis label.
    domain : (float, float), default=(0, 1)
        Value axis range.
    value_format : str, default="{:.2f}"
        Format of the tooltip values.
    desc : str, optional
        Longer description for screen readers.
    width : float, default=720
        Drawing width in pixels.

    Returns
    -------
    markupsafe.Markup

    Examples
    --------
    >>> from unskew.report._svg import grouped_bar_chart
    >>> svg = grouped_bar_chart(["a", "b"], {"none+lr": [0.9, 0.1], "smote+lr": [0.8, 0.6]},
    ...                         uid="recall", title="Recall per class", value_label="recall")
    >>> svg.count("<rect") >= 4
    True
    """
    groups = [str(g) for g in groups]
    names = list(series)
    label_w = min(230.0, max([_width(_clip(g)) for g in groups] + [40.0]) + 14)
    leg, leg_h = _legend([(n, PALETTE[i % len(PALETTE)], "box") for i, n in enumerate(names)],
                         label_w, 16, width - label_w)
    top = 10 + leg_h + 6
    bar, gap = 9.0, 10.0
    block = bar * len(names) + gap
    bottom = top + block * len(groups)
    ticks = nice_ticks(*domain)
    x = _Linear(ticks[0], ticks[-1], label_w, width - 16)
    body = [leg, _x_axis(x, ticks, top, bottom, value_label)]
    for gi, group in enumerate(groups):
        y0 = top + gi * block + gap / 2
        body.append(_text(label_w - 8, y0 + bar * len(names) / 2 + 4, _clip(group),
                          anchor="end"))
        for si, name in enumerate(names):
            value = series[name][gi]
            value = math.nan if value is None else float(value)
            y = y0 + si * bar
            shown = "n/a" if not math.isfinite(value) else value_format.format(value)
            w = max(x(value) - x(ticks[0]), 1.0) if math.isfinite(value) else 0.0
            body.append(f'<rect x="{_num(x(ticks[0]))}" y="{_num(y)}" width="{_num(w)}" '
                        f'height="{_num(bar - 1)}" fill="{PALETTE[si % len(PALETTE)]}">'
                        f"<title>{escape(f'{group}, {name}: {shown}')}</title></rect>")
    return _svg(uid, title, desc, width, bottom + 44, body)


@dataclass(frozen=True)
class Line:
    """One series of :func:`line_chart`.

    Attributes
    ----------
    name : str
        Legend label.
    x, y : sequence of float
        Coordinates in data units.
    color : str
        Stroke colour.
    dash : bool
        Dashed stroke.
    step : bool
        Draw as a "post" step function (precision-recall curves).
    markers : bool
        Draw a dot at each point.
    point_titles : sequence of str, optional
        Tooltip of each marker.
    point_labels : sequence of str, optional
        Small text printed next to each marker (e.g. bin counts).
    """

    name: str
    x: Sequence[float]
    y: Sequence[float]
    color: str = PALETTE[0]
    dash: bool = False
    step: bool = False
    markers: bool = False
    point_titles: Sequence[str] | None = None
    point_labels: Sequence[str] | None = None


def _path(points, step: bool) -> str:
    out = []
    prev = None
    for px, py in points:
        if prev is None:
            out.append(f"M{_num(px)} {_num(py)}")
        elif step:
            out.append(f"H{_num(px)}V{_num(py)}")
        else:
            out.append(f"L{_num(px)} {_num(py)}")
        prev = (px, py)
    return "".join(out)


def _text_box(x: float, y: float, text: str, size: float, anchor: str):
    """Rough bounding box ``(x0, y0, x1, y1)`` of a text drawn with its baseline at ``y``."""
    w = _width(text, size)
    x0 = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
    return (x0, y - 0.8 * size, x0 + w, y + 0.25 * size)


def _overlap(a, b) -> float:
    """Area shared by two boxes ``(x0, y0, x1, y1)``."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


# Where a label may sit around its marker, in order of preference for each side.
_LABEL_ORDER = {
    None: ("up-right", "up", "right", "up-left", "down-right", "down", "left", "down-left"),
    "up-left": ("up-left", "up", "left", "up-right", "down-left", "down", "right",
                "down-right"),
    "down-right": ("down-right", "down", "right", "down-left", "up-right", "up", "left",
                   "up-left"),
}


def place_labels(points, labels, box, *, radius: float = 4.0, size: float = 10.0,
                 prefer=None) -> list[tuple[float, float, str]]:
    """Put a short text beside each marker, inside ``box`` and clear of every marker.

    Each label tries eight spots around its marker (above, below, beside, diagonally), in an
    order that starts on its preferred side, then the same spots twice and three times as far
    out, and takes the first that lies inside ``box`` and covers no marker and no label placed
    before it; failing that, the spot inside ``box`` that covers the least. A label near the
    top edge therefore flips below its point, one near the right edge turns to the left, and
    one among crowded points moves out of the crowd.

    Parameters
    ----------
    points : sequence of (float, float)
        Marker centres in pixels.
    labels : sequence of str
        One text per point.
    box : (float, float, float, float)
        ``(x0, y0, x1, y1)``: the area the text must stay in (the plot area).
    radius : float, default=4
        Marker radius in pixels.
    size : float, default=10
        Font size of the labels.
    prefer : sequence of {"up-left", "down-right", None}, optional
        Side to try first for each point (e.g. away from the diagonal of a reliability
        diagram); by default up and to the right.

    Returns
    -------
    list of (float, float, str)
        For each label, its ``x``, baseline ``y`` and ``text-anchor``.

    Examples
    --------
    >>> from unskew.report._svg import place_labels
    >>> place_labels([(50, 100), (50, 10)], ["12", "3,401"], (0, 10, 200, 200))
    [(58.0, 92.0, 'start'), (58.0, 26.0, 'start')]
    """
    def spots(gap):
        below = gap + 0.8 * size
        return {"up-right": (gap, -gap, "start"), "up": (0.0, -gap, "middle"),
                "up-left": (-gap, -gap, "end"), "right": (gap + 2, 0.3 * size, "start"),
                "left": (-gap - 2, 0.3 * size, "end"), "down-right": (gap, below, "start"),
                "down": (0.0, below, "middle"), "down-left": (-gap, below, "end")}

    rings = [spots((radius + 4.0) * k) for k in (1, 2, 3)]
    below = radius + 4.0 + 0.8 * size
    markers = [(px - radius - 1, py - radius - 1, px + radius + 1, py + radius + 1)
               for px, py in points]
    placed, taken = [], []
    for i, ((px, py), text) in enumerate(zip(points, labels, strict=True)):
        side = prefer[i] if prefer is not None else None
        order = _LABEL_ORDER.get(side, _LABEL_ORDER[None])
        best, best_cost = None, math.inf
        for ring, name in ((r, n) for r in rings for n in order):
            dx, dy, anchor = ring[name]
            spot = (px + dx, py + dy, anchor)
            rect = _text_box(*spot[:2], str(text), size, anchor)
            # fonts differ: keep a margin so a slightly wider rendering still fits the box
            pad = max(1.5, 0.03 * size * len(str(text)))
            if rect[0] - pad < box[0] or rect[1] - 0.5 < box[1] or rect[2] + pad > box[2] \
                    or rect[3] + 0.5 > box[3]:
                continue
            cost = sum(_overlap(rect, other) for other in (*markers, *taken))
            if cost < best_cost:
                best, best_cost = (spot, rect), cost
            if cost == 0:
                break
        if best is None:  # wider than the box: start at its left edge, below the point
            spot = (box[0], min(py + below, box[3]), "start")
            best = (spot, _text_box(*spot[:2], str(text), size, "start"))
        placed.append(best[0])
        taken.append(best[1])
    return placed


def line_chart(lines: Sequence[Line], *, uid: str, title: str, x_label: str, y_label: str,
               x_domain=(0.0, 1.0), y_domain=(0.0, 1.0), vlines=(), hlines=(),
               diagonal: bool = False, desc: str = "", width: float = 560,
               height: float = 400) -> Markup:
    """Lines (and optional markers) on linear axes, with reference lines and a legend.

    Parameters
    ----------
    lines : sequence of Line
        The series.
    uid, title, x_label, y_label : str
        Element id prefix, title and axis labels.
    x_domain, y_domain : (float, float), default=(0, 1)
        Axis ranges.
    vlines, hlines : sequence of (float, str, str)
        Vertical / horizontal dashed reference lines as ``(position, label, colour)``.
    diagonal : bool, default=False
        Draw the dotted ``y = x`` line (perfect calibration).
    desc : str, optional
        Longer description for screen readers.
    width, height : float
        Drawing size in pixels.

    Returns
    -------
    markupsafe.Markup

    Examples
    --------
    >>> from unskew.report._svg import Line, line_chart
    >>> svg = line_chart([Line("model", [0, 0.5, 1], [1, 0.6, 0.2])], uid="pr",
    ...                  title="Precision-recall", x_label="recall", y_label="precision")
    >>> "<path" in svg and "recall" in svg
    True
    """
    left, right = 58.0, 16.0
    extra = [(label, color, "dash") for _, label, color in (*vlines, *hlines) if label]
    leg, leg_h = _legend([(ln.name, ln.color, "dash" if ln.dash else "line") for ln in lines
                          if ln.name] + extra, left, 16, width - left - right)
    top = 10 + leg_h + 8
    bottom = height - 50
    x = _Linear(*x_domain, left, width - right)
    y = _Linear(*y_domain, bottom, top)
    xt = nice_ticks(*x_domain)
    yt = nice_ticks(*y_domain)
    body = [leg, _x_axis(x, xt, top, bottom, x_label), _y_axis(y, yt, left, width - right,
                                                               y_label)]
    body.append(f'<clipPath id="{escape(uid)}-clip"><rect x="{_num(left)}" y="{_num(top - 4)}" '
                f'width="{_num(width - left - right + 4)}" height="{_num(bottom - top + 8)}"/>'
                "</clipPath>")
    body.append(f'<g clip-path="url(#{escape(uid)}-clip)">')
    if diagonal:
        lo = max(x_domain[0], y_domain[0])
        hi = min(x_domain[1], y_domain[1])
        body.append(f'<line class="ref" x1="{_num(x(lo))}" y1="{_num(y(lo))}" x2="{_num(x(hi))}" '
                    f'y2="{_num(y(hi))}" stroke="{NEUTRAL}" stroke-dasharray="2 3">'
                    "<title>perfect calibration</title></line>")
    for pos, label, color in vlines:
        body.append(f'<line class="ref" x1="{_num(x(pos))}" y1="{_num(top)}" x2="{_num(x(pos))}" '
                    f'y2="{_num(bottom)}" stroke="{color}" stroke-dasharray="5 3">'
                    f"<title>{escape(label)}</title></line>")
    for pos, label, color in hlines:
        body.append(f'<line class="ref" x1="{_num(left)}" y1="{_num(y(pos))}" '
                    f'x2="{_num(width - right)}" y2="{_num(y(pos))}" stroke="{color}" '
                    f'stroke-dasharray="5 3"><title>{escape(label)}</title></line>')
    for ln in lines:
        pts = [(x(a), y(b)) for a, b in zip(ln.x, ln.y, strict=True)
               if math.isfinite(float(a)) and math.isfinite(float(b))]
        if not pts:
            continue
        dash = ' stroke-dasharray="6 4"' if ln.dash else ""
        body.append(f'<g class="series"><title>{escape(ln.name)}</title>'
                    f'<path d="{_path(pts, ln.step)}" fill="none" stroke="{ln.color}" '
                    f'stroke-width="2" stroke-linejoin="round"{dash}/></g>')
        if ln.markers:
            for i, (px, py) in enumerate(pts):
                tip = ln.point_titles[i] if ln.point_titles else ""
                body.append(f'<circle cx="{_num(px)}" cy="{_num(py)}" r="4" fill="{ln.color}" '
                            f'stroke="#ffffff" stroke-width="1"><title>{escape(tip)}</title>'
                            "</circle>")
    body.append("</g>")
    # point labels outside the clip, placed clear of the markers and inside the plot area
    for ln in lines:
        if not (ln.markers and ln.point_labels):
            continue
        kept = [(float(a), float(b), str(t)) for a, b, t in zip(ln.x, ln.y, ln.point_labels,
                                                                strict=True)
                if math.isfinite(float(a)) and math.isfinite(float(b))]
        prefer = [("up-left" if b >= a else "down-right") if diagonal else None
                  for a, b, _ in kept]
        spots = place_labels([(x(a), y(b)) for a, b, _ in kept], [t for *_, t in kept],
                             (left, top, width - right, bottom), prefer=prefer)
        body.extend(_text(sx, sy, t, anchor=anchor, size=10, fill="#444444",
                          extra=' class="point-label"')
                    for (sx, sy, anchor), (*_, t) in zip(spots, kept, strict=True))
    return _svg(uid, title, desc, width, height, body)


def _axis_ticks(domain, limits):
    """Round ticks over ``domain`` and the axis ends, neither past ``limits``."""
    ticks = nice_ticks(*domain)
    lo, hi = limits
    kept = [t for t in ticks if lo - 1e-9 <= t <= hi + 1e-9] or ticks
    return kept, max(ticks[0], lo), min(ticks[-1], hi)


def _edge_arrow(x: float, cy: float, direction: int, color: str) -> str:
    """A small triangle inside an axis end pointing out of it (``direction`` -1 left, +1
    right)."""
    base = x - 7 * direction
    return (f'<path class="off-axis" d="M{_num(base)} {_num(cy - 5)}L{_num(x)} {_num(cy)}'
            f'L{_num(base)} {_num(cy + 5)}Z" fill="{color}"/>')


def forest_plot(labels, means, lows, highs, *, uid: str, title: str, x_label: str,
                highlight=None, notes=None, muted=None, domain=None,
                limits=(-math.inf, math.inf), value_format: str = "{:.3f}", desc: str = "",
                width: float = 720) -> Markup:
    """Point estimates with confidence-interval whiskers, one row per label.

    The axis covers ``domain`` (by default every finite value) rounded out to ticks, but never
    past ``limits``, the range the metric can take. A whisker or estimate beyond the axis is
    cut at its end and marked there with a triangle; its exact value stays in the row's text
    and tooltip.

    Parameters
    ----------
    labels : sequence of str
        Row labels (strategies), top to bottom.
    means, lows, highs : sequence of float
        Estimate and interval bounds; a NaN row prints its note instead.
    uid, title, x_label : str
        Element id prefix, title and axis label.
    highlight : str, optional
        Label drawn in the highlight colour with a dashed reference line at its estimate.
    notes : dict, optional
        ``{label: text}`` shown on rows without an estimate (e.g. "failed").
    muted : dict, optional
        ``{label: reason}`` of rows drawn in grey with a hollow marker and the reason in their
        tooltip (e.g. degenerate strategies, which the caller leaves out of ``domain``).
    domain : (float, float), optional
        The span of values the axis must show.
    limits : (float, float), default=(-inf, inf)
        The metric's range: the axis never runs past it (e.g. (0, 1) for an F1 score).
    value_format : str, default="{:.3f}"
        Format of the printed values.
    desc : str, optional
        Longer description for screen readers.
    width : float, default=720
        Drawing width in pixels.

    Returns
    -------
    markupsafe.Markup

    Examples
    --------
    >>> from unskew.report._svg import forest_plot
    >>> svg = forest_plot(["smote+lr", "none+lr"], [0.8, 0.6], [0.7, 0.5], [0.9, 0.7],
    ...                   uid="ci", title="macro F1", x_label="macro F1", highlight="smote+lr")
    >>> "smote+lr: 0.800 [0.700, 0.900]" in svg
    True
    >>> svg = forest_plot(["a"], [0.97], [0.9], [1.04], uid="ci", title="F1", x_label="F1",
    ...                   limits=(0.0, 1.0))
    >>> ">1.00</text>" in svg, ">1.05</text>" in svg, 'class="off-axis"' in svg
    (True, False, True)
    """
    labels = [str(lb) for lb in labels]
    notes = notes or {}
    muted = {str(k): str(v) for k, v in (muted or {}).items()}
    label_w = min(230.0, max([_width(_clip(lb)) for lb in labels] + [40.0]) + 14)
    value_w = _width("0.000 [0.000, 0.000]", 11) + 14
    if domain is None:
        finite = _finite([*lows, *highs, *means])
        lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
        pad = (hi - lo) * 0.05 or 0.05
        domain = (lo - pad, hi + pad)
    ticks, axis_lo, axis_hi = _axis_ticks(domain, limits)
    x = _Linear(axis_lo, axis_hi, label_w, width - value_w)
    row = 24.0
    top = 12.0
    bottom = top + row * len(labels)
    body = [_x_axis(x, ticks, top, bottom, x_label)]
    if highlight in labels:
        ref = float(means[labels.index(highlight)])
        if math.isfinite(ref) and axis_lo <= ref <= axis_hi:
            body.append(f'<line class="ref" x1="{_num(x(ref))}" y1="{_num(top)}" '
                        f'x2="{_num(x(ref))}" y2="{_num(bottom)}" stroke="{HIGHLIGHT}" '
                        f'stroke-dasharray="4 3"><title>{escape(highlight)} estimate</title>'
                        "</line>")

    def at(v):  # pixel position, held to the axis
        return x(min(max(v, axis_lo), axis_hi))

    for i, label in enumerate(labels):
        cy = top + i * row + row / 2
        m, a, b = (float(v) if v is not None else math.nan for v in (means[i], lows[i], highs[i]))
        best = label == highlight
        grey = label in muted
        color = NEUTRAL if grey else HIGHLIGHT if best else PALETTE[0]
        body.append(f'<g class="row{" muted" if grey else ""}">')
        body.append(_text(label_w - 8, cy + 4, _clip(label), anchor="end",
                          weight="700" if best else None, fill=NEUTRAL if grey else None,
                          extra=' font-style="italic"' if grey else ""))
        if math.isfinite(m):
            text = value_format.format(m)
            if math.isfinite(a) and math.isfinite(b):
                text += f" [{value_format.format(a)}, {value_format.format(b)}]"
                if b >= axis_lo and a <= axis_hi:
                    body.append(f'<line x1="{_num(at(a))}" y1="{_num(cy)}" x2="{_num(at(b))}" '
                                f'y2="{_num(cy)}" stroke="{color}" stroke-width="2"/>')
                for end in (a, b):
                    if axis_lo <= end <= axis_hi:
                        body.append(f'<line x1="{_num(x(end))}" y1="{_num(cy - 5)}" '
                                    f'x2="{_num(x(end))}" y2="{_num(cy + 5)}" '
                                    f'stroke="{color}" stroke-width="2"/>')
            tip = f"{label}: {text}" + (f" ({muted[label]})" if grey else "")
            off = [v for v in (a, m, b) if math.isfinite(v)]
            if min(off) < axis_lo:
                body.append(_edge_arrow(x(axis_lo), cy, -1, color))
            if max(off) > axis_hi:
                body.append(_edge_arrow(x(axis_hi), cy, 1, color))
            if axis_lo <= m <= axis_hi:
                fill = f'fill="#ffffff" stroke="{color}" stroke-width="2"' if grey else (
                    f'fill="{color}"')
                body.append(f'<rect x="{_num(x(m) - 5)}" y="{_num(cy - 5)}" width="10" '
                            f'height="10" {fill}><title>{escape(tip)}</title></rect>')
            else:
                body.append(f"<title>{escape(tip)}</title>")
            body.append(_text(width - value_w + 8, cy + 4, text, size=11,
                              fill=NEUTRAL if grey else None))
        else:
            note = notes.get(label, "no estimate")
            body.append(_text(x.r0 + 6, cy + 4, note, fill=NEUTRAL,
                              extra=' font-style="italic"'))
            body.append(f"<title>{escape(f'{label}: {note}')}</title>")
        body.append("</g>")
    return _svg(uid, title, desc, width, bottom + 44, body)


def heatmap(row_labels, col_labels, counts, *, uid: str, title: str, x_label: str,
            y_label: str, desc: str = "") -> Markup:
    """Matrix of counts shaded by each row's share, e.g. a confusion matrix.

    Each cell prints its count and its share of the row (for a confusion matrix with true
    classes in rows: the recall on the diagonal).

    Parameters
    ----------
    row_labels, col_labels : sequence of str
        Labels of the rows and columns.
    counts : array-like of shape (n_rows, n_cols)
        Non-negative counts.
    uid, title, x_label, y_label : str
        Element id prefix, title and axis labels (columns, rows).
    desc : str, optional
        Longer description for screen readers.

    Returns
    -------
    markupsafe.Markup

    Examples
    --------
    >>> from unskew.report._svg import heatmap
    >>> svg = heatmap(["neg", "pos"], ["neg", "pos"], [[90, 10], [3, 7]], uid="cm",
    ...               title="Confusion matrix", x_label="predicted", y_label="true")
    >>> "true pos, predicted pos: 7 (70.0% of the row)" in svg
    True
    """
    rows = [[float(v) for v in r] for r in counts]
    row_labels = [str(r) for r in row_labels]
    col_labels = [str(c) for c in col_labels]
    n_r, n_c = len(row_labels), len(col_labels)
    cell = max(34.0, min(96.0, 480.0 / max(n_c, 1)))
    label_w = min(200.0, max([_width(_clip(lb, 22)) for lb in row_labels] + [30.0]) + 12)
    col_fit = max([_width(_clip(lb, 22), 11) for lb in col_labels] + [0.0]) <= cell - 4
    col_h = 22.0 if col_fit else min(130.0, max(_width(_clip(lb, 22), 11) for lb in col_labels)
                                     * 0.75 + 16)
    left = 30.0 + label_w
    top = 10.0
    grid_bottom = top + cell * n_r
    width = left + cell * n_c + 16
    height = grid_bottom + col_h + 28
    body = []
    for i, label in enumerate(row_labels):
        total = sum(rows[i])
        body.append(_text(left - 6, top + i * cell + cell / 2 + 4, _clip(label, 22),
                          anchor="end"))
        for j, col in enumerate(col_labels):
            v = rows[i][j]
            share = v / total if total else math.nan
            fill = sequential_color(share)
            cx, cy = left + j * cell, top + i * cell
            share_txt = "n/a" if not math.isfinite(share) else f"{share:.1%}"
            tip = f"{y_label} {label}, {x_label} {col}: {v:,.0f} ({share_txt} of the row)"
            stroke = ' stroke="#111111" stroke-width="1.5"' if i == j and n_r == n_c else (
                ' stroke="#ffffff" stroke-width="1"')
            body.append(f'<g class="cell"><title>{escape(tip)}</title>'
                        f'<rect x="{_num(cx)}" y="{_num(cy)}" width="{_num(cell)}" '
                        f'height="{_num(cell)}" fill="{fill}"{stroke}/>')
            ink = text_color_on(share)
            size = 12 if cell >= 48 else 10
            if cell >= 44:
                body.append(_text(cx + cell / 2, cy + cell / 2 - 1, f"{v:,.0f}", anchor="middle",
                                  size=size, weight="600", fill=ink))
                if math.isfinite(share):
                    body.append(_text(cx + cell / 2, cy + cell / 2 + 12, f"{share:.0%}",
                                      anchor="middle", size=9, fill=ink))
            else:
                body.append(_text(cx + cell / 2, cy + cell / 2 + 4, f"{v:,.0f}", anchor="middle",
                                  size=size, fill=ink))
            body.append("</g>")
    for j, col in enumerate(col_labels):
        cx = left + j * cell + cell / 2
        if col_fit:
            body.append(_text(cx, grid_bottom + 15, _clip(col, 22), anchor="middle", size=11))
        else:
            body.append(_text(cx, grid_bottom + 10, _clip(col, 22), anchor="end", size=11,
                              extra=f' transform="rotate(-40 {_num(cx)} '
                                    f'{_num(grid_bottom + 10)})"'))
    body.append(_text(left + cell * n_c / 2, grid_bottom + col_h + 18, x_label, anchor="middle",
                      weight="600"))
    cy = top + cell * n_r / 2
    body.append(_text(14, cy, y_label, anchor="middle", weight="600",
                      extra=f' transform="rotate(-90 14 {_num(cy)})"'))
    return _svg(uid, title, desc, width, height, body)
