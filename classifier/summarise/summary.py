"""Trend summaries a Dutch youth worker can read: a title from key phrases chosen against the trend's centre
(`phrases`), c-TF-IDF keywords and hashtags, representative posts (passed through `redact`), first seen,
emerging since, a timeline, platforms and why it was flagged."""
from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import timedelta

import numpy as np

from classifier.detect.metrics import timeline
from classifier.detect.windows import format_time
from classifier.state import TrackedTrend, TrendState
from classifier.summarise.ctfidf import keywords
from classifier.summarise.phrases import key_phrases, title_of


def _identity(text: str) -> str:
    return text


def label_of(words: list[str], parts: int = 3) -> str:
    """The first `parts` keywords, skipping words already inside a chosen bigram (and the other way round)."""
    chosen: list[str] = []
    for w in words:
        bare = w.lstrip("#")
        if any(bare in c.lstrip("#").split() or c.lstrip("#") in bare.split() for c in chosen):
            continue
        chosen.append(w)
        if len(chosen) == parts:
            break
    return " · ".join(chosen) or "(geen kernwoorden)"


def representatives(trend: TrackedTrend, n: int, redact: Callable[[str], str]) -> list[dict]:
    """The `n` exemplar posts closest to the trend's mean, one per near-duplicate group."""
    if trend.ex_vecs is None or not len(trend.ex_vecs):
        return []
    sims = trend.ex_vecs @ trend.mean.astype(np.float32)
    out, seen = [], set()
    for i in np.lexsort((np.arange(len(sims)), -sims)):
        if trend.ex_keys[i] in seen:
            continue
        seen.add(trend.ex_keys[i])
        post = trend.ex_posts[i]
        out.append({"id": post.id, "text": redact(post.text), "created_at": format_time(post.created_at),
                    "platform": post.platform, "similarity": round(float(sims[i]), 3)})
        if len(out) == n:
            break
    return out


def summarise(state: TrendState, *, redact: Callable[[str], str] = _identity, top: int = 10, examples: int = 3,
              every: timedelta | None = None, only: Collection[int] | None = None,
              timelines: bool = True) -> list[dict]:
    """One summary per trend ever opened (merged ones too, with no posts), ordered by id; with `only`, just those
    trends, their keywords still weighed against every trend's texts. `timelines=False` leaves the timelines
    (a pass over a trend's whole history) empty."""
    trends = [state.trends[k] for k in sorted(state.trends)]
    distinct = [_distinct(t) for t in trends]
    docs = [texts for texts, _ in distinct]
    words = keywords(docs, top=top)
    phrases = key_phrases(docs, [vecs for _, vecs in distinct],
                          [t.mean if t.alive and t.mean is not None else None for t in trends])
    parents = {ln.child: ln for ln in state.lineage}
    out = []
    for trend, kw, key in zip(trends, words, phrases, strict=True):
        if only is not None and trend.trend_id not in only:
            continue
        shown = representatives(trend, examples, redact) if trend.alive else []
        out.append({
            "trend_id": trend.trend_id,
            "label": title_of(key, shown[0]["text"] if shown else None) or label_of(kw), "keywords": kw,
            "phrases": key,
            "hashtags": [w for w in kw if w.startswith("#")], "category": None, "status": trend.status,
            "first_seen": format_time(trend.first_seen), "last_seen": format_time(trend.last_seen),
            "emerging_at": format_time(trend.emerging_at) if trend.emerging_at else None,
            "size": trend.size if trend.alive else 0,
            "authors": len(set().union(*(wc.authors for wc in trend.windows.values()))) if trend.alive else 0,
            "platforms": dict(sorted((k, v) for k, v in trend.platforms.items() if v > 0)),
            "sources": len([v for v in trend.sources.values() if v > 0]),
            "why_flagged": trend.flagged,
            "lineage": ({"kind": parents[trend.trend_id].kind, "parent": parents[trend.trend_id].parent,
                         "at": format_time(parents[trend.trend_id].at)} if trend.trend_id in parents else None),
            "representatives": shown,
            "timeline": timeline(trend, state, every) if trend.alive and timelines else [],
            "post_ids": list(trend.post_ids) if trend.alive else [],
        })
    return out


def _distinct(trend: TrackedTrend) -> tuple[list[str], np.ndarray | None]:
    """The trend's exemplar texts, one per near-duplicate group, with their stored vectors."""
    if not trend.alive:
        return [], None
    seen: dict[str, int] = {}
    for i, key in enumerate(trend.ex_keys):
        seen.setdefault(key, i)
    rows = list(seen.values())
    texts = [trend.ex_posts[i].text for i in rows]
    vecs = trend.ex_vecs[rows] if trend.ex_vecs is not None and len(trend.ex_vecs) == len(trend.ex_posts) else None
    return texts, vecs
