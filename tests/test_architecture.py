"""The tree keeps the flow: no package imports a package above it (docs/ARCHITECTURE.md draws the layers), the
configuration loads without the classifier's heavy libraries, and the web process never loads a model."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("monitor_config", "models", "crawlers", "classifier", "api", "pipeline")
# What each package may import of the project (besides itself), from the bottom of the flow to the top.
ALLOWED: dict[str, set[str]] = {
    "monitor_config": set(),
    "models": {"monitor_config"},
    "crawlers": {"models", "monitor_config"},
    "classifier": {"models", "monitor_config"},
    "api": {"models", "monitor_config", "crawlers"},
    "pipeline": {"models", "monitor_config", "crawlers", "classifier", "api"},
}
# The command line is the one entry point that starts every kind of process: it may reach everything.
ENTRY_POINTS = {"api.cli": {"classifier", "pipeline"}}
# The pipeline joins the domain parts of `api` (alerts, digest, review), never its web layer.
WEB_LAYER = ("api.app", "api.routes", "api.deps", "api.templating", "api.cli")
HEAVY = ("numpy", "torch", "sklearn", "sentence_transformers", "scrapy", "twisted", "lingua")


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def violations() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = module_name(path)
            allowed = ALLOWED[package] | ENTRY_POINTS.get(module, set())
            for line, target in imports(path):
                top = target.split(".")[0]
                if top in PACKAGES and top != package and top not in allowed:
                    found.append(f"{path.relative_to(ROOT)}:{line}: {package} imports {target}")
                if package == "pipeline" and target.startswith(WEB_LAYER):
                    found.append(f"{path.relative_to(ROOT)}:{line}: the pipeline imports the web layer ({target})")
    return found


def test_no_package_imports_against_the_flow() -> None:
    assert violations() == []


def test_the_check_catches_an_import_against_the_flow(tmp_path: Path) -> None:
    wrong = ROOT / "models" / "_architecture_probe.py"
    wrong.write_text("from api.alerts import enqueue_alerts\n", encoding="utf-8")
    try:
        assert violations() == ["models/_architecture_probe.py:1: models imports api.alerts"]
    finally:
        wrong.unlink()


@pytest.mark.parametrize(("code", "absent"), [
    ("from monitor_config.settings import load_settings; load_settings().watch", HEAVY),
    ("from api.app import create_app; from models.db import make_engine; from monitor_config.settings import "
     "load_settings; create_app(load_settings(demo=True), engine=make_engine('sqlite://'))",
     ("torch", "sklearn", "sentence_transformers", "scrapy", "twisted", "classifier", "pipeline")),
])
def test_light_processes_do_not_load_heavy_libraries(code: str, absent: tuple[str, ...], tmp_path: Path) -> None:
    probe = f"import sys\n{code}\nprint(sorted({{m.split('.')[0] for m in sys.modules}} & set({absent!r})))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={"LEEFWERELD_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


# Every sentence users read has one owner, `api.i18n` (codes: `monitor_config.vocabulary`): no other module keeps
# a dictionary of its own Dutch and English texts.
TEXT_OWNER = ROOT / "api" / "i18n"
TEXT_PACKAGES = ("api", "pipeline", "classifier", "crawlers", "models")


def own_text_dicts() -> list[str]:
    found = []
    for package in TEXT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if TEXT_OWNER in path.parents or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Dict):
                    keys = {key.value for key in node.keys if isinstance(key, ast.Constant)}
                elif isinstance(node, ast.Call):
                    keys = {keyword.arg for keyword in node.keywords}
                else:
                    continue
                if {"nl", "en"} <= keys:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: Dutch and English texts outside api/i18n")
    return found


def test_no_module_outside_api_i18n_keeps_its_own_dutch_and_english_texts() -> None:
    assert own_text_dicts() == []


def test_the_check_catches_a_text_dict_of_its_own() -> None:
    wrong = ROOT / "api" / "_texts_probe.py"
    wrong.write_text('WORDS = {"nl": {"hello": "hallo"}, "en": {"hello": "hello"}}\nLABEL = dict(nl="ja", en="yes")\n',
                     encoding="utf-8")
    try:
        assert own_text_dicts() == ["api/_texts_probe.py:1: Dutch and English texts outside api/i18n",
                                    "api/_texts_probe.py:2: Dutch and English texts outside api/i18n"]
    finally:
        wrong.unlink()
