"""Charts drawn on the server: inline SVG for pages (readable without JavaScript, labelled for screen readers)
and text sparklines for e-mail and Markdown, where SVG does not show."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

from babel.dates import format_date
from markupsafe import Markup, escape

from api.i18n import translate

BLOCKS = "▁▂▃▄▅▆▇█"
COLOUR = "#1d5fa8"
GAP_COLOUR = "#767676"
NO_DATA_FILL = "#ececec"
TEXT_COLOUR = "#1a1a1a"


def sparkline_text(values: Sequence[int]) -> str:
    if not values:
        return ""
    top = max(values) or 1
    return "".join(BLOCKS[0] if v <= 0 else BLOCKS[min(len(BLOCKS) - 1, round(v / top * (len(BLOCKS) - 1)))]
                   for v in values)


def sparkline_svg(values: Sequence[int], *, label: str, width: int = 120, height: int = 28) -> Markup:
    """A line of the values; the label (for example 'Berichten per dag: 0, 3, 9') is what a screen reader says."""
    if not values:
        return Markup("")
    top = max(values) or 1
    step = width / max(1, len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - v / top * (height - 4):.1f}" for i, v in enumerate(values))
    return Markup(
        f'<svg class="sparkline" role="img" aria-label="{escape(label)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
        f'<polyline fill="none" stroke="{COLOUR}" stroke-width="2" points="{points}"/></svg>'
    )


def bar_chart_svg(bars: Sequence[tuple[str, int]], *, label: str, width: int = 640, height: int = 160) -> Markup:
    """Vertical bars, one per (name, value); each bar carries its own title for pointer users."""
    if not bars:
        return Markup("")
    top = max(value for _, value in bars) or 1
    slot = width / len(bars)
    gap = min(4.0, slot * 0.2)
    rects = []
    for index, (name, value) in enumerate(bars):
        bar_height = value / top * (height - 20)
        rects.append(
            f'<rect x="{index * slot + gap / 2:.1f}" y="{height - bar_height:.1f}" width="{slot - gap:.1f}" '
            f'height="{bar_height:.1f}" fill="{COLOUR}"><title>{escape(name)}: {value}</title></rect>'
        )
    return Markup(
        f'<svg class="bars" role="img" aria-label="{escape(label)}" width="100%" height="{height}" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">'
        f'<title>{escape(label)}</title>{"".join(rects)}</svg>'
    )


def nice_top(value: int) -> int:
    """The axis maximum: 1, 2 or 5 times a power of ten, at least `value` (and at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def day_chart_svg(days: Sequence[date], values: Mapping[date, int], *, label: str, lang: str = "nl",
                  covered: tuple[date, date] | None = None, width: int = 600, height: int = 230) -> Markup:
    """Posts per day as bars with a count axis and date labels. A day without posts keeps a visible mark on the
    axis; a day outside `covered` (before the first or after the last collected data) is a grey band "no data",
    so an empty stretch is never mistaken for a quiet one. `label` is what a screen reader says."""
    if not days:
        return Markup("")
    no_data, zero = translate(lang, "chart.no_data"), translate(lang, "chart.zero")
    left, right, top_margin, bottom = 46, 10, 14, 44
    plot_w, plot_h = width - left - right, height - top_margin - bottom
    top = nice_top(max((values.get(day, 0) for day in days), default=0))
    slot = plot_w / len(days)
    gap = min(3.0, slot * 0.2)
    parts = [f'<rect x="{left}" y="{top_margin}" width="{plot_w}" height="{plot_h}" fill="#fff"/>']
    for fraction in (0, 0.5, 1):
        y = top_margin + plot_h - fraction * plot_h
        tick = top * fraction
        text = f"{tick:g}" if lang == "en" else f"{tick:g}".replace(".", ",")
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d0d0"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="13" fill="{TEXT_COLOUR}">'
                     f'{text}</text>')
    missing = False
    for index, day in enumerate(days):
        x = left + index * slot + gap / 2
        day_text = format_date(day, "d MMMM", locale="en" if lang == "en" else "nl")
        if covered is not None and not covered[0] <= day <= covered[1]:
            missing = True
            parts.append(f'<rect x="{left + index * slot:.1f}" y="{top_margin}" width="{slot:.1f}" height="{plot_h}" '
                         f'fill="{NO_DATA_FILL}"><title>{escape(day_text)}: '
                         f'{no_data}</title></rect>')
            continue
        value = values.get(day, 0)
        if value == 0:
            parts.append(f'<rect x="{x:.1f}" y="{top_margin + plot_h - 3}" width="{slot - gap:.1f}" height="3" '
                         f'fill="{GAP_COLOUR}"><title>{escape(day_text)}: {zero}</title></rect>')
            continue
        bar = value / top * plot_h
        parts.append(f'<rect x="{x:.1f}" y="{top_margin + plot_h - bar:.1f}" width="{slot - gap:.1f}" '
                     f'height="{bar:.1f}" fill="{COLOUR}"><title>{escape(day_text)}: {value}</title></rect>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top_margin + plot_h}" y2="{top_margin + plot_h}" '
                 f'stroke="{TEXT_COLOUR}"/><line x1="{left}" x2="{left}" y1="{top_margin}" '
                 f'y2="{top_margin + plot_h}" stroke="{TEXT_COLOUR}"/>')
    step = max(1, math.ceil(len(days) / 6))
    for index in range(0, len(days), step):
        x = left + (index + 0.5) * slot
        text = format_date(days[index], "d MMM", locale="en" if lang == "en" else "nl")
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_margin + plot_h}" y2="{top_margin + plot_h + 5}" '
                     f'stroke="{TEXT_COLOUR}"/><text x="{x:.1f}" y="{top_margin + plot_h + 20}" text-anchor="middle" '
                     f'font-size="13" fill="{TEXT_COLOUR}">{escape(text)}</text>')
    if missing:
        legend_y = height - 8
        parts.append(f'<rect x="{left}" y="{legend_y - 10}" width="12" height="12" fill="{NO_DATA_FILL}" '
                     f'stroke="#bbb"/><text x="{left + 18}" y="{legend_y}" font-size="13" fill="{TEXT_COLOUR}">'
                     f'{no_data}</text>')
    return Markup(
        f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>{"".join(parts)}</svg>'
    )
