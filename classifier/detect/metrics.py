"""Per trend and window: volume, distinct voices, platforms, sources, growth and a burst score.

The signal of a window is the number of distinct voices: the smaller of distinct authors and distinct texts
(near-duplicate keys), so one account posting a lot, or one text copied a lot, counts once. The baseline is
the trend's own mean signal over the preceding `baseline_span`; growth is (signal + 1) / (baseline + 1) and
the burst score is a Poisson z-score, (signal - baseline) / sqrt(baseline + 1).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from classifier.detect.windows import format_time, window_start
from classifier.state import TrackedTrend, TrendState, WindowCount


@dataclass(frozen=True)
class WindowMetrics:
    start: datetime
    posts: int
    authors: int
    texts: int
    platforms: int
    sources: int
    signal: int
    baseline: float
    growth: float
    burst: float

    def as_dict(self) -> dict:
        d = asdict(self)
        d["start"] = format_time(self.start)
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in d.items()}


def baseline_windows(state: TrendState, span: timedelta) -> int:
    return max(1, int(span // state.window))


def window_metrics(trend: TrackedTrend, index: int, state: TrendState, span: timedelta,
                   stream_base: float = 0.0) -> WindowMetrics:
    """The figures of `trend` in window `index`, against the larger of its own mean signal over the preceding
    `span` and `stream_base`, the stream's estimate for its theme (see `baseline`)."""
    wc = trend.windows.get(index, WindowCount())
    past = range(max(0, index - baseline_windows(state, span)), index)
    history = [trend.windows[w].signal if w in trend.windows else 0 for w in past]
    base = max(sum(history) / len(history) if history else 0.0, stream_base)
    signal = wc.signal
    assert state.origin is not None  # set by the first batch
    return WindowMetrics(start=window_start(index, state.origin, state.window), posts=wc.posts,
                         authors=len(wc.authors), texts=len(wc.texts), platforms=len(wc.platforms),
                         sources=len(wc.sources), signal=signal, baseline=base,
                         growth=(signal + 1) / (base + 1), burst=(signal - base) / math.sqrt(base + 1))


def timeline(trend: TrackedTrend, state: TrendState, every: timedelta | None = None) -> list[dict]:
    """Counts per period (the stream's window, or a multiple of it such as a week), oldest first."""
    step = max(1, int((every or state.window) // state.window))
    assert state.origin is not None  # set by the first batch
    periods: dict[int, WindowCount] = {}
    for w in sorted(trend.windows):
        agg = periods.setdefault(w // step, WindowCount())
        wc = trend.windows[w]
        agg.posts += wc.posts
        agg.authors |= wc.authors
        agg.texts |= wc.texts
        agg.platforms |= wc.platforms
        agg.sources |= wc.sources
    return [{"start": format_time(window_start(p * step, state.origin, state.window)), "posts": wc.posts,
             "authors": len(wc.authors), "distinct_texts": len(wc.texts), "platforms": sorted(wc.platforms),
             "sources": len(wc.sources)} for p, wc in sorted(periods.items()) if wc.posts > 0]
