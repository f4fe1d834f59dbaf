"""`leefwereld privacy report`: the algorithm register entry and the DPIA starting point follow the running
configuration, keep to the register's field rules, and docs/PRIVACY.md holds the current text."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from monitor_config.loader import DEFAULT_CONFIG
from tests.conftest import FIXTURES

DOC = Path(__file__).resolve().parent.parent / "docs" / "PRIVACY.md"
# Every field of the Algoritmeregister Publicatiestandaard 1.0.0, and those it refuses to publish empty.
REGISTER_FIELDS = {
    "naam", "korte_omschrijving", "organisatie", "thema", "status", "begindatum", "einddatum", "contactgegevens",
    "link_publiekspagina", "publicatiecategorie", "link_bronregistratie", "doel_en_impact", "afwegingen",
    "menselijke_tussenkomst", "risicobeheer", "wettelijke_basis", "link_wettelijke_basis", "titel_wettelijke_basis",
    "verwerkingsregister", "impacttoetsen", "link_impacttoets", "toelichting_impacttoetsen", "gegevens",
    "technische_werking", "leverancier", "link_broncode", "taal", "schema", "bron_id", "zoektermen",
}
MANDATORY = ("naam", "korte_omschrijving", "organisatie", "status", "contactgegevens", "publicatiecategorie",
             "taal", "schema")
LIMITS = {"naam": 100, "korte_omschrijving": 350, "organisatie": 100, "titel_wettelijke_basis": 100,
          "leverancier": 200, "technische_werking": 5000}


def report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, config: Path, *args: str) -> str:
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    monkeypatch.setenv("LEEFWERELD_CONFIG", str(config))
    monkeypatch.delenv("LEEFWERELD_DATABASE_URL", raising=False)
    monkeypatch.delenv("LEEFWERELD_PSEUDONYM_KEY", raising=False)
    result = CliRunner().invoke(app, ["--demo", "privacy", "report", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_register_entry_has_every_field_within_its_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    entry = json.loads(report(monkeypatch, tmp_path, DEFAULT_CONFIG, "--format", "json"))["algoritmeregister"]
    assert set(entry) == REGISTER_FIELDS
    assert all(entry[name] for name in MANDATORY)
    assert entry["status"] in ("In ontwikkeling", "In gebruik", "Buiten gebruik")
    assert entry["publicatiecategorie"] in ("Hoog-risico AI-systemen", "Impactvolle algoritmes", "Overige algoritmes")
    assert (entry["taal"], entry["schema"]) == ("nld", "1.0.0")
    for name, value in entry.items():
        assert "\n" not in value, name
        assert len(value) < LIMITS.get(name, 2500), (name, len(value))


def test_the_report_follows_the_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    small = FIXTURES / "config" / "small.yaml"
    text = small.read_text().replace("retention_days: 30", "retention_days: 45")
    config = tmp_path / "config.yaml"
    config.write_text(text)
    parsed = json.loads(report(monkeypatch, tmp_path, config, "--format", "json"))
    entry, criteria = parsed["algoritmeregister"], {c["code"]: c for c in parsed["dpia"]["wp248_criteria"]}
    assert entry["organisatie"] == "Testorganisatie"
    assert "45 dagen" in entry["gegevens"] and "45 dagen" in entry["risicobeheer"]
    assert "Exposen en online shaming" in entry["menselijke_tussenkomst"]  # the category marked review: true
    assert "Mastodon" in entry["gegevens"] and "nieuwsfeeds (RSS)" in entry["gegevens"]
    assert criteria["7"]["applies"] and criteria["3"]["applies"] and not criteria["2"]["applies"]
    assert "2 zoeklijsten" in criteria["3"]["why"]

    no_review = tmp_path / "no-review.yaml"
    no_review.write_text(text.replace("    review: true\n", ""))
    entry = json.loads(report(monkeypatch, tmp_path, no_review, "--format", "json"))["algoritmeregister"]
    assert "geen categorieën ingesteld die eerst beoordeeld worden" in entry["menselijke_tussenkomst"]


def test_the_markdown_report_names_the_wp248_criteria_and_the_ap_guidance(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    text = report(monkeypatch, tmp_path, DEFAULT_CONFIG)
    assert "## Registratie in het Algoritmeregister" in text and "## Startpunt voor de DPIA" in text
    for criterion in ("Kwetsbare betrokkenen", "Stelselmatige monitoring", "Innovatief gebruik of nieuwe technologie",
                      "Gevoelige of zeer persoonlijke gegevens"):
        assert re.search(rf"\| {criterion} \| ja \|", text), criterion
    assert "Handreiking scrapen van de Autoriteit Persoonsgegevens" in text and "[IN TE VULLEN:" in text


def test_docs_privacy_holds_the_current_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "PRIVACY.md"
    copy.write_text(DOC.read_text(encoding="utf-8"), encoding="utf-8")
    report(monkeypatch, tmp_path, DEFAULT_CONFIG, "--update-doc", str(copy))
    undated = re.compile(r"Gemaakt op \d{4}-\d{2}-\d{2}")
    assert undated.sub("", copy.read_text(encoding="utf-8")) == undated.sub("", DOC.read_text(encoding="utf-8")), (
        "docs/PRIVACY.md is out of date; fix: LEEFWERELD_DEMO=1 leefwereld privacy report --update-doc docs/PRIVACY.md")


def test_a_bad_format_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["--demo", "privacy", "report", "--format", "pdf"])
    assert result.exit_code == 2 and "use one of: md, json" in result.stderr
