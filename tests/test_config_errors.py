"""Malformed watch configurations: each gives the exact error a user sees, with line, field and fix."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from monitor_config import ConfigError, parse_config

CATEGORY = """\
categories:
  - name: gelblasters
    title: Gelblasters
    description: Filmpjes met gelblasters.
    examples:
      nl: ["gelblaster challenge bij school", "wie heeft een gelblaster"]
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(textwrap.dedent(text), "watch.yaml")
    return [p.render(caught.value.path) for p in caught.value.problems]


CASES = {
    "typo in a field": (
        CATEGORY + "retention_dagen: 30\n",
        ["watch.yaml:7: retention_dagen: unknown field 'retention_dagen'. Fix: remove it or correct the spelling; "
         "did you mean 'retention_days'?"],
    ),
    "missing title": (
        "categories:\n  - name: drill\n    description: x\n    examples: {nl: [a, b]}\n",
        ["watch.yaml:2: categories.0.title: required field 'title' is missing. Fix: add 'title: ...'."],
    ),
    "bad severity": (
        CATEGORY + "    severity: huge\n",
        ["watch.yaml:7: categories.0.severity: Input should be 'low', 'medium', 'high' or 'critical' (got 'huge'). "
         "Fix: use one of the values listed."],
    ),
    "too few examples": (
        "categories:\n  - name: drill\n    title: Drill\n    description: x\n    examples: {nl: [alleen een]}\n",
        ["watch.yaml:5: categories.0.examples: a category needs at least two seed example posts. Fix: add short "
         "example posts under 'examples.nl' (Dutch) and/or 'examples.en' (English)."],
    ),
    "upper-case name": (
        CATEGORY.replace("name: gelblasters", "name: Gel Blasters"),
        ["watch.yaml:2: categories.0.name: category name 'Gel Blasters' is not usable as an identifier. Fix: use "
         "lower-case letters, digits, '-' or '_' (for example 'online-shaming')."],
    ),
    "unknown source kind": (
        CATEGORY + "sources:\n  - name: tt\n    kind: tiktokapi\n    base_url: https://example.org\n",
        ["watch.yaml:8: sources.0: unknown source kind 'tiktokapi'. Fix: use one of: rss, youtube, mastodon, "
         "bluesky, telegram, reddit, html, zeeschuimer."],
    ),
    "secret instead of an environment variable name": (
        CATEGORY + "sources:\n  - name: m\n    kind: mastodon\n    base_url: https://mastodon.nl\n"
        "    token_env: abc123secrettoken\n",
        ["watch.yaml:11: sources.0.token_env: 'abc123secrettoken' is not the name of an environment variable. Fix: "
         "give the NAME of the variable that holds the secret (for example MASTODON_TOKEN) and set the secret "
         "itself in the environment, never in this file."],
    ),
    "bad base_url": (
        CATEGORY + "sources:\n  - name: m\n    kind: mastodon\n    base_url: mastodon.nl\n",
        ["watch.yaml:10: sources.0.base_url: Input should be a valid URL, relative URL without a base "
         "(got 'mastodon.nl'). Fix: see the field's description in docs/CONFIGURATION.md."],
    ),
    "watchlist with an undefined category": (
        CATEGORY + "watchlists:\n  - name: w\n    category: gelblaster\n    keywords: [gelblaster]\n",
        ["watch.yaml:9: watchlists.0.category: category 'gelblaster' is not defined. Fix: did you mean "
         "'gelblasters'?"],
    ),
    "watchlist with an undefined source": (
        CATEGORY + "watchlists:\n  - name: w\n    category: gelblasters\n    keywords: [x]\n    sources: [mastodn]\n",
        ["watch.yaml:11: watchlists.0.sources.0: source 'mastodn' is not defined under 'sources'. Fix: add it under "
         "'sources' or remove it here."],
    ),
    "schedule too frequent": (
        CATEGORY + "watchlists:\n  - name: w\n    category: gelblasters\n    keywords: [x]\n"
        "    schedule: {interval: 1m}\n",
        ["watch.yaml:11: watchlists.0.schedule: interval '1m' is shorter than 5 minutes, which is impolite to the "
         "sources. Fix: use '5m' or longer."],
    ),
    "schedule of zero minutes": (
        CATEGORY + "watchlists:\n  - name: w\n    category: gelblasters\n    keywords: [x]\n"
        "    schedule: {interval: 0m}\n",
        ["watch.yaml:11: watchlists.0.schedule.interval: interval '0m' is not understood. Fix: a number above zero "
         "and a unit s, m, h, d or w, for example '30m' or '6h'."],
    ),
    "window in seconds": (
        CATEGORY + "classifier:\n  window: 30s\n",
        ["watch.yaml:8: classifier.window: window '30s' is not a duration. Fix: write it like '1h', '6h' or '1d'."],
    ),
    "invalid cron": (
        CATEGORY + "watchlists:\n  - name: w\n    category: gelblasters\n    keywords: [x]\n"
        "    schedule: {cron: '61 * * * *'}\n",
        None,  # the library's own wording; checked below for line and fix
    ),
    "watchlist without terms": (
        CATEGORY + "watchlists:\n  - name: w\n    category: gelblasters\n",
        ["watch.yaml:8: watchlists.0: a watchlist needs at least one keyword or hashtag. Fix: add "
         "'keywords: [...]' or 'hashtags: [...]'."],
    ),
    "duplicate key": (
        CATEGORY + "retention_days: 30\nretention_days: 60\n",
        ["watch.yaml:8: retention_days: key 'retention_days' appears twice (first on line 7). Fix: keep one of them."],
    ),
    "broken YAML": (
        CATEGORY + "watchlists: [unclosed\n",
        ["watch.yaml:8: (yaml): not valid YAML: expected ',' or ']', but got '<stream end>'. Fix: check indentation "
         "and quoting."],
    ),
    "two categories with one name": (
        CATEGORY + CATEGORY.removeprefix("categories:\n"),
        ["watch.yaml:7: categories.1.name: name 'gelblasters' is used twice in categories (also item 0). Fix: give "
         "each entry its own name."],
    ),
}


