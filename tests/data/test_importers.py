"""The CBS StatLine importer: reading the shipped sample, rejecting bad files, importing atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from migratielab.data import importers, store
from migratielab.data.importers import cbs_source, import_into_store, read_cbs_statline_csv
from migratielab.data.registry import SeriesMeta
from migratielab.errors import InputError
from migratielab.service import data as service

FIRST = "EersteAsielverzoekenPersonen_2"
NAREIS = "NareizigersPersonen_4"


def _values(frame: pd.DataFrame, series_id: str) -> dict[str, float]:
    part = frame[frame["series_id"] == series_id]
    return dict(zip(part["period"], part["value"], strict=True))


def test_reads_the_sample_into_a_tidy_frame(sample_csv: Path, totals: dict[str, str]) -> None:
    frame = read_cbs_statline_csv(sample_csv, "83102NED", {FIRST: "cbs.first", NAREIS: "cbs.nareis"}, totals)
    assert list(frame.columns) == ["series_id", "period", "value", "note"]
    first = _values(frame, "cbs.first")
    assert first["2019"] == 22540.0 and first["2022-Q3"] == 11015.0 and first["2022-09"] == 4435.0
    assert len(first) == 13
    nareis = _values(frame, "cbs.nareis")
    assert "2022-01" not in nareis and "2022-02" not in nareis  # "." and empty are missing, not zero
    assert sum(nareis[f"2022-Q{q}"] for q in range(1, 5)) == 10930.0
    assert frame["note"].iloc[0] == f"CBS StatLine 83102NED, column {FIRST}, period 2019JJ00"


def test_filters_select_another_dimension_code(sample_csv: Path) -> None:
    filters = {"Geslacht": "T001038", "Nationaliteit": "NAT_UA"}
    frame = read_cbs_statline_csv(sample_csv, "83102NED", {FIRST: "cbs.first_ua"}, filters)
    assert _values(frame, "cbs.first_ua") == {"2023": 600.0}


def test_several_rows_per_period_need_filters(sample_csv: Path) -> None:
    with pytest.raises(
        InputError,
        match=r"row 15: one row per period \(2022JJ00 also on row 5\); keep one code of Nationaliteit with",
    ) as caught:
        read_cbs_statline_csv(sample_csv, "83102NED", {FIRST: "cbs.first"})
    assert caught.value.source == str(sample_csv)


def test_bad_value_names_file_row_and_column(bad_csv: Path, totals: dict[str, str]) -> None:
    with pytest.raises(
        InputError, match=rf"83102NED_bad\.csv: row 9, column {FIRST}: a non-negative number.*'62O5'"
    ):
        read_cbs_statline_csv(bad_csv, "83102NED", {FIRST: "cbs.first"}, totals)


def test_missing_columns_and_bad_table_id(sample_csv: Path) -> None:
    with pytest.raises(InputError, match=r"header: a column 'Asielverzoeken' \(found: ID, Geslacht"):
        read_cbs_statline_csv(sample_csv, "83102NED", {"Asielverzoeken": "cbs.x"})
    with pytest.raises(InputError, match=r"header: a column 'Regio'"):
        read_cbs_statline_csv(sample_csv, "83102NED", {FIRST: "cbs.x"}, {"Regio": "NL01"})
    with pytest.raises(InputError, match="table: a StatLine table id"):
        read_cbs_statline_csv(sample_csv, "asylum", {FIRST: "cbs.x"})


def test_statline_quirks(tmp_path: Path) -> None:
    path = tmp_path / "quirks.csv"
    path.write_text(
        '\ufeff"ID";"Perioden";"Aandeel_1"\n'
        '"0";"2016HJ01";"  12,5 "\n'
        '"1";"2016HJ02";"-"\n'
        '"2";"2017JJ00";"1.234,75"\n'
        '"3";"2018JJ00";"x"\n',
        encoding="utf-8",
    )
    frame = read_cbs_statline_csv(path, "12345ned", {"Aandeel_1": "cbs.share"})
    assert _values(frame, "cbs.share") == {"2016-H1": 12.5, "2016-H2": 0.0, "2017": 1234.75}


def test_malformed_rows_and_periods(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('"ID";"Perioden";"A_1"\n"0";"2016JJ00";"1";"2"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.csv: row 2: 3 fields separated by ';' \(found 4\)"):
        read_cbs_statline_csv(path, "12345NED", {"A_1": "cbs.a"})
    path.write_text('"ID";"Perioden";"A_1"\n"0";"2016X000";"1"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column Perioden: a StatLine period code"):
        read_cbs_statline_csv(path, "12345NED", {"A_1": "cbs.a"})


def test_import_round_trip_new_and_existing_series(fresh_home: Path, sample_csv: Path, totals: dict) -> None:
    columns = {FIRST: "asylum.first_applications", NAREIS: "cbs.nareis"}
    summary = service.import_cbs(sample_csv, "83102NED", columns, totals, unit="persons")
    assert summary.new_series == ["cbs.nareis"] and summary.values["asylum.first_applications"] == 13
    first = store.get_series("asylum.first_applications").set_index("period")
    assert first.loc["2019", "value"] == 22540.0  # the imported CBS count replaces the IND count
    assert first.loc["2019", "source"] == "cbs-83102ned"
    assert first.loc["2018", "value"] == 20353.0  # periods not in the file keep their bundled value
    assert first.loc["2022-09", "value"] == 4435.0
    info = store.series_info("asylum.first_applications")
    assert info.sources["cbs-83102ned"].table == "83102NED" and "CBS" in info.publisher
    nareis = store.series_info("cbs.nareis")
    assert (nareis.unit, nareis.frequency, nareis.publisher) == ("persons", "mixed", "CBS")
    assert store.annual("cbs.nareis")[2021] == 10120.0


def test_reimport_replaces_the_earlier_import(fresh_home: Path, sample_csv: Path, totals: dict) -> None:
    service.import_cbs(sample_csv, "83102NED", {FIRST: "cbs.first", NAREIS: "cbs.nareis"}, totals)
    service.import_cbs(sample_csv, "83102NED", {FIRST: "cbs.first"}, totals)
    ids = {info.series_id for info in store.list_series()}
    assert "cbs.first" in ids and "cbs.nareis" not in ids
    assert sorted(p.name for p in (fresh_home / "imports").iterdir()) == ["cbs-83102ned"]


def test_failed_import_changes_nothing(
    fresh_home: Path, sample_csv: Path, bad_csv: Path, totals: dict
) -> None:
    service.import_cbs(sample_csv, "83102NED", {FIRST: "cbs.first"}, totals)
    before = store.get_series("cbs.first")
    with pytest.raises(InputError, match=r"83102NED_bad\.csv"):
        service.import_cbs(bad_csv, "83102NED", {FIRST: "cbs.first"}, totals)
    frame = pd.DataFrame(
        {"series_id": ["cbs.first", "cbs.first"], "period": ["2030", "2030-Q9"], "value": [1, 2]}
    )
    with pytest.raises(InputError, match=r"import cbs-83102ned: row 3, column period"):
        import_into_store(frame, cbs_source("83102NED", "x"), source_key="cbs-83102ned")
    pd.testing.assert_frame_equal(store.get_series("cbs.first"), before)
    assert sorted(p.name for p in (fresh_home / "imports").iterdir()) == ["cbs-83102ned"]


def test_new_series_need_a_description(fresh_home: Path) -> None:
    frame = pd.DataFrame({"series_id": ["cbs.unknown"], "period": ["2030"], "value": [1.0]})
    with pytest.raises(InputError, match=r"series 'cbs\.unknown': a series in the store or its description"):
        import_into_store(frame, cbs_source("83102NED", "x"), source_key="cbs-x")
    meta = SeriesMeta(
        description="d", unit="u", frequency="annual", kind="flow", confidence="H", definition="x"
    )
    import_into_store(
        frame, cbs_source("83102NED", "x"), source_key="cbs-x", new_series={"cbs.unknown": meta}
    )
    assert store.annual("cbs.unknown").to_dict() == {2030: 1.0}


@pytest.mark.parametrize("text", ["-1", "1e308", "1_000", "١٢٣", "nan", "inf", "0x10", "1e5000"])
def test_statline_cells_refuse_what_is_no_plain_count(text: str) -> None:
    """Negative numbers, huge numbers, underscores, other scripts' digits, NaN and hex are refused."""
    with pytest.raises(ValueError):
        importers._statline_value(text)


