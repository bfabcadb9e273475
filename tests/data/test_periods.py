"""Period notation: parsing, ordering, spans and StatLine period codes."""

from __future__ import annotations

from datetime import date

import pytest

from migratielab.data.importers import statline_period
from migratielab.data.periods import frequency_of, parse_period, sorted_periods, span


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2015", "annual", date(2015, 1, 1), date(2015, 12, 31)),
        ("2016-H2", "half-year", date(2016, 7, 1), date(2016, 12, 31)),
        ("2018-Q3", "quarterly", date(2018, 7, 1), date(2018, 9, 30)),
        ("2024-02", "monthly", date(2024, 2, 1), date(2024, 2, 29)),
        ("2022-07-01", "snapshot", date(2022, 7, 1), date(2022, 7, 1)),
    ],
)
def test_parse_period_kinds_and_bounds(text: str, kind: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.kind, period.start, period.end, period.year) == (kind, start, end, start.year)


@pytest.mark.parametrize("text", ["15", "2015-Q5", "2015-H3", "2015-13", "2022-02-30", "2015JJ00", " 2015"])
def test_parse_period_rejects_other_forms(text: str) -> None:
    with pytest.raises(ValueError, match="2016-H2"):
        parse_period(text)


def test_sorted_periods_by_kind_then_time() -> None:
    assert sorted_periods(["2015-10", "2016", "2015-Q4", "2015", "2015-01-01", "2015-H2"]) == [
        "2015", "2016", "2015-H2", "2015-Q4", "2015-10", "2015-01-01",
    ]  # fmt: skip


def test_span_and_frequency() -> None:
    assert span(["2012", "2024-Q3", "2010-05"]) == "2010-2024"
    assert span(["2023-09-25"]) == "2023"
    assert span([]) == ""
    assert frequency_of(["quarterly", "quarterly"]) == "quarterly"
    assert frequency_of(["annual", "monthly"]) == "mixed"


@pytest.mark.parametrize(
    ("code", "period"),
    [("2015JJ00", "2015"), ("2016HJ02", "2016-H2"), ("2015KW03", "2015-Q3"), ("2015MM10", "2015-10")],
)
def test_statline_period_codes(code: str, period: str) -> None:
    assert statline_period(code) == period


@pytest.mark.parametrize("code", ["2015KW05", "2015MM13", "2015JJ01", "2015", "2015X000"])
def test_statline_period_rejects_unknown_codes(code: str) -> None:
    with pytest.raises(ValueError, match="2015KW03"):
        statline_period(code)