@pytest.mark.parametrize("case", [c for c, (_, expected) in CASES.items() if expected is not None])
def test_each_mistake_gives_the_exact_error(case: str) -> None:
    text, expected = CASES[case]
    assert problems(text) == expected


def test_invalid_cron_names_line_field_and_an_example() -> None:
    (rendered,) = problems(CASES["invalid cron"][0])
    assert rendered.startswith("watch.yaml:11: watchlists.0.schedule.cron: cron expression '61 * * * *' is invalid")
    assert "Fix: use five fields 'minute hour day month weekday'" in rendered


def test_every_problem_is_reported_not_just_the_first() -> None:
    text = CATEGORY + "    severity: huge\nretention_days: 0\nwatchlists:\n  - name: w\n    category: gelblasters\n"
    fields = [line.split(": ")[1] for line in problems(text)]
    assert fields == ["retention_days", "categories.0.severity", "watchlists.0"]


def test_config_check_command_reports_and_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "watch.yaml"
    bad.write_text(CATEGORY + "retention_dagen: 30\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["config", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:7: retention_dagen: unknown field 'retention_dagen'" in result.stderr

    as_json = CliRunner().invoke(app, ["config", "check", str(bad), "--json"])
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    assert report["valid"] is False and report["problems"][0]["line"] == 7


def test_config_check_accepts_a_valid_file() -> None:
    path = Path(__file__).with_name("fixtures") / "config" / "small.yaml"
    result = CliRunner().invoke(app, ["config", "check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"valid": True, "path": str(path), "categories": 2, "watchlists": 2,
                                         "sources": 2, "browser_overrides": [], "problems": []}


def test_missing_file_says_which_path() -> None:
    result = CliRunner().invoke(app, ["config", "check", "/nonexistent/watch.yaml"])
    assert result.exit_code == 1
    assert "/nonexistent/watch.yaml: (file): the file does not exist" in result.stderr
