import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.data.eurostat import read_eurostat_tsv, store_period
from migratielab.errors import InputError

FIXTURE = Path(__file__).parent / "fixtures" / "migr_asyappctzm_sample.tsv"
NL_FIRST = {"geo": "NL", "applicant": "NASY_APP", "citizen": "TOTAL", "sex": "T", "age": "TOTAL"}


def test_reads_the_selected_row_and_skips_missing_cells() -> None:
    frame = read_eurostat_tsv(FIXTURE, "migr_asyappctzm", "asylum.first_applications", NL_FIRST)
    assert list(frame["period"]) == ["2024-01", "2024-03"]  # February is ':' (not available)
    assert list(frame["value"]) == [100.0, 120.0]
    assert frame["note"].iloc[1].endswith("flag p")
    assert set(frame["series_id"]) == {"asylum.first_applications"}


def test_periods_become_store_notation() -> None:
    assert [store_period(text) for text in ("2024-01 ", "2024-Q3", "2024")] == ["2024-01", "2024-Q3", "2024"]
    with pytest.raises(ValueError):
        store_period("2024M01")


def test_ambiguous_filters_and_unknown_dimensions_are_refused() -> None:
    with pytest.raises(InputError, match="exactly one matching row"):
        read_eurostat_tsv(FIXTURE, "migr_asyappctzm", "asylum.first_applications", {"geo": "NL"})
    with pytest.raises(InputError, match="filter 'country'"):
        read_eurostat_tsv(FIXTURE, "migr_asyappctzm", "asylum.first_applications", {"country": "NL"})


def test_a_broken_cell_names_file_row_and_period(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tsv"
    broken.write_text(FIXTURE.read_text().replace("120 p", "12O"), encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, period 2024-03"):
        read_eurostat_tsv(broken, "migr_asyappctzm", "asylum.first_applications", NL_FIRST)


CELLS = st.one_of(
    st.sampled_from([":", ": c", "12", "7 p", "-3", "1.5 e", "", "x", "12O", "nan", "inf", "1e5"]),
    st.text(alphabet="0123456789:. pecx-", max_size=6),
)


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(CELLS, min_size=1, max_size=4), extra=st.booleans(), geo=st.sampled_from(["NL", "BE"]))
def test_any_row_is_read_or_refused_with_an_input_error(
    tmp_path_factory: pytest.TempPathFactory, cells: list[str], extra: bool, geo: str
) -> None:
    """A fuzzed row gives finite values in the store's period notation, or an InputError naming the file."""
    periods = ["2024-01", "2024-02", "2024-03", "2024"][: len(cells) + (1 if extra else 0)]
    header = "freq,unit,citizen,sex,age,applicant,geo\\TIME_PERIOD\t" + "\t".join(periods)
    row = f"M,PER,TOTAL,T,TOTAL,NASY_APP,{geo}\t" + "\t".join(cells)
    path = tmp_path_factory.mktemp("fuzz") / "fuzzed.tsv"
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    try:
        frame = read_eurostat_tsv(path, "migr_asyappctzm", "eurostat.x", {"geo": "NL"})
    except InputError as error:
        assert "fuzzed.tsv" in str(error)
        return
    assert geo == "NL" and len(cells) == len(periods)
    assert frame["value"].map(math.isfinite).all() and set(frame["period"]) <= set(periods)


def test_a_filter_matching_no_row_is_named_with_the_codes_its_dimension_has() -> None:
    with pytest.raises(InputError, match=r"--where geo=NLX: a code of column geo \(found: .*NL") as caught:
        read_eurostat_tsv(FIXTURE, "migr_asyappctzm", "asylum.first_applications", {**NL_FIRST, "geo": "NLX"})
    assert caught.value.source == str(FIXTURE)
