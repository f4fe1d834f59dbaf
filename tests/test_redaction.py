"""The redaction as people write contact details and names, measured on the labelled set, and its file contract."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from bench.redaction import CONTACT_KINDS, DATA, evaluate
from models.redaction import find_spans, redact


@pytest.mark.parametrize(("text", "shown"), [
    ("snap: sanne.xo", "snap: [gebruiker]"),
    ("sc: daan_010 voor de groep", "sc: [gebruiker] voor de groep"),
    ("IG: noor.2009 (priv)", "IG: [gebruiker] (priv)"),
    ("insta ➜ milafc", "insta ➜ [gebruiker]"),
    ("mail naam [at] gmail [dot] com", "mail [e-mail]"),
    ("mail naam (at) hotmail (dot) nl", "mail [e-mail]"),
    ("mail kim at gmail dot com", "mail [e-mail]"),
    ("mail kim apenstaartje ziggo punt nl", "mail [e-mail]"),
    ("kim＠gmail.com", "[e-mail]"),
    ("＠lil_joey", "@[gebruiker]"),
    ("@sa\u200bnne_xo kijk", "@[gebruiker] kijk"),
    ("06\u200b1234\u200b5678", "[telefoonnummer]"),
    ("@" + "heel_lange_naam_" * 3 + "einde", "@[gebruiker]"),
    ("alles op linktr.ee/sanne.xo", "alles op [profiel-link]"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&ab_channel=SanneVlogs", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://www.youtube.com/@sannevlogt", "[profiel-link]"),
    ("Sanne de Vries is echt fake", "[naam] is echt fake"),
    ("wie kent mohamed el amrani?", "wie kent [naam]?"),
    ("Emre Yılmaz uit 3B", "[naam] uit 3B"),
    ("volg @kim@mastodon.nl", "volg @[gebruiker]"),
])
def test_masks_contact_details_as_people_write_them(text: str, shown: str) -> None:
    assert redact(text) == shown


@pytest.mark.parametrize("text", [
    "nieuwe airpods voor €89,99, om 20:15 bij de metro op 12-10-2026",
    "postcode 1017 GC, bestelnummer 4839201734, score 3-1",
    "bel 112 bij nood, praat erover: 113 of 0800-0113",
    "Albert Heijn op het plein is dicht, morgen Ajax - Feyenoord",
    "snap is weer down, ig story was cringe, insta is saai",
    "https://www.instagram.com/p/C1a2B3c4D5e/ en https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "Sanne ging gisteren naar de Efteling",
])
def test_leaves_look_alikes_alone(text: str) -> None:
    assert redact(text) == text


def test_spans_point_into_the_text_as_given() -> None:
    text = "hoi sa\u200bnne＠gmail.com, bel 06-12345678"
    kinds = [(text[s.start:s.end], s.kind) for s in find_spans(text)]
    assert kinds == [("sa\u200bnne＠gmail.com", "email"), ("06-12345678", "phone")]
    assert redact(redact(text)) == redact(text)


def test_meets_its_aims_on_the_labelled_set() -> None:
    lines = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    tally = evaluate(lines, redact, "all")
    contacts, contact_total = tally.recall(CONTACT_KINDS)
    names, name_total = tally.recall(("name",))
    assert len(lines) >= 300 and contact_total >= 250 and name_total >= 80
    assert contacts / contact_total >= 0.99, tally.misses
    assert names / name_total >= 0.95, tally.misses
    assert tally.lookalikes_changed / tally.lookalikes <= 0.02, tally.misses


def test_redact_contract(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "app Sanne de Vries 06-12345678", "extra": "x"}\n\n'
                      '{"id": "b", "text": "om 20:15 bij de metro"}\n', encoding="utf-8")
    out = tmp_path / "out" / "redacted.jsonl"
    result = CliRunner().invoke(app, ["redact", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in out.read_text().splitlines()] == [
        {"id": 1, "text": "app [naam] [telefoonnummer]"}, {"id": "b", "text": "om 20:15 bij de metro"}]


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": 1, "text": "ok"}\n{"id": 2}\n', 'in.jsonl:2: each line needs "id" and a string "text"'),
    ('{"id": 1, "text": "ok"}\nnot json\n', "in.jsonl:2: not valid JSON"),
    ('{"text": "zonder id"}\n', 'in.jsonl:1: each line needs "id"'),
])
def test_redact_contract_names_the_bad_line_and_writes_nothing(tmp_path: Path, content: str, message: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["redact", str(source), "--out", str(out)])
    assert result.exit_code == 1 and message in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [source]
