"""Lifecycle of a trend, decided once per window: new -> emerging -> active -> fading -> dormant.

    emerging  after the warm-up, the window's distinct voices reach `min_authors`, its burst score reaches
              `burst_z` and its growth reaches `min_growth` against its own baseline
    dormant   no post for `dormant_span`
    new       born in this window without a burst
    fading    the window's signal fell below `fading_ratio` of the trend's peak
    active    otherwise
A trend's `emerging_at` is the start of the window of its first emerging flag, and `flagged` keeps the
figures and thresholds that made it so. A trend that changed in this step (born, grown late, split off) is
also judged on the previous window, since its posts may have waited in the buffer: the flag still carries
the current window's start, and `flagged` names the window whose figures crossed the thresholds.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from classifier.cluster.calibrate import Thresholds
from classifier.detect.baseline import stream_baseline
from classifier.detect.metrics import WindowMetrics, window_metrics
from classifier.detect.windows import window_index
from classifier.state import TrackedTrend, TrendState
from monitor_config.trends import TrendSettings

_EPS = timedelta(microseconds=1)


def is_burst(m: WindowMetrics, settings: TrendSettings) -> bool:
    return m.signal >= settings.min_authors and m.burst >= settings.burst_z and m.growth >= settings.min_growth


def new_theme_figures(trend: TrackedTrend, state: TrendState, index: int, settings: TrendSettings) -> dict | None:
    """A young theme whose distinct voices rise over days (a challenge spreading) without any single window
    bursting: flagged when it gathered `new_theme_authors` voices (and at least `new_theme_share` of the
    stream's posts per window before it) within `new_theme_span` of its first post,
    its latest third of that time carried `min_growth` times the voices of its first third, and the stream
    carried far less on it before. Off when `new_theme_authors` is None."""
    if settings.new_theme_authors is None or not trend.windows:
        return None
    assert state.origin is not None  # set by the first batch
    first = min(trend.windows)
    span = index - first + 1
    warm_start = window_index(state.origin + settings.span("warmup_span"), state.origin, state.window)
    if first < warm_start or span < 3 or span * state.window > settings.span("new_theme_span"):
        return None
    windows = [w for w in trend.windows if w <= index]
    voices = min(len(set().union(*(trend.windows[w].authors for w in windows))),
                 len(set().union(*(trend.windows[w].texts for w in windows))))
    early = sum(trend.windows[w].signal for w in windows if w < first + span // 3)
    late = sum(trend.windows[w].signal for w in windows if w > index - span // 3)
    expected = span * stream_baseline(state, trend, first, settings.span("baseline_span"), settings.baseline_quantile)
    growth = (voices + 1) / (expected + 1)
    recent = [sample.total for sample in state.recent.values()]
    needed = max(settings.new_theme_authors, settings.new_theme_share * (sum(recent) / len(recent) if recent else 0))
    if voices < needed or late < settings.min_growth * max(early, 1) or growth < settings.min_growth:
        return None
    return {"voices_since_first_post": voices, "voices_needed": round(needed, 1), "first_third": early,
            "last_third": late, "expected_from_stream": round(expected, 2), "growth": round(growth, 2)}


def why_flagged(m: WindowMetrics, settings: TrendSettings) -> dict:
    return {"window": m.as_dict(), "thresholds": {"min_authors": settings.min_authors, "burst_z": settings.burst_z,
                                                  "min_growth": settings.min_growth,
                                                  "baseline_span": settings.baseline_span},
            "crossed": [name for name, ok in (("min_authors", m.signal >= settings.min_authors),
                                              ("burst_z", m.burst >= settings.burst_z),
                                              ("min_growth", m.growth >= settings.min_growth)) if ok]}


def next_status(trend: TrackedTrend, m: WindowMetrics, warm: bool, now: datetime, settings: TrendSettings) -> str:
    if warm and is_burst(m, settings):
        return "emerging"
    if now - trend.last_seen >= settings.span("dormant_span"):
        return "dormant"
    if trend.born_at == now:
        return "new"
    if trend.peak_signal and m.signal < settings.fading_ratio * trend.peak_signal:
        return "fading"
    return "active"


def advance(state: TrendState, now: datetime, settings: TrendSettings, touched: set[int],
            thresholds: Thresholds) -> dict[int, tuple]:
    """Update every live trend's status for the window that ends at `now`; returns {id: (old, new)}."""
    if state.origin is None:
        return {}
    index = window_index(now - _EPS, state.origin, state.window)
    warm = now - state.origin >= settings.span("warmup_span")
    span = settings.span("baseline_span")
    changed = {}
    for trend in state.live_trends():
        if trend.status == "dormant" and trend.trend_id not in touched:
            continue
        looks = [index - 1, index] if trend.trend_id in touched and index > 0 else [index]
        ms = [window_metrics(trend, w, state, span, stream_baseline(state, trend, w, span, settings.baseline_quantile))
              for w in looks]
        m = next((x for x in ms if is_burst(x, settings)), ms[-1])
        status = next_status(trend, m, warm, now, settings)
        theme = new_theme_figures(trend, state, index, settings) if warm and trend.emerging_at is None else None
        if theme is not None and status != "emerging":
            status = "emerging"
            trend.emerging_at, trend.flagged = ms[-1].start, {**why_flagged(ms[-1], settings), "new_theme": theme,
                                                              "crossed": ["new_theme_authors", "min_growth"]}
        trend.peak_signal = max(trend.peak_signal, *(x.signal for x in ms))
        if status == "emerging" and trend.emerging_at is None:
            trend.emerging_at, trend.flagged = ms[-1].start, why_flagged(m, settings)
        if status != trend.status:
            changed[trend.trend_id] = (trend.status, status)
            trend.status, trend.status_since = status, now
    return changed
