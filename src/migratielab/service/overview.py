"""The "State of migration" panels (observed statistics) and the citations of series and parameters."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from migratielab.data import store
from migratielab.data.observations import split_flags
from migratielab.data.registry import Source
from migratielab.models.asylum.history import snapshot_month
from migratielab.models.population import INFLOWS
from migratielab.models.population.setup import historical_arrivals
from migratielab.params import ParameterSet, default_parameters
from migratielab.service.asylum import latest_observation, value_row
from migratielab.service.citations import Citation, parameter_citation, parameter_origin, series_citation
from migratielab.service.web_models import Panel, PanelSeries, ParameterRow

OVERVIEW_SERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "asylum_inflow": (
        "persons/year",
        ("asylum.first_applications", "asylum.repeat_applications", "asylum.family_followers"),
    ),
    "ind_backlog": ("cases", ("ind.backlog", "ind.backlog_overdue")),
    "coa_occupancy": ("persons", ("coa.occupancy", "coa.occupancy_emergency", "coa.outside_coa")),
    "holders_waiting": ("persons", ("coa.status_holders_waiting",)),
    "departures": (
        "persons/year",
        ("departures.independent", "departures.forced", "departures.unsupervised"),
    ),
}
"""Panel key: (unit code of its values, the stored annual series it shows)."""
OVERVIEW_SINCE = 2010
MOTIVE_YEARS = range(2014, 2024)
MOTIVE_PARAMETERS = (
    "historical_immigration",
    "historical_dutch_share",
    "historical_motive_shares",
    "historical_temporary_protection",
)
PARAMETER_MODULES = ("asylum", "population", "labour", "municipal")


def parameter_citations(
    module: str, parameters: ParameterSet, names: tuple[str, ...] | None = None
) -> list[Citation]:
    """The citation of each named parameter of a module (every one when ``names`` is None)."""
    return [parameter_citation(module, name, parameters[name]) for name in names or tuple(parameters)]


def parameter_rows(module: str) -> list[ParameterRow]:
    """Every default parameter of a model module with its value, unit, reference and date."""
    rows = []
    for name, parameter in default_parameters(module).items():
        value = parameter.value if parameter.value is not None else parameter.values
        reference = parameter.reference
        rows.append(
            ParameterRow(
                module=module,
                name=name,
                description=parameter.description,
                unit=parameter.unit,
                value=str(value),
                source=parameter_origin(parameter),
                date=None if reference is None else reference.date,
                estimate=parameter.estimate,
            )
        )
    return rows


def parameter_values(module: str) -> dict[str, object]:
    """The default value of every parameter of a model module: a number, a list, or dated values by
    year (for the faces to format; ``parameter_rows`` gives them as text)."""
    return {
        name: parameter.value if parameter.value is not None else parameter.values
        for name, parameter in default_parameters(module).items()
    }


def store_panel(key: str) -> Panel:
    """An overview panel built from stored annual series (from ``OVERVIEW_SINCE``)."""
    unit, series_ids = OVERVIEW_SERIES[key]
    series = []
    for series_id in series_ids:
        values = store.annual(series_id)
        values = values[values.index >= OVERVIEW_SINCE]
        series.append(PanelSeries(key=series_id, years=list(map(int, values.index)), values=list(values)))
    return Panel(key=key, unit=unit, series=series, citations=[series_citation(s) for s in series_ids])


ASYLUM_MOTIVE_SERIES = ("asylum.first_applications", "asylum.family_followers")
"""Observed asylum arrivals per year (first applications and follow-on family, IND) that replace the
fixed 2018 asylum share in the overview's motive split, so peaks like 2015-2016 stay visible."""


def observed_asylum(years: range) -> dict[int, float]:
    """First asylum applications plus follow-on family per year (persons), for years with both."""
    first, family = (store.annual(series_id) for series_id in ASYLUM_MOTIVE_SERIES)
    return {year: float(first[year] + family[year]) for year in years if year in first and year in family}


def split_with_observed_asylum(arrivals: np.ndarray, asylum: float) -> np.ndarray:
    """One year's arrivals by inflow with the asylum motive set to the observed ``asylum`` and the
    other regular motives rescaled to keep the year's total (temporary protection unchanged)."""
    index = INFLOWS.index("asylum")
    fixed = [INFLOWS.index("temporary_protection"), INFLOWS.index("asylum_family")]
    others = [i for i in range(len(INFLOWS)) if i != index and i not in fixed]
    rest = arrivals[others].sum() + arrivals[index] - asylum
    if rest < 0:
        return arrivals
    split = arrivals.copy()
    split[others] = arrivals[others] / arrivals[others].sum() * rest
    split[index] = asylum
    return split


