"""Does a post match a watchlist? Survives case, accents, spelling variants and hashtags glued to words."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from monitor_config.schema import Watchlist

# Shorter forms must match a whole word: "opp" must not match "oppassen".
MIN_PREFIX_LENGTH = 5
_HASHTAG = re.compile(r"#([^\W_]+)", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, strip accents and turn every run of non-word characters into one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[^\W_]+", plain, re.UNICODE))


@dataclass(frozen=True)
class _Text:
    padded: str               # " folded text "
    hashtags: tuple[str, ...]  # folded hashtags, glued words inside them

    @classmethod
    def of(cls, text: str) -> _Text:
        return cls(f" {fold(text)} ", tuple(fold(tag).replace(" ", "") for tag in _HASHTAG.findall(text)))


@dataclass(frozen=True)
class _CompiledWatchlist:
    name: str
    forms: tuple[str, ...]
    excludes: tuple[str, ...]

    def matches(self, text: _Text) -> bool:
        if any(f" {ex} " in text.padded for ex in self.excludes):
            return False
        return any(self._form_matches(form, text) for form in self.forms)

    @staticmethod
    def _form_matches(form: str, text: _Text) -> bool:
        glued = form.replace(" ", "")
        if len(glued) < MIN_PREFIX_LENGTH:
            return f" {form} " in text.padded or f" {glued} " in text.padded
        if f" {form}" in text.padded or f" {glued}" in text.padded:
            return True
        return any(glued in tag for tag in text.hashtags)


class WatchlistMatcher:
    """Compiled once per configuration; `match(text)` returns the names of the watchlists a text matches."""

    def __init__(self, watchlists: Iterable[Watchlist]) -> None:
        self._compiled = tuple(self._compile(w) for w in watchlists)

    @staticmethod
    def _compile(watchlist: Watchlist) -> _CompiledWatchlist:
        forms = [fold(form) for term in watchlist.terms for form in term.forms]
        forms += [fold(tag) for tag in watchlist.hashtags]
        return _CompiledWatchlist(
            name=watchlist.name,
            forms=tuple(sorted({f for f in forms if f})),
            excludes=tuple(sorted({fold(e) for e in watchlist.exclude if fold(e)})),
        )

    def excludes(self, name: str, text: str) -> bool:
        """Does the text contain one of watchlist `name`'s exclusions? (False for an unknown name.)"""
        prepared = _Text.of(text)
        return any(f" {ex} " in prepared.padded for w in self._compiled if w.name == name for ex in w.excludes)

    def match(self, text: str) -> list[str]:
        prepared = _Text.of(text)
        return [w.name for w in self._compiled if w.matches(prepared)]
