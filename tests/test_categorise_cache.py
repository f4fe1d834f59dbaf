"""The trained category model is kept: trained once per change of categories, verdicts, settings or embedder,
reused by later runs in the same process and, from disk, by a fresh process."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from classifier.analyse import analyse_pending
from classifier.categorise import LabelledText
from classifier.categorise.cache import CategoryModelCache
from classifier.categorise.model import NONE
from crawlers.importers import import_file
from monitor_config import load_config
from monitor_config.schema import CategorySettings
from tests.categorise_helpers import TrigramEmbedder

pytestmark = pytest.mark.slow  # trains category models and starts fresh processes

TEXTS = ["wie heeft er nog cobra's te koop voor oud en nieuw", "ik ga vanavond pizza eten met mijn moeder"]


@pytest.fixture
def categories() -> list:
    return list(load_config().categories)


def test_a_second_request_reuses_the_model_and_a_fresh_process_loads_it_from_disk(tmp_path: Path, categories) -> None:
    embedder = TrigramEmbedder()
    cache = CategoryModelCache(tmp_path)
    first = cache.model(embedder, categories)
    calls = embedder.calls
    assert cache.model(embedder, categories) is first and cache.trained == 1 and embedder.calls == calls
    fresh = CategoryModelCache(tmp_path)  # as a new process would build it
    loaded = fresh.model(embedder, categories)
    assert fresh.trained == 0 and embedder.calls == calls
    assert loaded.thresholds == first.thresholds and loaded.classes == first.classes
    vectors = embedder.embed(TEXTS)
    np.testing.assert_allclose(loaded.probabilities(vectors), first.probabilities(vectors))
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".npz"]


def test_a_changed_seed_example_a_new_verdict_or_another_embedder_trains_again(tmp_path: Path, categories) -> None:
    cache = CategoryModelCache(tmp_path)
    embedder = TrigramEmbedder()
    cache.model(embedder, categories)
    edited = categories[0].model_copy(update={"examples": categories[0].examples.model_copy(
        update={"nl": [*categories[0].examples.nl, "ze schoten met gelballetjes op de kassajuf"]})})
    cache.model(embedder, [edited, *categories[1:]])
    assert cache.trained == 2
    verdict = [LabelledText("de vuurwerkshow bij het stadion was prachtig", NONE)]
    cache.model(embedder, categories, verdict)
    assert cache.trained == 3
    cache.model(embedder, categories, verdict)
    cache.model(TrigramEmbedder(name="another-model"), categories, verdict)
    assert cache.trained == 4
    cache.model(embedder, categories, verdict, settings=CategorySettings(min_trend_authors=5))  # a trend-level setting
    assert cache.trained == 4


def test_a_damaged_cache_file_is_trained_again_not_trusted(tmp_path: Path, categories) -> None:
    embedder = TrigramEmbedder()
    CategoryModelCache(tmp_path).model(embedder, categories)
    for path in tmp_path.glob("*.npz"):
        path.write_bytes(b"not a numpy file")
    cache = CategoryModelCache(tmp_path)
    model = cache.model(embedder, categories)
    assert cache.trained == 1 and model.assign(embedder.embed(TEXTS))


def test_processing_runs_train_the_model_once(engine: Engine, key: bytes, slice_file: Path, tmp_path: Path) -> None:
    config, embedder = load_config(), TrigramEmbedder()
    cache = CategoryModelCache(tmp_path / "models")
    import_file(slice_file, engine=engine, key=key)
    for day in (12, 19):  # each run has new posts to categorise
        analyse_pending(engine, config, embedder, now=datetime(2026, 10, day, tzinfo=UTC),
                        category_models=cache)
    assert cache.trained == 1
    verdicts = [LabelledText("mooie vuurwerkshow in het park gisteren", NONE)]
    analyse_pending(engine, config, embedder, now=datetime(2026, 10, 26, tzinfo=UTC), verdicts=verdicts,
                    category_models=cache)
    assert cache.trained == 2
