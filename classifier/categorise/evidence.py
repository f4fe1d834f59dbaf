"""Evidence from the watchlists beside the embeddings: a watchlist's `exclude` terms veto its category.

The watchlists already say which words mean something else ("hondentrimsalon", "vuurwerkshow", "week tegen
pesten"); a post that contains one of them does not get that category, whatever its probability.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from monitor_config.schema import Watchlist


@dataclass(frozen=True)
class Evidence:
    excludes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # category -> lower-case terms

    @classmethod
    def from_watchlists(cls, watchlists: Iterable[Watchlist]) -> Evidence:
        excludes: dict[str, set[str]] = {}
        for watchlist in watchlists:
            excludes.setdefault(watchlist.category, set()).update(term.lower() for term in watchlist.exclude)
        return cls({category: tuple(sorted(terms)) for category, terms in excludes.items() if terms})

    def filter(self, text: str, chosen: dict[str, float]) -> dict[str, float]:
        low = text.lower()
        return {c: p for c, p in chosen.items() if not any(term in low for term in self.excludes.get(c, ()))}

    def as_data(self) -> dict[str, list[str]]:
        return {c: list(terms) for c, terms in sorted(self.excludes.items())}
