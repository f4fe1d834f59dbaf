"""Dutch words the web pages show for the product's codes (statuses, lineage, why-flagged figures)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from api.digest.i18n import format_day

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

STATUS_NL = {"new": "Nieuw", "emerging": "Opkomend", "active": "Actief", "fading": "Afnemend", "dormant": "Slapend"}
SEVERITY_NL = {"low": "laag", "medium": "gemiddeld", "high": "hoog", "critical": "kritiek"}
# (relation, the side this trend is on) -> what happened, followed by the other trend's name
LINEAGE_NL = {("split", "child"): "Afgesplitst van", ("split", "parent"): "Hiervan splitste zich af:",
              ("merge", "child"): "Opgegaan in", ("merge", "parent"): "Hierin is opgegaan:"}
REVIEW_NL = {"pending": "wacht op beoordeling", "confirmed": "bevestigd", "watch": "blijven volgen",
             "dismissed": "afgewezen"}
# Figures in the classifier's why_flagged; unknown keys are shown as they are.
FIGURE_NL = {
    "window": "Venster", "thresholds": "Drempels", "crossed": "Overschreden drempels", "start": "Begin",
    "posts": "Berichten", "authors": "Auteurs", "signal": "Signaal (auteurs)", "burst": "Piekscore",
    "burst_score": "Piekscore", "burst_z": "Piekscore (z)", "growth": "Groei", "min_growth": "Minimale groei",
    "min_authors": "Minimaal aantal auteurs", "baseline_span": "Vergelijkingsperiode", "threshold": "Drempel",
    "platforms": "Platforms", "sources": "Bronnen", "expected": "Verwacht",
}


def status_nl(status: str | None) -> str:
    return STATUS_NL.get(status or "", status or "onbekend")


def figure_nl(key: object) -> str:
    return FIGURE_NL.get(str(key), str(key))


def moment_nl(moment: datetime | None) -> str:
    """'18 november 2026, 13:00' in Amsterdam time."""
    if moment is None:
        return "–"
    local = moment.astimezone(AMSTERDAM)
    return f"{format_day(local.date(), 'nl')}, {local:%H:%M}"


def growth_nl(growth: float | None) -> str:
    if growth is None:
        return "–"
    return f"×{growth:.1f}".replace(".", ",")  # a ratio against the trend's own baseline


LABEL_FILTERS = {"status_nl": status_nl, "figure_nl": figure_nl, "moment_nl": moment_nl, "growth_nl": growth_nl,
                 "severity_nl": lambda s: SEVERITY_NL.get(s or "", s or "–"),
                 "lineage_nl": lambda link: LINEAGE_NL.get((link.relation, link.side), f"{link.relation}:"), "review_nl": lambda r: REVIEW_NL.get(r, r)}
