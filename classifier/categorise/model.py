"""Risk categories learned from the configuration's seed posts, ordinary posts and reviewers' verdicts.

A multinomial logistic regression over the embeddings, with an extra class for ordinary posts (the background
file plus every dismissed verdict). A post gets every category whose probability reaches that category's
threshold, or none. Each threshold is chosen from cross-validated probabilities for the model in use (the lowest
that keeps the category's precision at the target, never below `min_probability`), never a fixed cosine:
embedding models differ widely in how their similarities are spread.

The fitted model is a handful of arrays (`weights`, `bias`, thresholds), so it is stored and loaded without pickle
(see `classifier.categorise.cache`).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from classifier.base import Embedder
from classifier.categorise.evidence import Evidence
from classifier.exceptions import ClassifierError
from monitor_config.schema import Category, CategorySettings

NONE = "(none)"
BACKGROUND = Path(__file__).with_name("background.txt")
VERSION = 3  # bump when training changes, so cached models are retrained


@dataclass(frozen=True)
class LabelledText:
    """A training text: a seed post, a reviewer's verdict, or an ordinary post (category NONE)."""

    text: str
    category: str


@dataclass
class CategoryModel:
    classes: list[str]
    weights: np.ndarray  # (classes, dim)
    bias: np.ndarray  # (classes,)
    thresholds: dict[str, float]
    embedder_name: str
    fingerprint: str = ""
    evidence: Evidence = field(default_factory=Evidence)
    seeds: np.ndarray | None = None  # (n, dim) the categories' own training posts
    seed_classes: np.ndarray | None = None  # (n,) index into `classes` per seed
    support: dict[str, float] = field(default_factory=dict)  # least similarity to a seed of the category

    @property
    def name(self) -> str:
        return f"categories:{self.embedder_name}:{self.fingerprint[:12]}"

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        logits = np.asarray(vectors, dtype=np.float64) @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def assign(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> list[dict[str, float]]:
        """Per row, the categories at or above their threshold with their probabilities (empty: abstain).

        With `texts`, a category whose watchlists exclude a term in the text is dropped (a dog's "grooming")."""
        if len(vectors) == 0:
            return []
        near = self.nearest_seed(vectors)
        out = []
        for i, row in enumerate(self.probabilities(vectors)):
            chosen = {c: float(p) for k, (c, p) in enumerate(zip(self.classes, row, strict=True))
                      if c != NONE and p >= self.thresholds[c] and near[i, k] >= self.support.get(c, -1.0)}
            if texts is not None:
                chosen = self.evidence.filter(texts[i], chosen)
            out.append(chosen)
        return out


    def nearest_seed(self, vectors: np.ndarray) -> np.ndarray:
        """(rows, classes): each row's highest cosine to a seed post of each class (-1 where none is kept)."""
        near = np.full((len(vectors), len(self.classes)), -1.0)
        if self.seeds is None or self.seed_classes is None or not len(self.seeds):
            return near
        sims = np.asarray(vectors, dtype=np.float32) @ self.seeds.T
        for k in np.unique(self.seed_classes):
            near[:, k] = sims[:, self.seed_classes == k].max(axis=1)
        return near


def support_floors(vectors: np.ndarray, labels: np.ndarray, quantile: float) -> dict[str, float]:
    """Per category, the `quantile` of its seeds' similarity to their nearest other seed of the same category.

    A post must be at least that close to one of the category's own posts: text unlike anything the category was
    taught (a politician's tweet) is not put in it by extrapolation."""
    floors: dict[str, float] = {}
    if quantile <= 0:
        return floors
    for label in sorted(set(labels) - {NONE}):
        own = vectors[labels == label]
        sims = own @ own.T
        np.fill_diagonal(sims, -np.inf)
        floors[str(label)] = float(np.quantile(sims.max(axis=1), quantile))
    return floors


def background_texts() -> list[str]:
    lines = BACKGROUND.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def seed_texts(categories: Sequence[Category]) -> list[LabelledText]:
    texts = [LabelledText(t, c.name) for c in categories for t in (*c.examples.nl, *c.examples.en)]
    texts += [LabelledText(t, NONE) for c in categories for t in c.examples.ordinary]
    return texts + [LabelledText(line, NONE) for line in background_texts()]


def fingerprint(embedder_name: str, categories: Sequence[Category], verdicts: Sequence[LabelledText],
                settings: CategorySettings, evidence: Evidence) -> str:
    """What the trained model depends on: a change in any of it trains a new model."""
    trained_with = settings.model_dump(mode="json", exclude={"min_trend_share", "min_trend_authors"})
    data = {"version": VERSION, "embedder": embedder_name, "settings": trained_with,
            "categories": [[c.name, list(c.examples.nl), list(c.examples.en), list(c.examples.ordinary)]
                           for c in categories],
            "background": background_texts(), "evidence": evidence.as_data(),
            "verdicts": sorted([v.text, v.category] for v in verdicts)}
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def choose_thresholds(probabilities: np.ndarray, labels: np.ndarray, classes: list[str], target_precision: float,
                      *, per_category: bool = True, floor: float = 0.0) -> dict[str, float]:
    """Per category, the lowest threshold whose assignments on held-out texts keep precision >= target.

    With `per_category=False` one threshold for every category, judged on all assignments together."""
    none = classes.index(NONE) if NONE in classes else -1
    columns = [i for i in range(len(classes)) if i != none]
    if not per_category:
        return dict.fromkeys((str(classes[i]) for i in columns),
                             max(floor, _lowest_precise(probabilities, labels, classes, columns, target_precision)))
    return {str(classes[i]): max(floor, _lowest_precise(probabilities, labels, classes, [i], target_precision))
            for i in columns}


def _lowest_precise(probabilities: np.ndarray, labels: np.ndarray, classes: list[str], columns: list[int],
                    target: float) -> float:
    scored = sorted(((float(probabilities[r, i]), classes[i] == labels[r]) for r in range(len(labels))
                     for i in columns), reverse=True)
    # Walk from the highest probability down; keep the lowest cut whose precision still holds.
    best, hits = 1.0, 0
    for n, (p, hit) in enumerate(scored, 1):
        hits += hit
        if hits / n >= target:
            best = p
    return best


def train_category_model(embedder: Embedder, categories: Sequence[Category], verdicts: Sequence[LabelledText] = (),
                         *, settings: CategorySettings | None = None, evidence: Evidence | None = None,
                         seed: int = 0) -> CategoryModel:
    """Fit on seed examples, ordinary posts and reviewers' verdicts; choose each category's threshold."""
    settings = settings or CategorySettings()
    evidence = evidence or Evidence()
    texts = seed_texts(categories) + list(verdicts)
    labels = np.array([t.category for t in texts])
    counts = {label: int((labels == label).sum()) for label in set(labels)}
    too_few = sorted(label for label, n in counts.items() if n < 3)
    if too_few:
        raise ClassifierError(f"categories {too_few} have fewer than 3 examples; fix: add seed examples in the "
                              "configuration (examples.nl / examples.en)")
    vectors = np.asarray(embedder.embed([t.text for t in texts]), dtype=np.float64)
    folds = min(5, min(counts.values()))
    held_out = np.zeros((len(texts), len(counts)))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(vectors, labels):
        held_out[test] = _fit(vectors[train], labels[train], settings, seed).predict_proba(vectors[test])
    classes = [str(c) for c in sorted(counts)]
    thresholds = choose_thresholds(held_out, labels, classes, settings.target_precision,
                                   floor=settings.min_probability)
    thresholds.update({k: v for k, v in settings.thresholds.items() if k in thresholds})
    fitted = _fit(vectors, labels, settings, seed)
    scaler, regression = fitted.named_steps["scale"], fitted.named_steps["regression"]
    # Fold the standardisation into the linear layer: w.(x - m)/s + b == (w/s).x + (b - (w/s).m)
    weights = regression.coef_ / scaler.scale_
    bias = regression.intercept_ - weights @ scaler.mean_
    names = [str(c) for c in regression.classes_]
    own = labels != NONE
    return CategoryModel(names, weights, bias, thresholds, embedder.name,
                         fingerprint(embedder.name, categories, verdicts, settings, evidence), evidence,
                         seeds=vectors[own].astype(np.float32),
                         seed_classes=np.array([names.index(str(label)) for label in labels[own]]),
                         support=support_floors(vectors, labels, settings.support_quantile))


def _fit(vectors: np.ndarray, labels: np.ndarray, settings: CategorySettings, seed: int) -> Pipeline:
    """Standardised dimensions first: models whose cosines sit in a narrow band (e5) get the same footing."""
    regression = LogisticRegression(C=settings.regularisation, max_iter=5000, random_state=seed)
    return Pipeline([("scale", StandardScaler()), ("regression", regression)]).fit(vectors, labels)
