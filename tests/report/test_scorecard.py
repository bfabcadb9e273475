"""The scorecard report in Dutch: Dutch reasons, definitions without ids, one title."""

from __future__ import annotations

import re
from pathlib import Path

from migratielab.presentation.catalogue import text
from migratielab.report.scorecard import write_scorecard_report
from migratielab.scenario import load_scenario
from migratielab.service.scorecard import scorecard

ROOT = Path(__file__).resolve().parents[2]


def test_dutch_scorecard_report_words_reasons_and_definitions_in_dutch(tmp_path: Path) -> None:
    """Without the municipalities the missing lines name them in Dutch; definitions start with the
    Dutch label (no ``[entry_id]`` or IAMC name first); the bundled name is Dutch; h1 differs from h2."""
    scenario = load_scenario(ROOT / "scenarios" / "integral_example.yaml").model_copy(
        update={"runs": 2, "end_year": 2026, "municipal": None, "labour": None}
    )
    card = scorecard(scenario)
    page = write_scorecard_report(tmp_path / "kaart.html", card, "nl").read_text(encoding="utf-8")
    body = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert "pillar not in" not in body and "outside the horizon" not in body
    assert text("scorecard.missing_pillars", "nl", detail=text("module.municipal", "nl")) in body
    assert "[decision_wait]" not in body and "<li>Indicator|" not in body
    wait = card.result("decision_wait").entry.label("nl")
    assert re.search(rf"<li>{re.escape(wait)}: [^<]*variabele van de asielketen", body)
    h1 = re.findall(r"<h1>(.*?)</h1>", body)
    assert h1 == ["Scorekaart: Integraal voorbeeld 2025-2049"]
    assert h1[0] not in re.findall(r"<h2>(.*?)</h2>", body)


def test_bundled_integral_example_runs_every_pillar() -> None:
    """The scorecard of the bundled integral example computes every line within its horizon."""
    scenario = load_scenario(ROOT / "scenarios" / "integral_example.yaml")
    assert scenario.municipal is not None and scenario.labour is not None
    card = scorecard(scenario.model_copy(update={"runs": 2, "end_year": 2041}))
    assert [r.entry.id for r in card.results if r.reason is not None and r.reason[0] == "pillars"] == []
