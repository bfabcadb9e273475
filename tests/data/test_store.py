"""The DuckDB store: reading series, the annual() rules, rebuilds and concurrent builders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from migratielab.data import store
from migratielab.data.importers import cbs_source, import_into_store
from migratielab.data.registry import SeriesMeta
from migratielab.errors import InputError


def test_store_lives_in_migratielab_home(shared_home: Path) -> None:
    store.list_series()
    assert store.store_path() == shared_home / "store.duckdb"
    assert store.store_path().is_file()


def test_list_and_info_carry_sources() -> None:
    ids = [info.series_id for info in store.list_series()]
    assert ids[0] == "asylum.first_applications" and "coa.occupancy" in ids
    info = store.series_info("coa.occupancy")
    assert info.unit == "persons" and info.kind == "stock" and info.publisher.split(", ")[0] == "COA"
    assert info.url == "https://coa.nl/nl/over-coa/bezetting"
    assert info.sources["coa-capaciteit-bezetting"].confidence == "H"


def test_unknown_series_suggests_close_matches() -> None:
    with pytest.raises(InputError, match=r"series 'coa.ocupancy'.*Did you mean 'coa.occupancy'"):
        store.get_series("coa.ocupancy")
    with pytest.raises(InputError, match=r"Did you mean 'ind\.backlog'"):
        store.series_info("ind.backlg")
    with pytest.raises(InputError, match="see 'migratielab data list'"):
        store.annual("nothing.like.it")


def test_get_series_columns_types_and_order() -> None:
    frame = store.get_series("asylum.first_applications")
    assert list(frame.columns) == ["period", "value", "confidence", "flags", "source", "note"]
    assert frame["value"].dtype == float
    periods = list(frame["period"])
    assert periods[:2] == ["2010", "2011"] and periods.index("2024") < periods.index("2014-H1")
    assert periods.index("2022-Q4") < periods.index("2015-07")
    row = frame.set_index("period").loc["2023"]
    assert (row["value"], row["flags"], row["source"]) == (38375.0, "provisional", "cbs-80059ned")


def test_stock_series_are_in_date_order() -> None:
    periods = list(store.get_series("coa.occupancy")["period"])
    assert periods.index("2015-09-14") < periods.index("2015") < periods.index("2016")
    assert periods.index("2019-11-11") < periods.index("2019") < periods.index("2020-06-01")


def test_annual_flow_uses_only_year_periods() -> None:
    first = store.annual("asylum.first_applications")
    assert first.index.dtype == "int64" and first.dtype == float
    assert list(first.index) == list(range(2010, 2026))
    assert first[2018] == 20353.0  # the IND count, not the sum of CBS quarters (20,515)
    assert first[2022] == 35535.0


def test_annual_stock_takes_the_year_end_level() -> None:
    occupancy = store.annual("coa.occupancy")
    assert occupancy[2015] == 47764.0
    assert occupancy[2022] == 52000.0  # "2022" (end 2022) wins over the 5 December snapshot
    assert occupancy[2023] == 63000.0  # no "2023": the December 2023 level
    assert 2020 not in occupancy.index and 2021 not in occupancy.index  # no year-end level known
    backlog = store.annual("ind.backlog_family")
    assert backlog[2023] == 26630.0


def test_annual_leaves_out_partial_years_unless_asked() -> None:
    assert 2023 not in store.annual("departures.forced").index
    assert store.annual("departures.forced", include_partial=True)[2023] == 1990.0


def test_connect_is_read_only_sql_access() -> None:
    with store.connect() as con:
        total = con.execute(
            "SELECT value FROM observations WHERE series_id = 'asylum.total_inflow' AND period = '2024'"
        ).fetchone()
        assert total == (45640.0,)
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM observations")


def _stock_frame() -> pd.DataFrame:
    rows = [("2030-12-05", 5.0), ("2030-12", 4.0), ("2031-12", 7.0), ("2032-06-30", 9.0), ("2033", 1.0)]
    return pd.DataFrame(
        {"series_id": "test.level", "period": [p for p, _ in rows], "value": [v for _, v in rows]}
    )


def test_year_end_rule_prefers_december_snapshots(fresh_home: Path) -> None:
    meta = SeriesMeta(
        description="test level",
        unit="persons",
        frequency="snapshot",
        kind="stock",
        confidence="L",
        definition="x",
    )
    import_into_store(
        _stock_frame(), cbs_source("00000TST", "test"), source_key="test", new_series={"test.level": meta}
    )
    level = store.annual("test.level")
    assert level.to_dict() == {2030: 5.0, 2031: 7.0, 2033: 1.0}


def test_rebuilds_when_inputs_change_or_file_is_damaged(fresh_home: Path) -> None:
    store.annual("coa.occupancy")
    path = store.store_path()
    store.close()
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = 'stale' WHERE key = 'digest'")
    assert store.annual("coa.occupancy")[2015] == 47764.0
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone() != ("stale",)
    store.close()
    path.write_bytes(b"not a database")
    assert store.series_info("coa.occupancy").unit == "persons"
    assert sorted(p.name for p in fresh_home.iterdir()) == ["store.duckdb"]


WORKER = """
from migratielab.data import store
for _ in range(2):
    store.rebuild()
print(store.annual("coa.occupancy")[2015])
"""


def test_concurrent_builders_do_not_corrupt_the_store(fresh_home: Path) -> None:
    environment = {**os.environ, "MIGRATIELAB_HOME": str(fresh_home)}
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER], env=environment, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=60)[0].strip() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0]
    assert outputs == ["47764.0"] * 2
    assert store.annual("coa.occupancy")[2015] == 47764.0
    assert sorted(p.name for p in fresh_home.iterdir()) == ["store.duckdb"]
