"""Class-based TF-IDF keywords: each trend's texts form one document; words frequent in it and rare in the
others score high. tf is L1-normalised per trend; idf = log(1 + A / f) with A the mean number of words per
trend and f the word's frequency over all trends.

A processing run needs the keywords of the few trends it changed, weighed against every trend (thousands after a
year). So the counts of each trend are kept between calls (`TermCounts`, keyed by the trend and its texts: a
trend whose exemplars did not change is not tokenised again) as arrays over one vocabulary, and only the rows
asked for are scored; the result is the same as scoring every row of the full matrix.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np

from classifier.cluster.dedup import normalise
from classifier.summarise.stopwords import STOP_WORDS

_HASHTAG = re.compile(r"#(\w{2,})", re.UNICODE)


def terms(text: str) -> list[str]:
    """Unigrams and bigrams without stop words; hashtags kept with their '#'."""
    tags = {t.lower() for t in _HASHTAG.findall(text)}
    words = [w for w in normalise(text) if len(w) >= 2 and w not in STOP_WORDS]
    grams = [("#" + w) if w in tags else w for w in words]
    grams += [f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a != b]
    return grams


class TermCounts:
    """Per document, in how many of its texts each term occurs, as (term ids, counts) over one vocabulary; kept
    for the documents of the latest call only, so it holds as many documents as there are trends."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.words: list[str] = []
        self._docs: dict[Hashable, tuple[np.ndarray, np.ndarray]] = {}

    def counts(self, docs: Sequence[list[str]],
               keys: Sequence[Hashable] | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
        kept: dict[Hashable, tuple[np.ndarray, np.ndarray]] = {}
        out = []
        for i, texts in enumerate(docs):
            key = keys[i] if keys is not None else None
            found = self._docs.get(key) if key is not None else None
            if found is None:
                found = self._count(texts)
            if key is not None:
                kept[key] = found
            out.append(found)
        self._docs = kept
        return out

    def _count(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        counter = Counter(g for text in texts for g in set(terms(text)))
        ids = np.fromiter((self._id(w) for w in counter), dtype=np.int64, count=len(counter))
        return ids, np.fromiter(counter.values(), dtype=np.int64, count=len(counter))

    def _id(self, word: str) -> int:
        found = self.vocab.get(word)
        if found is None:
            found = self.vocab[word] = len(self.words)
            self.words.append(word)
        return found


def keywords(docs: Sequence[list[str]], top: int = 10, min_count: int = 2, *, only: Sequence[int] | None = None,
             cache: TermCounts | None = None, keys: Sequence[Hashable] | None = None) -> list[list[str]]:
    """The `top` keywords of each class, given the texts of each class; with `only`, of those classes (by
    position) alone, still weighed against all. `cache` and `keys` (one per class, changing when its texts do)
    keep the counts of unchanged classes between calls."""
    table = cache or TermCounts()
    rows = table.counts(docs, keys)
    wanted = range(len(docs)) if only is None else only
    size = len(table.words)
    total = np.zeros(size, dtype=np.int64)
    for ids, counts in rows:  # a document's term ids are distinct
        total[ids] += counts
    in_vocab = total >= min_count
    if not in_vocab.any():
        return [[] for _ in wanted]
    avg_words = float(total[in_vocab].sum()) / len(docs)
    out = []
    for i in wanted:
        ids, counts = rows[i]
        keep = in_vocab[ids]
        ids, counts = ids[keep], counts[keep].astype(np.float64)
        idf = np.log(1 + avg_words / total[ids].astype(np.float64))
        score = counts / max(counts.sum(), 1) * idf
        ranked = sorted(zip((-score).tolist(), (table.words[j] for j in ids), strict=True))
        out.append([w for s, w in ranked[:top] if s < 0])
    return out


