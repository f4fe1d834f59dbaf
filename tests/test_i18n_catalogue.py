"""The one catalogue (`api.i18n`): every key in both languages, one fallback rule, and every key the code and the
templates ask for exists, so a typo fails here rather than on a reader's page or in a sent e-mail."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from api.i18n import CATALOGUES, DUTCH, ENGLISH, MissingText, translate
from api.templating import TEMPLATE_DIR

ROOT = Path(__file__).resolve().parent.parent
LOOKUPS = ("translate", "_t")  # `api.i18n.translate`, imported as `_t` by api.explain


def one_sided(dutch: dict[str, str], english: dict[str, str]) -> dict[str, list[str]]:
    return {"only Dutch": sorted(set(dutch) - set(english)), "only English": sorted(set(english) - set(dutch))}


def test_every_key_is_in_dutch_and_in_english() -> None:
    assert one_sided(DUTCH, ENGLISH) == {"only Dutch": [], "only English": []}


def test_the_check_names_a_key_in_one_language_only() -> None:
    assert one_sided({**DUTCH, "probe.nl": "alleen Nederlands"}, {**ENGLISH, "probe.en": "English only"}) == {
        "only Dutch": ["probe.nl"], "only English": ["probe.en"]}


def test_both_languages_fill_in_the_same_values() -> None:
    for key, text in DUTCH.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", ENGLISH[key])), key


def test_one_fallback_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(DUTCH, "probe.dutch_only", "alleen {what}")
    assert translate("en", "probe.dutch_only", what="Nederlands") == "alleen Nederlands"  # missing English: Dutch
    assert translate("de", "digest.why") == "Waarom gesignaleerd"  # an unknown language: Dutch
    assert translate("en", "digest.why") == "Why it was flagged"
    with pytest.raises(MissingText, match="'digest.whyy'.*api/i18n/nl.py"):
        translate("en", "digest.whyy")
    with pytest.raises(KeyError):  # a MissingText is a KeyError
        translate("nl", "nothing.here")


def test_count_one_takes_the_singular_when_there_is_one() -> None:
    assert translate("nl", "admin.sources.stored", count=1) != translate("nl", "admin.sources.stored", count=2)
    assert translate("en", "digest.uncategorised", count=1).endswith(": 1 (see the trends overview).")


def asked(node: ast.expr, keys: set[str], prefixes: set[str]) -> None:
    """The keys a lookup's key argument can be: "a.b", "a.b" if ... else "a.c", f"a.{x}" and "a." + x (prefixes)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        keys.add(node.value)
    elif isinstance(node, ast.IfExp):
        asked(node.body, keys, prefixes)
        asked(node.orelse, keys, prefixes)
    elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        prefixes.add(str(node.values[0].value))
    elif isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant):
        prefixes.add(str(node.left.value))


def keys_asked_in_code() -> tuple[set[str], set[str]]:
    """The keys (and key prefixes) the Python code of `api` passes to the lookup."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    for path in sorted((ROOT / "api").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and len(node.args) >= 2 and getattr(node.func, "id", None) in LOOKUPS:
                asked(node.args[1], keys, prefixes)
    return keys, prefixes


def keys_asked_in_templates() -> tuple[set[str], set[str]]:
    asked = set()
    for template in TEMPLATE_DIR.rglob("*"):
        if template.suffix in (".html", ".txt", ".j2"):
            asked |= set(re.findall(r"_\('([a-z0-9_.]+)'", template.read_text(encoding="utf-8")))
    prefixes = {key for key in asked if key.endswith(".")}  # `_('run.' ~ status)`
    return asked - prefixes, prefixes


@pytest.mark.parametrize("where", [keys_asked_in_code, keys_asked_in_templates])
def test_every_key_asked_for_exists(where) -> None:
    keys, prefixes = where()
    assert keys and keys - set(DUTCH) == set()
    assert [prefix for prefix in prefixes if not any(key.startswith(prefix) for key in DUTCH)] == []


def test_the_code_asks_for_the_moved_sentences_through_the_one_lookup() -> None:
    keys, prefixes = keys_asked_in_code()
    assert {"why.intro.window", "summary.since", "digest.title", "alert.subject_one", "digest.mail.footer",
            "chart.no_data"} <= keys
    assert {"digest.coverage.", "digest.section.", "summary.ratio.", "duration."} <= prefixes
    assert set(CATALOGUES) == {"nl", "en"}
