"""Charts drawn on the server: inline SVG for pages (readable without JavaScript, labelled for screen readers)
and text sparklines for e-mail and Markdown, where SVG does not show."""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BLOCKS = "▁▂▃▄▅▆▇█"
COLOUR = "#1d5fa8"


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
