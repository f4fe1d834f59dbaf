"""Class-based TF-IDF keywords: each trend's texts form one document; words frequent in it and rare in the
others score high. tf is L1-normalised per trend; idf = log(1 + A / f) with A the mean number of words per
trend and f the word's frequency over all trends."""
from __future__ import annotations

import re
from collections import Counter

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


def keywords(docs: list[list[str]], top: int = 10, min_count: int = 2) -> list[list[str]]:
    """The `top` keywords of each class, given the texts of each class."""
    counts = [Counter(g for text in texts for g in set(terms(text))) for texts in docs]
    total: Counter = Counter()
    for c in counts:
        total.update(c)
    vocab = sorted(w for w, n in total.items() if n >= min_count)
    if not vocab:
        return [[] for _ in docs]
    col = {w: j for j, w in enumerate(vocab)}
    tf = np.zeros((len(docs), len(vocab)))
    for i, c in enumerate(counts):
        for w, n in c.items():
            if w in col:
                tf[i, col[w]] = n
    avg_words = tf.sum() / len(docs)
    idf = np.log(1 + avg_words / tf.sum(axis=0))
    score = tf / np.maximum(tf.sum(axis=1, keepdims=True), 1) * idf
    out = []
    for i in range(len(docs)):
        order = np.lexsort((np.array(vocab), -score[i]))
        out.append([vocab[j] for j in order[:top] if score[i, j] > 0])
    return out
