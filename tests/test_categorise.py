"""Risk categories from the shipped seed examples: on real models, on the synthetic evaluation set, and against
the words that mean something else."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from classifier.categorise import LabelledText, train_category_model
from classifier.categorise.evidence import Evidence
from classifier.categorise.model import NONE, background_texts
from monitor_config import load_config

EVAL_SET = Path(__file__).resolve().parent.parent / "bench" / "data" / "categories-nl.jsonl"
RISKY = {
    "wie doet mee met de gelblaster challenge morgen bij de metro": "gelblasters",
    "stuur screenshots in voor de expose pagina, wie kent haar": "online-shaming",
    "snel geld verdienen, dm me voor een klusje vanavond": "criminal-recruitment",
    "verkoop cobra 6 en nitraten, dm voor de prijs": "fireworks",
}
ORDINARY = ["ik ben zo moe van school vandaag", "lekker pizza eten vanavond met de fam",
            "wie gaat er zaterdag mee naar de film"]
# Measured with USE-m3 on every second post of the held-out part when the test was written: micro precision 0.89,
# recall 0.71 (the classifier before issue #12: precision about 0.64 on the whole part). docs/QUALITY.md has the whole
# held-out part and the default model. The floors leave room for numeric noise, not for a regression.
PRECISION_FLOOR, RECALL_FLOOR = 0.82, 0.62


def eval_rows() -> list[dict]:
    return [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_no_training_text_comes_from_the_evaluation_set() -> None:
    """The set measures the shipped seeds; a seed copied (or barely reworded) from it would flatter the figures."""
    config = load_config()
    training = [t for c in config.categories for t in (*c.examples.nl, *c.examples.en, *c.examples.ordinary)]
    training += background_texts()
    evaluated = [words(r["text"]) for r in eval_rows()]
    for text in training:
        mine = words(text)
        overlap = max(len(mine & other) / len(mine | other) for other in evaluated)
        assert overlap < 0.6, f"seed post too close to an evaluation post: {text!r}"


def test_the_evaluation_set_is_labelled_and_split_as_documented() -> None:
    rows, names = eval_rows(), {c.name for c in load_config().categories}
    assert len(rows) >= 400 and len({r["id"] for r in rows}) == len(rows)
    assert all(set(r["categories"]) <= names and r["split"] in {"dev", "test"} for r in rows)
    ordinary = sum(not r["categories"] for r in rows)
    assert 0.35 <= ordinary / len(rows) <= 0.45
    assert {c for r in rows for c in r["categories"]} == names


def test_a_watchlist_exclusion_vetoes_its_category() -> None:
    evidence = Evidence.from_watchlists(load_config().watchlists)
    chosen = {"loverboys-grooming": 0.8, "fireworks": 0.7}
    assert evidence.filter("onze poedel is naar de hondentrimsalon geweest", chosen) == {"fireworks": 0.7}
    assert evidence.filter("de vuurwerkshow was prachtig", chosen) == {"loverboys-grooming": 0.8}
    assert evidence.filter("hij koopt cadeaus voor haar", chosen) == chosen


@pytest.fixture(scope="module")
def model(use_m3):
    config = load_config()
    return train_category_model(use_m3, list(config.categories), settings=config.classifier.categories,
                                evidence=Evidence.from_watchlists(config.watchlists))


@pytest.mark.slow
def test_risky_posts_get_their_category(model, use_m3) -> None:
    assigned = model.assign(use_m3.embed(list(RISKY)), list(RISKY))
    for (text, expected), categories in zip(RISKY.items(), assigned, strict=True):
        assert expected in categories, (text, categories)


@pytest.mark.slow
def test_ordinary_posts_get_no_category(model, use_m3) -> None:
    assert model.assign(use_m3.embed(ORDINARY), ORDINARY) == [{}, {}, {}]


@pytest.mark.slow
def test_thresholds_are_chosen_per_category_from_held_out_seeds(model, use_m3) -> None:
    config = load_config()
    names = [c.name for c in config.categories]
    assert set(model.thresholds) == set(names) == set(model.support)
    assert all(0.5 <= t <= 1.0 for t in model.thresholds.values())  # never below `min_probability`
    unfloored = train_category_model(use_m3, list(config.categories),
                                     settings=config.classifier.categories.model_copy(update={"min_probability": 0.0}))
    assert len(set(unfloored.thresholds.values())) > 1, "every category got the same threshold"
    fixed = config.classifier.categories.model_copy(update={"thresholds": {"fireworks": 0.97}})
    assert train_category_model(use_m3, list(config.categories), settings=fixed).thresholds["fireworks"] == 0.97


@pytest.mark.slow
def test_quality_on_a_slice_of_the_held_out_set(model, use_m3) -> None:
    rows = [r for r in eval_rows() if r["split"] == "test"][::2]
    texts = [r["text"] for r in rows]
    assigned = model.assign(use_m3.embed(texts), texts)
    pairs = [(set(a), set(r["categories"])) for a, r in zip(assigned, rows, strict=True)]
    tp = sum(len(got & gold) for got, gold in pairs)
    precision = tp / max(1, sum(len(got) for got, _ in pairs))
    recall = tp / sum(len(gold) for _, gold in pairs)
    assert precision >= PRECISION_FLOOR and recall >= RECALL_FLOOR, (precision, recall)


@pytest.mark.slow
def test_reviewer_verdicts_teach_the_model(use_m3) -> None:
    categories = list(load_config().categories)
    text = "nieuwe vuurwerkshow bij het concert in het park was prachtig"
    dismissed = [LabelledText(t, NONE) for t in (
        "vuurwerkshow op oudejaarsavond was prachtig", "mooie vuurwerkshow bij het festival",
        "de vuurwerkshow in het park was echt mooi", "vuurwerk bij het concert gisteren, wat een show")]
    before = train_category_model(use_m3, categories)
    after = train_category_model(use_m3, categories, dismissed)
    vector = use_m3.embed([text])
    index = before.classes.index("fireworks")
    assert after.probabilities(vector)[0][index] < before.probabilities(vector)[0][index]
    assert np.isclose(after.probabilities(vector).sum(), 1.0)
