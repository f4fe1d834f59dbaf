"""Readable trend titles: key phrases of up to three words, chosen against the trend's centre.

Candidates are scikit-learn's CountVectorizer n-grams (1 to 3 words) that neither start nor end with a stop word
(so "gelblaster bij de metro" can yield "gelblaster" and "metro" but not "bij de"). Each phrase of a trend is
scored KeyBERT-style without embedding anything again: its class-based TF-IDF (how much more often the trend's
posts use it than the other trends' do) times how close the posts that contain it sit to the trend's centre
(the stored vectors of those posts, averaged, against the trend's mean), with a small bonus per extra word, so
"gelblaster challenge" beats "gelblaster" when the posts say both. When no phrase carries the trend, the title is
the start of its most central post (already redacted), cut at a word.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from classifier.summarise.stopwords import STOP_WORDS

MAX_WORDS = 3
TITLE_WORDS = 7  # a representative post used as a title is cut after this many words
WORD_BONUS = 0.35  # per extra word in a phrase
MIN_SHARE = 0.08  # a phrase must occur in at least this share of a trend's distinct posts (and in two of them)
EXTEND = 0.3  # a longer phrase holding a chosen one replaces it when it scores at least this share of it
# Stop words that may sit inside a phrase ("uitgeleend voor doekoe", "docent is ziek"); others ("serie ik verveel")
# make a fragment, not a name.
INSIDE = frozenset(["van", "voor", "bij", "op", "in", "met", "uit", "aan", "naar", "om", "tegen", "over", "de", "het",
                    "een", "en", "is", "te", "the", "of", "on", "at", "for", "and", "to", "a"])


def _analyzer() -> Callable[[str], list[str]]:
    base = CountVectorizer(ngram_range=(1, MAX_WORDS), lowercase=True,
                           token_pattern=r"(?u)\b[^\W\d_][\w']*[^\W_]\b").build_analyzer()

    def phrases(text: str) -> list[str]:
        out = []
        for gram in base(text):
            words = gram.split()
            if words[0] in STOP_WORDS or words[-1] in STOP_WORDS or len(set(words)) < len(words):
                continue
            if any(w in STOP_WORDS and w not in INSIDE for w in words[1:-1]):
                continue
            out.append(gram)
        return out

    return phrases


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v


def key_phrases(docs: list[list[str]], vectors: list[np.ndarray | None], centres: list[np.ndarray | None],
                top: int = 5) -> list[list[str]]:
    """The `top` key phrases of each trend, given its distinct texts, their vectors (rows aligned with the
    texts) and its centre; best first."""
    flat = [text for texts in docs for text in texts]
    if not flat:
        return [[] for _ in docs]
    vectorizer = CountVectorizer(analyzer=_analyzer(), binary=True)
    try:
        matrix = vectorizer.fit_transform(flat).tocsc()
    except ValueError:  # no phrase at all (only stop words)
        return [[] for _ in docs]
    vocab = np.array(vectorizer.get_feature_names_out())
    lengths = np.array([len(p.split()) for p in vocab])
    bounds = np.cumsum([0] + [len(texts) for texts in docs])
    per_trend = np.vstack([np.asarray(matrix[bounds[i]:bounds[i + 1]].sum(axis=0)).ravel()
                           for i in range(len(docs))])
    idf = np.log(1 + per_trend.sum() / len(docs) / np.maximum(per_trend.sum(axis=0), 1))
    out: list[list[str]] = []
    for i, texts in enumerate(docs):
        n = len(texts)
        counts = per_trend[i]
        needed = max(2.0, MIN_SHARE * n) if n >= 2 else 1.0
        candidates = np.flatnonzero(counts >= needed)
        if not len(candidates):
            out.append([])
            continue
        score = counts[candidates] / max(n, 1) * idf[candidates] * (1 + WORD_BONUS * (lengths[candidates] - 1))
        vecs, centre = vectors[i], centres[i]
        if vecs is not None and centre is not None and len(vecs) == n:
            rows = matrix[bounds[i]:bounds[i + 1]][:, candidates].toarray().T  # phrase x post
            unit_centre = _unit(centre.astype(np.float32))
            closeness = np.array([float(_unit(vecs[row.astype(bool)].mean(axis=0)) @ unit_centre) for row in rows])
            score = score * np.clip(closeness, 0.05, None)
        order = np.lexsort((vocab[candidates], -score))
        scores = {str(vocab[candidates[j]]): float(score[j]) for j in order}
        chosen: list[str] = []
        for phrase in scores:
            if any(_variant(phrase, c) for c in chosen):  # "gelblasters" says what "gelblaster" said
                continue
            inside = [c for c in chosen if f" {c} " in f" {phrase} "]
            if inside:  # a longer way of saying a chosen phrase: it replaces it when the posts say it often enough
                if len(inside) == 1 and scores[phrase] >= EXTEND * scores[inside[0]]:
                    chosen[chosen.index(inside[0])] = phrase
                continue
            if any(f" {phrase} " in f" {c} " for c in chosen):
                continue
            chosen.append(phrase)
            if len(chosen) == top:
                break
        out.append(chosen)
    return out


def _variant(a: str, b: str) -> bool:
    """'gelblasters' and 'gelblaster', 'pagina's' and 'pagina': the same word with an ending."""
    short, long = sorted((a, b), key=len)
    return short != long and long.startswith(short) and len(long) - len(short) <= 2 and " " not in long[len(short):]


def title_of(phrases: list[str], central_text: str | None) -> str:
    """A title of a few words: the best key phrase when it has more than one word; two single words as the
    compound the posts use ("gelblaster" and "challenge" with #gelblasterchallenge: "Gelblaster-challenge"), or
    joined with "en"; else the start of the most central post."""
    if phrases and len(phrases[0].split()) > 1:
        return _capital(phrases[0])
    if len(phrases) >= 2 and len(phrases[1].split()) > 1:
        return _capital(phrases[1])
    if len(phrases) >= 2:
        first, second = phrases[0], phrases[1]
        for a, b in ((first, second), (second, first)):
            if a + b in phrases:
                return _capital(f"{a}-{b}")
        return _capital(f"{first} en {second}")
    if central_text:
        words = central_text.split()
        cut = " ".join(words[:TITLE_WORDS]).rstrip(".,;:!?")
        return _capital(cut + ("…" if len(words) > TITLE_WORDS else ""))
    return _capital(phrases[0]) if phrases else ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
