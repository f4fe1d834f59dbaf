"""A new event inside an active trend: posts about the same kind of thing somewhere else.

Two floods in one region, two explosions, expose waves at two schools, a second drill beef between other
neighbourhoods: the embedding puts the second event on top of the first (same words for the same kind of thing),
so its posts would feed the old trend. What sets it apart is who and where: names, places and tags the trend
never carried before, shared by many of the posts that arrive together. New ordinary words ("funeral", "victims
named", "engineer") are how one event's story goes on, so a new term must be written as a name: a hashtag, a
Capitalised word inside a sentence or a short acronym, in three quarters of the posts that carry it.

Before posts join an established trend (born in an earlier window, with enough earlier members to know its
vocabulary), their words are compared with the trend's recent members (its exemplars). A term is new when at most
`new_event_known` of those members carry it, while at least `new_event_share` of the arriving posts, and no fewer
than `min_trend_posts` of them from `min_trend_authors` distinct authors and texts, do. The arriving posts that
carry a new term start a trend of their own, with lineage to the old one (a split), on the day they arrive;
`merge_close` never joins the two again.

Two more uses of the same evidence (see `step` and `lineage`). A group that reaches a young trend only through the
young bonus is a leap of faith that it is a piece of the same burst; when the group is at least as large as that
trend and a word the trend never used is carried by `new_event_share` of it, any word counts, not only a name (an
earthquake the day after floods in the same country: "earthquake" is no name), and the group starts a trend of its
own with lineage. Conversely two young trends that are most about the same name ("sardegna", "megantic") are one
burst even when their vectors say otherwise, as posts in two languages can be for a multilingual model.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import datetime

import numpy as np

from classifier.cluster.dedup import normalise
from classifier.state import StreamPost, TrackedTrend, TrendState
from monitor_config.trends import TrendSettings

_MIN_LEN = 3  # shorter tokens are mostly function words ("de", "of", "rt"); "ktb" and "sos" stay in
_NAME_SHARE = 0.75  # a new term must be written as a name in this share of the posts that carry it
_ACRONYM = 5  # all-caps words up to this length count as names (KTB, NYPD); longer ones are shouting
_LEAD = re.compile(r"^\s*(?:rt\b[:\s]*)?(?:@\w+[:\s]*)*", re.IGNORECASE)
_SENTENCE = re.compile(r"[.!?:;\n]+\s*")
_URL = re.compile(r"https?://\S+|www\.\S+")
_TOKEN = re.compile(r"(#?)([^\W_]+)")


def terms(text: str) -> set[str]:
    """Distinct lower-cased words (hashtags without '#') of a post, without links, handles or numbers."""
    return {w for w in normalise(text) if len(w) >= _MIN_LEN}


def _plain(word: str) -> str:
    word = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in word if not unicodedata.combining(ch)).lower()


def names(text: str) -> set[str]:
    """The words of a post written as names: hashtags, Capitalised words inside a sentence, short acronyms
    (a sentence's first word does not count), lower-cased like `terms`."""
    out = set()
    for sentence in _SENTENCE.split(_URL.sub(" ", _LEAD.sub("", text))):
        for k, (tag, word) in enumerate(_TOKEN.findall(sentence)):
            if word.isdigit() or len(word) < _MIN_LEN:
                continue
            acronym = word.isupper() and len(word) <= _ACRONYM
            if tag or acronym or (k > 0 and word[:1].isupper() and not word.isupper()):
                out.add(_plain(word))
    return out


def established(trend: TrackedTrend, state: TrendState, now: datetime, settings: TrendSettings) -> bool:
    """Known well enough to tell what is new to it: born in an earlier window, with at least two birth-sized
    groups of earlier members."""
    return (trend.alive and trend.born_at <= now - state.window
            and len(trend.ex_posts) >= 2 * settings.min_trend_posts)


def new_event(trend: TrackedTrend, posts: list[StreamPost], keys: list[str], state: TrendState, now: datetime,
              settings: TrendSettings, *, any_word: bool = False) -> tuple[np.ndarray, list[str]]:
    """Indices of the `posts` about to join `trend` that start a new event, and the new terms they share
    (empty when they do not). With `any_word` a new term need not be written as a name."""
    none: tuple[np.ndarray, list[str]] = (np.zeros(0, dtype=int), [])
    if (not settings.new_event_check or len(posts) < settings.min_trend_posts
            or not established(trend, state, now, settings)):
        return none
    known = Counter(t for p in trend.ex_posts for t in terms(p.text))
    limit = settings.new_event_known * len(trend.ex_posts)
    arriving = [terms(p.text) for p in posts]
    counts = Counter(t for ts in arriving for t in ts)
    need = max(settings.min_trend_posts, settings.new_event_share * len(posts))
    fresh = []
    for term, n in counts.items():
        if n < need or known[term] > limit:
            continue
        carriers = [i for i, ts in enumerate(arriving) if term in ts]
        if not any_word and sum(term in names(posts[i].text) for i in carriers) < _NAME_SHARE * len(carriers):
            continue
        if min(len({posts[i].author_key for i in carriers}), len({keys[i] for i in carriers})) >= \
                settings.min_trend_authors:
            fresh.append(term)
    if not fresh:
        return none
    idx = np.array([i for i, ts in enumerate(arriving) if ts.intersection(fresh)], dtype=int)
    if len({posts[i].author_key for i in idx}) < settings.min_trend_authors:
        return none
    return idx, sorted(fresh)


def leading_name(trend: TrackedTrend, settings: TrendSettings) -> str | None:
    """The name (see `names`) that most of the trend's recent members carry, if at least `new_event_share` of them
    do: what a burst is about ("sardegna", "megantic"), whatever the language of its posts."""
    counts = Counter(n for p in trend.ex_posts for n in names(p.text))
    if not counts:
        return None
    name, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))  # a tie goes the same way in every process
    return name if n >= settings.new_event_share * len(trend.ex_posts) else None


def kept_apart(state: TrendState) -> set[frozenset[int]]:
    """Pairs of trends that one split (a new event or a divided trend) set apart: never merged again."""
    return {frozenset((ln.parent, ln.child)) for ln in state.lineage if ln.kind == "split"}
