"""Language detection for short, informal posts (lingua, restricted to the languages met in practice)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

# Posts in this monitor are mostly Dutch; a weak Dutch reading wins over a weak reading of anything else.
PRIOR_LANGUAGE = "nl"
CONFIDENT = 0.6
PRIOR_FLOOR = 0.15
LANGUAGES = ("DUTCH", "ENGLISH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE", "TURKISH",
             "ARABIC", "POLISH")


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in LANGUAGES)).build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it cannot be told (too short, emoji only)."""
    if sum(ch.isalpha() for ch in text) < 3:
        return None
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    scores = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
    best = max(scores, key=scores.__getitem__)
    if scores[best] >= CONFIDENT:
        return best
    if scores.get(PRIOR_LANGUAGE, 0.0) >= PRIOR_FLOOR:
        return PRIOR_LANGUAGE
    return best if scores[best] >= PRIOR_FLOOR else None


def warm_up() -> None:
    """Load every language model now. Loading holds the interpreter for seconds; a crawler does it before it
    starts fetching, so no download stalls (and times out) while the models load on the first post."""
    _detector().compute_language_confidence_values("warm up the language models")
