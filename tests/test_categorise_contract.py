"""The stateless `categorise` contract: {"id","text"} lines in, {"id","categories"} lines out, in input order."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from classifier.categorise.cache import CategoryModelCache
from classifier.categorise.contract import categorise_file
from classifier.exceptions import InputError
from monitor_config import load_config
from tests.categorise_helpers import TrigramEmbedder

pytestmark = pytest.mark.slow  # runs the command in its own processes

LINES = [{"id": "p1", "text": "wie heeft er nog cobra's en mortierbommen te koop voor oud en nieuw, betaal cash"},
         {"id": 2, "text": "lekker pizza eten vanavond met de fam"},
         {"id": "p3", "text": ""}]


def write_lines(path: Path, lines: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines),
                    encoding="utf-8")
    return path


@pytest.mark.slow
def test_every_input_line_gets_its_categories_or_an_empty_object(use_m3, tmp_path: Path) -> None:
    src, out = write_lines(tmp_path / "in.jsonl", LINES), tmp_path / "out.jsonl"
    found = categorise_file(src, out, use_m3, load_config(), CategoryModelCache(tmp_path / "models"))
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in got] == ["p1", 2, "p3"] and all(set(g) == {"id", "categories"} for g in got)
    assert list(got[0]["categories"]) == ["fireworks"] and 0.5 <= got[0]["categories"]["fireworks"] <= 1.0
    assert got[1]["categories"] == {} and got[2]["categories"] == {}  # abstains
    assert found == 1


def test_an_empty_file_gives_an_empty_file(tmp_path: Path) -> None:
    src, out = write_lines(tmp_path / "in.jsonl", []), tmp_path / "out.jsonl"
    assert categorise_file(src, out, TrigramEmbedder(), load_config(), CategoryModelCache(tmp_path / "m")) == 0
    assert out.read_text(encoding="utf-8") == ""


@pytest.mark.parametrize(("bad", "message"), [
    ("{not json", "in.jsonl:3: not a JSON object"),
    ('{"id": "x"}', "in.jsonl:3: missing text"),
    ('{"id": "x", "text": 12}', "in.jsonl:3: text=12 is not a string"),
    ('{"id": ["x"], "text": "hoi"}', "in.jsonl:3: id=['x'] is not a string or a number"),
])
def test_a_bad_line_is_an_error_that_names_the_line(tmp_path: Path, bad: str, message: str) -> None:
    src = write_lines(tmp_path / "in.jsonl", [LINES[0], "", bad])  # the blank line still counts
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        categorise_file(src, tmp_path / "out.jsonl", TrigramEmbedder(), load_config())
    assert not (tmp_path / "out.jsonl").exists()


def test_the_command_reports_a_bad_line_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    src = write_lines(tmp_path / "in.jsonl", [LINES[1], '{"id": "x"}'])
    result = CliRunner().invoke(app, ["categorise", str(src), "--out", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1 and "in.jsonl:2: missing text" in result.output


@pytest.mark.slow
def test_the_command_writes_the_contract_and_reuses_the_trained_model(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    src, out = write_lines(tmp_path / "in.jsonl", LINES), tmp_path / "out.jsonl"
    written = []
    for _ in range(2):
        result = CliRunner().invoke(app, ["categorise", str(src), "--out", str(out), "--embedder", "use-m3"])
        assert result.exit_code == 0, result.output
        assert "1 posts with a risk category" in result.output
        written.append({p.name: p.stat().st_mtime_ns for p in (tmp_path / "models" / "categories").iterdir()})
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["p1", 2, "p3"]
    assert len(written[0]) == 2 and written[1] == written[0]  # the second run did not train and write it again
