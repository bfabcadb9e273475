"""``migratielab report`` and ``migratielab serve`` as a user runs them."""

from __future__ import annotations

import html as html_text
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from migratielab.cli import app
from migratielab.data import store
from migratielab.presentation.datapage import series_description

runner = CliRunner()


@pytest.mark.parametrize(("lang", "title"), [("nl", "Staat van de migratie"), ("en", "State of migration")])
def test_report_is_self_contained_in_the_chosen_language(tmp_path: Path, lang: str, title: str) -> None:
    """The report has the title in its language, embeds plotly.js and loads nothing from elsewhere."""
    out = tmp_path / "state.html"
    result = runner.invoke(app, ["report", "--out", str(out), "--lang", lang, "--runs", "5"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert f"<title>{title}</title>" in html
    assert f"<html lang='{lang}'>" in html
    assert not re.search(r"<script[^>]+src=", html)
    assert "Plotly" in html
    occupancy = series_description("coa.occupancy", store.series_info("coa.occupancy").description, lang)
    assert f"<li>{html_text.escape(occupancy)}: COA" in html  # figures name their sources in the language


def test_report_rejects_an_unknown_language(tmp_path: Path) -> None:
    """An unsupported --lang exits with code 2 and a clear message; nothing is written."""
    out = tmp_path / "state.html"
    result = runner.invoke(app, ["report", "--out", str(out), "--lang", "de"])
    assert result.exit_code == 2
    assert "--lang must be one of nl, en" in result.output
    assert not out.exists()


def test_report_names_a_missing_scenario_file(tmp_path: Path) -> None:
    """A missing scenario file exits with code 2 naming the file."""
    result = runner.invoke(app, ["report", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert "nope.yaml" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [([], ("127.0.0.1", 8000)), (["--host", "0.0.0.0", "--port", "9001"], ("0.0.0.0", 9001))],
)
def test_serve_binds_to_loopback_by_default(
    monkeypatch: Any, args: list[str], expected: tuple[str, int]
) -> None:
    """``serve`` hands the app to uvicorn on 127.0.0.1:8000 unless told otherwise."""
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(
        uvicorn, "run", lambda application, host, port, **_: seen.update(host=host, port=port)
    )
    result = runner.invoke(app, ["serve", *args])
    assert result.exit_code == 0, result.output
    assert (seen["host"], seen["port"]) == expected