@pytest.mark.parametrize("code", ["0000JJ00", "9999MM01", "2015MM13", "2015JJ00x"])
def test_statline_period_codes_outside_the_calendar_are_refused(code: str) -> None:
    """Year 0 or 9999 and impossible months are refused with the expected form."""
    with pytest.raises(ValueError, match="StatLine period code"):
        importers.statline_period(code)


def test_an_oversized_csv_field_is_a_clear_error(tmp_path: Path) -> None:
    """A field of 200 KiB is refused naming the row, not with csv's own error."""
    path = tmp_path / "big.csv"
    path.write_text('ID;Perioden;Waarde_1\n1;2015JJ00;"' + "9" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(InputError, match="row"):
        importers.read_cbs_statline_csv(path, "83102NED", {"Waarde_1": "x"})


def test_a_csv_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    """Latin-1 bytes are refused naming the byte."""
    path = tmp_path / "latin.csv"
    path.write_bytes("ID;Perioden;Waarde_1\n1;2015JJ00;Zeeuws-Vlaanderen \xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        importers.read_cbs_statline_csv(path, "83102NED", {"Waarde_1": "x"})


def test_filters_matching_no_row_are_named_with_the_codes_their_column_has(
    sample_csv: Path, totals: dict[str, str]
) -> None:
    """A code the column never has names that filter and codes it does have; filters that each match
    rows but never together are named all together."""
    with pytest.raises(
        InputError, match=r"--where Nationaliteit=T00105: a code of column Nationaliteit"
    ) as caught:
        read_cbs_statline_csv(
            sample_csv, "83102NED", {FIRST: "cbs.first"}, {**totals, "Nationaliteit": "T00105"}
        )
    assert caught.value.source == str(sample_csv) and totals["Nationaliteit"] in caught.value.expected
    assert "NAT_UA" in caught.value.expected
    together = {"Nationaliteit": "NAT_UA", "Perioden": "2019JJ00"}  # each in the sample, never together
    with pytest.raises(InputError, match="match at least one row together") as caught:
        read_cbs_statline_csv(sample_csv, "83102NED", {FIRST: "cbs.first"}, together)
    assert caught.value.key == "--where Nationaliteit=NAT_UA --where Perioden=2019JJ00"
