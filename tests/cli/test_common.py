"""The shared CLI plumbing: tables that keep words, ids and numbers whole; paths printed whole."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table

from migratielab.cli.common import print_path, whole_words

IDS = ["population-labour-force-20261201T123008-76b073", "reception-robustness-20261127T181123-703aa6"]
LABELS = ["Potential labour force (aged 20 to state pension age), 2040", "Old-age dependency ratio, 2040"]
NUMBERS = [["18,044,027", "0.756", "11,016,468"], ["201,807", "258,804", "1"]]


def rendered(table: Table, width: int) -> str:
    """What a terminal ``width`` characters wide shows of ``table``."""
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(whole_words(table, width))
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


@pytest.mark.parametrize("width", [80, 100, 200])
def test_tables_keep_ids_numbers_and_words_whole(width: int) -> None:
    """Ids and numbers are never cut or folded, labels and headings wrap between words, and the table
    fits the terminal."""
    listing = Table(title="Explorations")
    for header in ("id", "runs (failed)", "sampler, backend, time"):
        listing.add_column(header)
    for identifier in IDS:
        listing.add_row(identifier, "1,024 (0)", "latin_hypercube, processes, 12.5 s")
    regret = Table(title="Regret")
    for header in ("policy", "outcome", "mean regret", "p90 regret", "max regret"):
        regret.add_column(header, justify="right" if "regret" in header else "left")
    for label, numbers in zip(LABELS, NUMBERS, strict=True):
        regret.add_row("labour_non_eu=0.5", label, *numbers)
    text = rendered(listing, width) + rendered(regret, width)
    lines = text.splitlines()
    assert "…" not in text
    assert max(len(line) for line in lines) <= width
    assert all(any(identifier in line for line in lines) for identifier in IDS)
    assert all(f" {number} " in text for numbers in NUMBERS for number in numbers)
    printed = set(text.split())
    assert {word for label in LABELS for word in label.split()} <= printed
    assert {"mean", "p90", "max", "regret", "latin_hypercube,", "(failed)"} <= printed


def test_a_table_that_fits_is_left_as_it_is() -> None:
    """A table narrower than the terminal keeps Rich's natural layout (one line per row)."""
    table = Table()
    table.add_column("id")
    table.add_column("runs", justify="right")
    table.add_row(IDS[0], "1,000")
    assert len(rendered(table, 200).splitlines()) == 5
    assert all(column.width is None for column in table.columns)


def test_paths_are_printed_whole_on_one_line(tmp_path: Path) -> None:
    """A path longer than the terminal is one unbroken line (the terminal folds it, Rich does not)."""
    path = tmp_path / "a-long-folder-name" / "with-several-levels" / "report[1].html"
    console = Console(width=40, file=io.StringIO(), color_system=None)
    print_path("Report", path, console)
    assert isinstance(console.file, io.StringIO)
    assert console.file.getvalue() == f"Report: {path}\n"
