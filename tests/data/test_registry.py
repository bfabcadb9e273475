"""The bundled registry and value files: complete, sourced, consistent; bad registries fail clearly."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from migratielab.data.bundle import REGISTRY_FILE, VALUES_DIR, assemble
from migratielab.data.observations import read_rows
from migratielab.data.registry import load_registry
from migratielab.errors import InputError

REQUIRED_IDS = {
    "asylum.first_applications", "asylum.repeat_applications", "asylum.family_followers",
    "asylum.total_inflow", "ind.decisions", "ind.recognition_rate", "ind.backlog",
    "ind.backlog_family", "ind.staff", "coa.occupancy", "coa.occupancy_emergency",
    "coa.outside_coa", "coa.capacity", "coa.status_holders_waiting", "municipal.housing_quota",
    "municipal.status_holders_housed", "departures.independent", "departures.forced",
    "departures.unsupervised", "departures.dtv_total", "dtv.intake",
    "coa.cost_per_resident_regular", "coa.cost_per_resident_emergency", "coa.total_cost",
}  # fmt: skip
DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@pytest.fixture(scope="module")
def registry() -> dict:
    return load_registry(REGISTRY_FILE)


@pytest.fixture(scope="module")
def csv_rows() -> list[dict[str, str]]:
    rows = []
    for path in sorted(VALUES_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows += [row | {"file": path.name} for row in csv.DictReader(handle)]
    return rows


def test_required_series_are_registered(registry: dict) -> None:
    assert set(registry) >= REQUIRED_IDS


def test_every_series_has_values_and_every_value_a_series(registry: dict, csv_rows: list) -> None:
    with_values = {row["series_id"] for row in csv_rows}
    assert with_values == set(registry)


def test_every_entry_names_publisher_date_and_definition(registry: dict) -> None:
    for series_id, info in registry.items():
        assert info.publisher and info.table and info.definition and info.unit, series_id
        assert DATE.fullmatch(info.date), series_id
        for key, source in info.sources.items():
            assert source.publisher and source.title and DATE.fullmatch(source.date), key


def test_every_listed_source_is_cited_by_a_value(registry: dict, csv_rows: list) -> None:
    cited = defaultdict(set)
    for row in csv_rows:
        cited[row["series_id"]].add(row["source"])
    for series_id, info in registry.items():
        assert set(info.sources) == cited[series_id], series_id


def test_every_catalogue_source_is_used() -> None:
    raw = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    used = {key for entry in raw["series"].values() for key in entry["sources"]}
    assert set(raw["sources"]) == used


def test_urls_are_complete_addresses(registry: dict) -> None:
    for info in registry.values():
        for key, source in info.sources.items():
            assert source.url is None or re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}/\S+", source.url), key


def test_value_flags_match_confidence_and_notes() -> None:
    rows = assemble([]).rows
    for row in rows:
        if {"approx", "lower_bound", "derived"} & set(row.flags):
            assert row.confidence in ("M", "L"), row.origin
        if "derived" in row.flags:
            assert row.note.startswith("derived:"), row.origin
        if "partial" in row.flags:
            assert "only" in row.note, row.origin


def test_values_are_plausible(registry: dict) -> None:
    for row in assemble([]).rows:
        assert row.value >= 0, row.origin
        if registry[row.series_id].unit == "share (0-1)":
            assert row.value <= 1, row.origin
        if registry[row.series_id].frequency == "snapshot":
            assert registry[row.series_id].kind == "stock", row.series_id


def test_annual_first_applications_say_which_count_was_chosen(csv_rows: list) -> None:
    annual = [
        row for row in csv_rows if row["series_id"] == "asylum.first_applications" and len(row["period"]) == 4
    ]
    assert sorted(int(row["period"]) for row in annual) == list(range(2010, 2026))
    for row in annual:
        assert re.search(r"\b(IND|RVK|CBS)\b", row["note"]), row["period"]


def test_dtv_totals_equal_the_sum_of_their_parts(csv_rows: list) -> None:
    values = {(row["series_id"], row["period"]): float(row["value"]) for row in csv_rows}
    for year in range(2015, 2020):
        parts = sum(
            values[(f"departures.{part}", str(year))] for part in ("independent", "forced", "unsupervised")
        )
        assert values[("departures.dtv_total", str(year))] == parts


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "series.yaml"
    path.write_text(text, encoding="utf-8")
    return path


SOURCE = "sources:\n  s1: {publisher: CBS, title: T, date: '2020', confidence: H}\n"
ENTRY_FIELDS = {"description": "d", "unit": "persons", "frequency": "annual", "kind": "flow"}
ENTRY = "".join(
    f"    {key}: {value}\n" for key, value in (ENTRY_FIELDS | {"confidence": "H", "definition": "x"}).items()
)


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path, SOURCE + "series:\n  a.b:\n" + ENTRY + "    sources: [s1]\n    colour: red\n")
    with pytest.raises(InputError, match=r"series\.yaml: series\.a\.b\.colour: unknown key") as caught:
        load_registry(path)
    assert caught.value.source == str(path)


def test_unknown_source_reference_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, SOURCE + "series:\n  a.b:\n" + ENTRY + "    sources: [s1, s9]\n")
    with pytest.raises(InputError, match=r"series\.a\.b\.sources\.1: a key under 'sources' \(got 's9'\)"):
        load_registry(path)


def test_bad_frequency_and_bad_id_are_named(tmp_path: Path) -> None:
    bad_frequency = ENTRY.replace("annual", "weekly")
    with pytest.raises(InputError, match=r"series\.a\.b\.frequency"):
        load_registry(_write(tmp_path, SOURCE + "series:\n  a.b:\n" + bad_frequency + "    sources: [s1]\n"))
    with pytest.raises(InputError, match=r"series\.Occupancy: an id like"):
        load_registry(_write(tmp_path, SOURCE + "series:\n  Occupancy:\n" + ENTRY + "    sources: [s1]\n"))


def test_value_file_errors_name_row_and_column() -> None:
    header = "series_id,period,value,source,confidence,flags,note\n"
    with pytest.raises(InputError, match=r"x\.csv: row 2, column period: a period like"):
        read_rows(header + "a.b,2015-Q5,1,,,,\n", "x.csv")
    with pytest.raises(InputError, match=r"x\.csv: row 3, column value: a number"):
        read_rows(header + "a.b,2015,1,,,,\na.b,2016,many,,,,\n", "x.csv")
    with pytest.raises(InputError, match=r"x\.csv: row 2, column flags"):
        read_rows(header + "a.b,2015,1,,,roughly,\n", "x.csv")
    with pytest.raises(InputError, match=r"x\.csv: header"):
        read_rows("series,period,value\n", "x.csv")
