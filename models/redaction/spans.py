"""Found spans, the cleaned view detectors read, and how replacements are applied to the original text.

Detectors look at a cleaned copy of the text: zero-width characters removed and compatibility forms folded
(full-width `＠` and digits become `@` and digits), so `sa\u200bnne＠gmail.com` reads as an address. Every
cleaned character remembers where it came from, so a span found in the cleaned view masks the original
characters, zero-width ones included.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, invisible separators
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u2061\u2062\u2063\u2064\u180e")


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of a text that identify someone; `mask` replaces them ('' drops them)."""

    start: int
    end: int
    kind: str
    mask: str


@dataclass(frozen=True)
class CleanText:
    """The cleaned view of a text and, per cleaned character, the index of its original character."""

    text: str
    origin: tuple[int, ...]
    source_length: int

    def to_source(self, span: Span) -> Span:
        start = self.origin[span.start] if span.start < len(self.origin) else self.source_length
        end = self.origin[span.end - 1] + 1 if span.end > 0 else 0
        return Span(start, max(start, end), span.kind, span.mask)


def clean(text: str) -> CleanText:
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in INVISIBLE:
            continue
        folded = unicodedata.normalize("NFKC", char) if ord(char) > 0x7F else char
        for piece in folded:
            chars.append(piece)
            origin.append(index)
    return CleanText("".join(chars), tuple(origin), len(text))


def resolve(spans: list[Span]) -> list[Span]:
    """Drop spans that overlap a span starting earlier (or, at the same start, a longer one)."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.end <= span.start:
            continue
        if kept and span.start < kept[-1].end:
            if span.end > kept[-1].end and span.kind == kept[-1].kind:
                kept[-1] = Span(kept[-1].start, span.end, span.kind, span.mask)
            continue
        kept.append(span)
    return kept


def apply(text: str, spans: list[Span]) -> str:
    out, position = [], 0
    for span in spans:
        out.append(text[position:span.start])
        out.append(span.mask)
        position = span.end
    out.append(text[position:])
    return "".join(out)
