"""Risk categories learned with scikit-learn from the configuration's seed posts plus reviewers' verdicts.

A calibrated logistic regression over the embeddings, with an extra class for ordinary posts. A post gets
every category whose calibrated probability reaches the abstain threshold, or none. The threshold is chosen
from cross-validated probabilities for the model in use (the lowest that keeps precision at the target),
never a fixed cosine: embedding models differ widely in how their similarities are spread.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from classifier.base import Embedder
from classifier.exceptions import ClassifierError
from monitor_config.schema import Category

NONE = "(none)"
BACKGROUND = Path(__file__).with_name("background.txt")


@dataclass(frozen=True)
class LabelledText:
    """A training text: a seed post, a reviewer's verdict, or an ordinary post (category NONE)."""

    text: str
    category: str


@dataclass
class CategoryModel:
    classes: list[str]
    classifier: CalibratedClassifierCV
    threshold: float
    embedder_name: str

    @property
    def name(self) -> str:
        return f"categories:{self.embedder_name}:t={self.threshold:.3f}"

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return self.classifier.predict_proba(vectors)

    def assign(self, vectors: np.ndarray) -> list[dict[str, float]]:
        """Per row, the categories at or above the threshold with their probabilities (empty: abstain)."""
        if len(vectors) == 0:
            return []
        probabilities = self.probabilities(vectors)
        return [
            {c: float(p) for c, p in zip(self.classes, row, strict=True) if c != NONE and p >= self.threshold}
            for row in probabilities
        ]


def seed_texts(categories: list[Category]) -> list[LabelledText]:
    texts = [LabelledText(t, c.name) for c in categories for t in (*c.examples.nl, *c.examples.en)]
    lines = BACKGROUND.read_text(encoding="utf-8").splitlines()
    texts += [LabelledText(line, NONE) for line in lines if line.strip() and not line.startswith("#")]
    return texts


def choose_threshold(probabilities: np.ndarray, labels: np.ndarray, classes: list[str],
                     target_precision: float) -> float:
    """The lowest threshold whose category assignments on held-out texts keep precision >= target."""
    none = classes.index(NONE) if NONE in classes else -1
    candidates = sorted({float(p) for row in probabilities for i, p in enumerate(row) if i != none})
    for threshold in candidates:
        hits = total = 0
        for row, label in zip(probabilities, labels, strict=True):
            for i, p in enumerate(row):
                if i != none and p >= threshold:
                    total += 1
                    hits += classes[i] == label
        if total and hits / total >= target_precision:
            return threshold
    return 1.0


def train_category_model(embedder: Embedder, categories: list[Category], verdicts: list[LabelledText] = (),
                         *, target_precision: float = 0.8, seed: int = 0) -> CategoryModel:
    """Fit on seed examples, ordinary posts and reviewers' verdicts; calibrate the abstain threshold."""
    texts = seed_texts(categories) + list(verdicts)
    labels = np.array([t.category for t in texts])
    counts = {label: int((labels == label).sum()) for label in set(labels)}
    too_few = sorted(label for label, n in counts.items() if n < 3)
    if too_few:
        raise ClassifierError(f"categories {too_few} have fewer than 3 examples; fix: add seed examples in the "
                              "configuration (examples.nl / examples.en)")
    vectors = embedder.embed([t.text for t in texts])
    folds = min(3, min(counts.values()))
    base = LogisticRegression(C=10.0, max_iter=2000, random_state=seed)
    held_out = cross_val_predict(
        CalibratedClassifierCV(base, method="sigmoid", cv=folds), vectors, labels,
        cv=StratifiedKFold(folds, shuffle=True, random_state=seed), method="predict_proba",
    )
    classes = sorted(set(labels))
    threshold = choose_threshold(held_out, labels, classes, target_precision)
    classifier = CalibratedClassifierCV(base, method="sigmoid", cv=folds).fit(vectors, labels)
    return CategoryModel([str(c) for c in classifier.classes_], classifier, threshold, embedder.name)
