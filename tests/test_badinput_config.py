"""A hostile or broken watch configuration is refused in one line that names the problem, quickly and in little
memory: a "billion laughs" of aliases, thousands of nested brackets, odd tags (issue #11)."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from monitor_config import ConfigError
from monitor_config.loader import MAX_ALIASES, parse_config

LEVELS = zip("abcdefgh", "bcdefghi", strict=True)
LAUGHS = "a: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
    f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n" for prev, name in LEVELS)
CASES = {
    "billion laughs": (LAUGHS, "aliases expand to more than"),
    "deep brackets": ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than"),
    "deep mapping": ("".join("  " * n + f"k{n}:\n" for n in range(60)) + "  " * 60 + "v: 1\n", "nested more than"),
    "many aliases": ("a: &x 1\nb: [" + ",".join(["*x"] * (MAX_ALIASES + 1)) + "]\n", "aliases"),
    "python tag": ("a: !!python/name:os.system x\n", "a value cannot be read"),
    "bad int tag": ("a: !!int abc\n", "a value cannot be read"),
    "mapping as key": ("? [a, b]\n: 1\n", "a value cannot be read"),
    "control character": ("a: \x07\n", "not valid YAML"),
    "too large": ("# " + "x" * (3 * 1024 * 1024) + "\n", "larger than"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_is_one_clear_problem(case: str) -> None:
    text, expected = CASES[case]
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "watch.yaml")
    (problem,) = caught.value.problems
    assert expected in problem.message and problem.fix


def test_config_check_prints_one_line_not_a_traceback(tmp_path: Path) -> None:
    for name, text in (("laughs.yaml", LAUGHS), ("deep.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(app, ["config", "check", str(path)])
        assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 3
        assert f"{path}:" in result.output