def motive_panel() -> Panel:
    """Immigration of non-Dutch nationals by motive, persons per year (derived: totals minus Dutch
    nationals; asylum from observed first applications and follow-on family where both are known,
    the other motives with the 2018 shares; temporary protection apart)."""
    parameters = default_parameters("population")
    asylum = observed_asylum(MOTIVE_YEARS)
    arrivals = np.array(
        [
            split_with_observed_asylum(historical_arrivals(parameters, year), asylum[year])
            if year in asylum
            else historical_arrivals(parameters, year)
            for year in MOTIVE_YEARS
        ]
    )
    merged = {category: arrivals[:, i] for i, category in enumerate(INFLOWS) if category != "asylum_family"}
    return Panel(
        key="immigration_by_motive",
        unit="persons/year",
        series=[
            PanelSeries(key=category, years=list(MOTIVE_YEARS), values=[round(float(v)) for v in values])
            for category, values in merged.items()
        ],
        citations=parameter_citations("population", parameters, MOTIVE_PARAMETERS)
        + [series_citation(series_id) for series_id in ASYLUM_MOTIVE_SERIES],
        note="derived",
    )


HEADLINE_SERIES = (
    "asylum.first_applications",
    "ind.decisions",
    "ind.recognition_rate",
    "ind.backlog",
    "coa.occupancy",
)
"""Stored series whose latest annual value is a headline figure of the overview."""


@dataclass(frozen=True)
class Headline:
    """A headline figure: the latest value of a series, its year (and month, for a stock observed
    after its latest year end), unit and source."""

    key: str
    value: float
    year: int
    unit: str
    source: str
    month: int | None = None
    confidence: str = ""  # H, M or L of the value shown ("" when the store has none)
    flags: tuple[str, ...] = ()  # the value's store flags: approx, lower_bound, derived, ...


STOCK_HEADLINES = frozenset({"ind.backlog", "coa.occupancy"})
"""Headline series that are levels (the others are totals over the year)."""


def headline_of(series_id: str) -> Headline:
    """The headline of one series: its latest annual value, or for a stock a later dated observation,
    credited to the publication that value comes from (not to every publisher of the series)."""
    values, info = store.annual(series_id), store.series_info(series_id)
    year = int(values.index[-1])
    period, value, month = str(year), float(values.iloc[-1]), None
    found = latest_observation(series_id) if series_id in STOCK_HEADLINES else None
    dated = None if found is None else snapshot_month(found[0])
    if found is not None and dated is not None and dated > pd.Timestamp(year, 12, 1):
        (period, value), year, month = found, dated.year, dated.month
    row = value_row(series_id, period)
    if row is None:
        return Headline(series_id, value, year, info.unit, info.publisher, month)
    flags = split_flags(row["flags"])
    credit = value_credit(info.sources[str(row["source"])])
    return Headline(series_id, value, year, info.unit, credit, month, str(row["confidence"] or ""), flags)


def value_credit(source: Source) -> str:
    """Who a value comes from: the publisher and the outlet that reported it, by name (details in
    parentheses are on the data page)."""
    publisher, via = (name.split(" (")[0] for name in (source.publisher, source.via or ""))
    return publisher + (f", via {via}" if via else "")


def headlines() -> list[Headline]:
    """The latest observed value of each headline series, and the latest temporary-protection
    arrivals (Ukrainian displaced, a separate stream) from the population parameters."""
    shown = [headline_of(series_id) for series_id in HEADLINE_SERIES]
    parameters = default_parameters("population")
    protection = parameters["historical_temporary_protection"]
    dated = {
        year: float(value)
        for year, value in (protection.values or {}).items()
        if isinstance(value, int | float) and value > 0
    }
    year = max(dated)
    shown.append(Headline("temporary_protection", dated[year], year, "persons", "CBS, via nieuws.nl"))
    return shown


@lru_cache(maxsize=1)
def overview() -> list[Panel]:
    """The "State of migration" panels: immigration by motive, then the asylum chain from the store."""
    return [motive_panel(), *(store_panel(key) for key in OVERVIEW_SERIES)]
