"""docs/CONFIGURATION.md is what an administrator reads: it must name every classifier setting and its example
must load."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from monitor_config.schema import CategorySettings, ClassifierConfig
from monitor_config.trends import TrendSettings

DOC = (Path(__file__).resolve().parent.parent / "docs" / "CONFIGURATION.md").read_text(encoding="utf-8")
SECTION = DOC[DOC.index("## `classifier`"):DOC.index("## Collecting")]


def test_every_trend_setting_is_documented_with_its_default() -> None:
    for name, field in TrendSettings.model_fields.items():
        rows = [line for line in SECTION.splitlines() if line.startswith("| `")]
        row = next((line for line in rows if f"`{name}`" in line.split("|")[1]), None)
        assert row is not None, f"trends.{name} is missing from docs/CONFIGURATION.md"
        names = re.findall(r"`(\w+)`", row.split("|")[1])
        defaults = re.findall(r"`([^`]+)`", row.split("|")[2])
        default = field.default
        shown = "null" if default is None else str(default).lower() if isinstance(default, bool) else str(default)
        assert defaults[names.index(name)] == shown, f"trends.{name}: documented {defaults}, default {shown}"


def test_the_documented_classifier_example_loads() -> None:
    found = re.search(r"```yaml\n(classifier:.*?)```", SECTION, re.S)
    assert found, "docs/CONFIGURATION.md has no classifier example"
    example = found.group(1)
    config = ClassifierConfig.model_validate(yaml.safe_load(example)["classifier"])
    assert config.embedder.kind == "use-m3" and config.trends.new_theme_authors is None


def test_every_category_setting_is_documented_with_its_default() -> None:
    rows = [line for line in SECTION.splitlines() if line.startswith("| `categories.")]
    for name, field in CategorySettings.model_fields.items():
        row = next((line for line in rows if line.split("|")[1].strip() == f"`categories.{name}`"), None)
        assert row is not None, f"categories.{name} is missing from docs/CONFIGURATION.md"
        default = field.get_default(call_default_factory=True)
        assert row.split("|")[3].strip() == f"`{default}`", f"categories.{name}: documented {row.split('|')[3]}"
    assert len(rows) == len(CategorySettings.model_fields), "a documented category setting does not exist"
