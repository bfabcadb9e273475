"""The dashboard's exploration report: rendered from the stored tables in the page's language."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from migratielab.cli import app
from migratielab.presentation.catalogue import text
from tests.experiments.conftest import SMALL, write_yaml


def test_report_follows_the_language_of_the_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: TestClient
) -> None:
    """The explorations page links the report in its language; the Dutch report has Dutch headings
    and no column ids, the English one English headings."""
    monkeypatch.setenv("MIGRATIELAB_HOME", str(tmp_path / "home"))
    explored = CliRunner().invoke(app, ["explore", str(write_yaml(tmp_path, copy.deepcopy(SMALL)))])
    assert explored.exit_code == 0, explored.output
    listing = client.get("/explorations?lang=nl").text
    link = re.search(r'href="(/explorations/[^"]+/report\?lang=nl)"', listing)
    assert link is not None
    dutch = re.sub(r"<script.*?</script>", "", client.get(link[1]).text, flags=re.S)
    english = re.sub(r"<script.*?</script>", "", client.get(link[1].replace("nl", "en")).text, flags=re.S)
    for key in ("explore.fans", "explore.robustness"):
        assert f"<h2>{text(key, 'nl')}</h2>" in dutch and f"<h2>{text(key, 'en')}</h2>" in english
    for raw in ("mean_regret", "share_best", "Fan charts", "Robustness", "e+"):
        assert raw not in dutch, raw
