"""The signal sheet as a PDF (fpdf2: pure Python, no browser, no network). Uses the DejaVu font when the system
has it (Debian: fonts-dejavu-core) so every Dutch letter prints; otherwise the built-in Helvetica, with characters
it cannot print (emoji) left out."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fpdf import FPDF

from api.explain import why_lines
from api.i18n import translate
from api.labels import format_day, growth_label, moment_label
from api.signal_sheet import SignalSheet
from monitor_config.vocabulary import PLATFORMS, REVIEW_STATES, SEVERITIES, TREND_STATUSES

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
BLUE = (29, 95, 168)
GREY = (118, 118, 118)
UNPRINTABLE = re.compile("[\U00010000-\U0010ffff\u2600-\u27bf\ufe0f\u200d]")


class SheetPdf(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.unicode = (DEJAVU / "DejaVuSans.ttf").exists() and (DEJAVU / "DejaVuSans-Bold.ttf").exists()
        if self.unicode:
            self.add_font("Sheet", "", str(DEJAVU / "DejaVuSans.ttf"))
            self.add_font("Sheet", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
        self.family = "Sheet" if self.unicode else "helvetica"
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, 16)

    def clean(self, text: Any) -> str:
        value = UNPRINTABLE.sub("", str(text))
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def para(self, text: str, *, size: float = 10, bold: bool = False, height: float = 5.5) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, height, self.clean(text), new_x="LMARGIN", new_y="NEXT")


def render_signal_pdf(sheet: SignalSheet, *, lang: str, zone: Any) -> bytes:
    pdf = SheetPdf()
    pdf.set_title(pdf.clean(f"{translate(lang, 'sheet.title')}: {sheet.label}"))
    pdf.set_creator(sheet.organisation)
    pdf.add_page()
    pdf.para(translate(lang, "sheet.title"), size=10, bold=True)
    pdf.para(sheet.label, size=16, bold=True, height=8)
    pdf.para(_facts(sheet, lang, zone))
    pdf.ln(2)
    _section(pdf, translate(lang, "trend.summary"))
    if sheet.summary_text:
        pdf.para(sheet.summary_text)
    pdf.para(f"{translate(lang, 'trend.keywords')}: {', '.join(sheet.keywords) or '–'}")
    pdf.para(f"Hashtags: {', '.join(sheet.hashtags) or '–'}")
    if sheet.platforms:
        pdf.para(f"{translate(lang, 'trends.platforms')}: " + ", ".join(
            f"{PLATFORMS.label(k, lang)} {v}" for k, v in sorted(sheet.platforms.items(), key=lambda kv: -kv[1])))
    _section(pdf, translate(lang, "trend.why"))
    for text in why_lines(sheet.why_flagged, lang) or [translate(lang, "trend.not_flagged")]:
        pdf.para(text)
    _section(pdf, translate(lang, "sheet.per_day"))
    _chart(pdf, sheet, lang)
    _section(pdf, translate(lang, "sheet.examples"))
    for text in sheet.examples or [translate(lang, "trend.examples.none")]:
        pdf.para(f"“{text}”")
        pdf.ln(1)
    pdf.ln(2)
    pdf.set_text_color(*GREY)
    pdf.para(translate(lang, "sheet.privacy"), size=8.5, height=4.5)
    pdf.para(_footer(sheet, lang, zone), size=8.5, height=4.5)
    return bytes(pdf.output())


def _facts(sheet: SignalSheet, lang: str, zone: Any) -> str:
    parts = [f"{translate(lang, 'trends.category')}: {sheet.category_title or '–'}"]
    if sheet.severity:
        parts.append(f"{translate(lang, 'trend.severity')}: {SEVERITIES.label(sheet.severity, lang)}")
    parts.append(f"{translate(lang, 'trends.status')}: {TREND_STATUSES.label(sheet.status, lang)}"
                 + (f" ({REVIEW_STATES.label(sheet.review_status, lang)})" if sheet.review_status else ""))
    parts.append(translate(lang, "sheet.seen", first=moment_label(sheet.first_seen, zone, lang),
                           last=moment_label(sheet.last_seen, zone, lang)))
    if sheet.emerging_at:
        parts.append(f"{translate(lang, 'trends.emerged')}: {moment_label(sheet.emerging_at, zone, lang)}")
    parts.append(translate(lang, "trend.size", size=sheet.size, authors=sheet.authors))
    parts.append(f"{translate(lang, 'trend.growth')}: {growth_label(sheet.growth, lang)}")
    return "\n".join(parts)


def _section(pdf: SheetPdf, title: str) -> None:
    pdf.ln(2)
    pdf.set_text_color(*BLUE)
    pdf.para(title, size=12, bold=True, height=7)
    pdf.set_text_color(0, 0, 0)


def _chart(pdf: SheetPdf, sheet: SignalSheet, lang: str) -> None:
    """Bars per day with a count axis and the first and last date; days without posts keep a grey mark."""
    x0, width, height = pdf.l_margin + 10, pdf.epw - 10, 32
    y0 = pdf.get_y() + 2
    top = max([sheet.daily.get(d, 0) for d in sheet.days] or [0]) or 1
    pdf.set_font(pdf.family, "", 7.5)
    pdf.set_draw_color(0, 0, 0)
    pdf.line(x0, y0, x0, y0 + height)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    for value, y in ((top, y0), (0, y0 + height)):
        pdf.set_xy(pdf.l_margin, y - 1.5)
        pdf.cell(9, 3, str(value), align="R")
    slot = width / max(1, len(sheet.days))
    for index, day in enumerate(sheet.days):
        value = sheet.daily.get(day, 0)
        bar = max(0.6, value / top * height) if value else 0.6
        pdf.set_fill_color(*(BLUE if value else GREY))
        pdf.rect(x0 + index * slot + slot * 0.15, y0 + height - bar, slot * 0.7, bar, style="F")
    pdf.set_xy(x0, y0 + height + 1)
    pdf.cell(width / 2, 4, pdf.clean(format_day(sheet.days[0], lang)))
    pdf.cell(width / 2, 4, pdf.clean(format_day(sheet.days[-1], lang)), align="R")
    pdf.set_y(y0 + height + 7)
    pdf.para(translate(lang, "sheet.chart_note", total=sum(sheet.daily.values()), days=len(sheet.days)), size=8.5)


def _footer(sheet: SignalSheet, lang: str, zone: Any) -> str:
    until = moment_label(sheet.data_until, zone, lang) if sheet.data_until else "–"
    return translate(lang, "sheet.footer", organisation=sheet.organisation,
                     moment=moment_label(sheet.generated_at, zone, lang), until=until)
