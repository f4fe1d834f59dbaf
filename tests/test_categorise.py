"""Risk categories from the shipped seed examples, on real Dutch text, with a calibrated abstain threshold."""
from __future__ import annotations

import pytest

from classifier.categorise import LabelledText, train_category_model
from classifier.categorise.model import NONE
from classifier.embed import load_embedder
from monitor_config import load_config

RISKY = {
    "wie doet mee met de gelblaster challenge morgen bij de metro": "gelblasters",
    "stuur screenshots in voor de expose pagina, wie kent haar": "online-shaming",
    "snel geld verdienen, dm me voor een klusje vanavond": "criminal-recruitment",
    "verkoop cobra 6 en nitraten, dm voor de prijs": "fireworks",
}
ORDINARY = ["ik ben zo moe van school vandaag", "lekker pizza eten vanavond met de fam",
            "wie gaat er zaterdag mee naar de film"]


@pytest.fixture(scope="module")
def embedder():
    return load_embedder("use-m3")


@pytest.fixture(scope="module")
def model(embedder):
    return train_category_model(embedder, list(load_config().categories))


def test_risky_posts_get_their_category(model, embedder) -> None:
    assigned = model.assign(embedder.embed(list(RISKY)))
    for (text, expected), categories in zip(RISKY.items(), assigned, strict=True):
        assert expected in categories, (text, categories)


def test_ordinary_posts_get_no_category(model, embedder) -> None:
    assert model.assign(embedder.embed(ORDINARY)) == [{}, {}, {}]


def test_threshold_is_calibrated_not_fixed(model, embedder) -> None:
    assert 0.0 < model.threshold < 1.0
    probabilities = model.probabilities(embedder.embed(ORDINARY))
    assert probabilities.shape == (3, len(model.classes)) and NONE in model.classes


def test_reviewer_verdicts_teach_the_model(embedder) -> None:
    categories = list(load_config().categories)
    text = "nieuwe vuurwerkshow bij het concert in het park was prachtig"
    dismissed = [LabelledText(t, NONE) for t in (
        "vuurwerkshow op oudejaarsavond was prachtig", "mooie vuurwerkshow bij het festival",
        "de vuurwerkshow in het park was echt mooi", "vuurwerk bij het concert gisteren, wat een show")]
    before = train_category_model(embedder, categories)
    after = train_category_model(embedder, categories, dismissed)
    vector = embedder.embed([text])
    index = before.classes.index("fireworks")
    assert after.probabilities(vector)[0][index] < before.probabilities(vector)[0][index]
