"""Trained category models, kept by fingerprint: trained once per change of categories, verdicts, settings or
embedder, then reused by every processing run of the process (in memory) and by a fresh process (on disk).

On disk a model is two files in the cache folder: `<fingerprint>.npz` with the arrays (read with
`allow_pickle=False`) and `<fingerprint>.json` with the class names, thresholds and embedder. Nothing is unpickled,
and nothing comes from the database.
"""
from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from classifier.base import Embedder
from classifier.categorise.evidence import Evidence
from classifier.categorise.model import CategoryModel, LabelledText, fingerprint, train_category_model
from monitor_config.schema import Category, CategorySettings

log = logging.getLogger(__name__)


class CategoryModelCache:
    """Returns the model for a fingerprint, training it only when neither memory nor the folder has it."""

    def __init__(self, folder: Path | None = None, keep: int = 4) -> None:
        self.folder, self.keep = folder, keep
        self.trained = 0  # models this cache had to train (a test reads it)
        self._memory: OrderedDict[str, CategoryModel] = OrderedDict()

    def model(self, embedder: Embedder, categories: Sequence[Category], verdicts: Sequence[LabelledText] = (),
              *, settings: CategorySettings | None = None, evidence: Evidence | None = None) -> CategoryModel:
        settings, evidence = settings or CategorySettings(), evidence or Evidence()
        key = fingerprint(embedder.name, categories, verdicts, settings, evidence)
        model = self._memory.get(key) or self._load(key, evidence)
        if model is None:
            model = train_category_model(embedder, categories, verdicts, settings=settings, evidence=evidence)
            self.trained += 1
            self._save(model)
            log.info("trained the category model %s on %d verdicts", model.name, len(verdicts))
        self._memory[key] = model
        self._memory.move_to_end(key)
        while len(self._memory) > self.keep:
            self._memory.popitem(last=False)
        return model

    def _paths(self, key: str) -> tuple[Path, Path] | None:
        return None if self.folder is None else (self.folder / f"{key}.npz", self.folder / f"{key}.json")

    def _load(self, key: str, evidence: Evidence) -> CategoryModel | None:
        paths = self._paths(key)
        if paths is None or not all(p.exists() for p in paths):
            return None
        try:
            meta = json.loads(paths[1].read_text(encoding="utf-8"))
            with np.load(paths[0], allow_pickle=False) as arrays:
                weights, bias = arrays["weights"], arrays["bias"]
                seeds, seed_classes = arrays["seeds"], arrays["seed_classes"]
            model = CategoryModel(list(meta["classes"]), weights, bias,
                                  {str(k): float(v) for k, v in meta["thresholds"].items()}, str(meta["embedder"]),
                                  key, evidence, seeds, seed_classes,
                                  {str(k): float(v) for k, v in meta["support"].items()})
        except (OSError, ValueError, KeyError, TypeError) as exc:  # a damaged file is retrained, not trusted
            log.warning("ignoring the cached category model %s (%s); training it again", paths[0], exc)
            return None
        if bias.shape != (len(model.classes),) or weights.shape[0] != len(model.classes) \
                or seeds.shape[1:] != weights.shape[1:] or len(seeds) != len(seed_classes):
            log.warning("ignoring the cached category model %s (shapes do not match)", paths[0])
            return None
        return model

    def _save(self, model: CategoryModel) -> None:
        paths = self._paths(model.fingerprint)
        if paths is None:
            return
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        meta = {"classes": model.classes, "thresholds": model.thresholds, "support": model.support,
                "embedder": model.embedder_name}
        # Write to temporary names first, so a reader never sees half a model.
        tmp_npz, tmp_json = paths[0].with_suffix(".tmp.npz"), paths[1].with_suffix(".tmp.json")
        seeds = model.seeds if model.seeds is not None else np.zeros((0, model.weights.shape[1]), np.float32)
        seed_classes = model.seed_classes if model.seed_classes is not None else np.zeros(0, np.int64)
        np.savez(tmp_npz, weights=model.weights, bias=model.bias, seeds=seeds, seed_classes=seed_classes)
        tmp_json.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp_npz, paths[0])
        os.replace(tmp_json, paths[1])
