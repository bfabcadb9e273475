"""Municipal use cases: run the municipalities coupled with the asylum chain, the municipal monitor
(one row per municipality, disclosure-controlled), benchmarks against similar municipalities, one
municipality's page, the Spreidingswet spread, local experiments against matched municipalities, and
the half-year backtest. The CLI, the API, the dashboard and the report call these functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import xarray as xr

from migratielab.analysis import disclosure
from migratielab.models import system
from migratielab.models.asylum.setup import scenario_parameters
from migratielab.models.municipal import backtest as municipal_backtest
from migratielab.models.municipal import setup as municipal_setup
from migratielab.models.municipal import spreiding
from migratielab.models.municipal.data import (
    Municipalities,
    municipalities,
    provincial_targets,
    published_points,
)
from migratielab.models.variables import Variable, indicators, registry
from migratielab.params import default_parameters
from migratielab.scenario import MunicipalSection, Scenario, bundled_scenario_path, load_scenario

DEFAULT_RUNS = 40
MATCHED = 5
"""Size of the matched set of similar municipalities per experiment municipality."""
COUNTS = (
    "task",
    "housed",
    "written_off",
    "obliged_started",
    "passed",
    "missed_term",
    "fined",
    "voluntary_learners",
    "extra_employed",
)
AMOUNTS = {"cost_eur": "obliged_started", "fines_eur": "fined"}
HORIZON_RATES = {
    "realisation_share": "task",
    "pass_rate": "obliged_started",
    "months_to_pass": "passed",
}
"""Rates over the whole horizon, with the count (per year in the frame) whose horizon total is their base."""
ADMINISTRATIVE = (
    "reception_places",
    "reception_places_amv",
    "reception_locations",
    "reception_cost",
    "ses_estimate",
)
ATTRIBUTES = ("code", "name", "province", "size_class", "urbanity", "population")


@dataclass(frozen=True)
class MunicipalRun:
    """A coupled run: the municipal dataset (run, year, municipality), places and the months to pass."""

    scenario: Scenario
    section: MunicipalSection
    dataset: xr.Dataset
    reception: pd.DataFrame  # per municipality: places, AMV places, locations, cost, SES estimate
    months_to_pass: np.ndarray  # (run,) months from housing to passing, for those who pass
    pass_rate: np.ndarray  # (run, M) share passing within the term


def default_scenario(runs: int = DEFAULT_RUNS, end_year: int = 2030) -> Scenario:
    """The bundled asylum scenario with a default municipal section (a short horizon, few runs)."""
    scenario = load_scenario(bundled_scenario_path("default"))
    return scenario.model_copy(update={"runs": runs, "end_year": end_year, "municipal": MunicipalSection()})


def reception_frame(section: MunicipalSection, year: int) -> pd.DataFrame:
    """Spreidingswet places per municipality for the section's target and location sizes."""
    towns, targets, params = municipalities(), provincial_targets(), default_parameters("municipal")
    national = section.reception.target_places or params.scalar("reception_target_places", year)
    _, places = spreiding.places(national, towns, targets)
    share_small = municipal_setup.local_levers(section, towns).share_small_locations
    sizes = (params.scalar("small_location_places"), params.scalar("large_location_places"))
    spread = spreiding.locations(
        places,
        share_small,
        sizes,
        params.scalar("cost_per_place_large"),
        params.scalar("small_location_cost_premium"),
    )
    return pd.DataFrame(
        {
            "reception_places": places,
            "reception_places_amv": np.round(places * params.scalar("amv_share")),
            "reception_locations": spread.locations,
            "reception_cost": spread.cost_per_year,
            "ses_estimate": spreiding.key(towns, targets).ses_estimate,
        },
        index=towns.codes,
    )


def run(scenario: Scenario) -> MunicipalRun:
    """The municipalities coupled with the asylum chain (the scenario's first policy)."""
    if scenario.asylum is None:
        raise ValueError("a municipal run needs an asylum section")
    section = scenario.municipal or MunicipalSection()
    run_ids = list(range(scenario.runs))
    parameters = scenario_parameters(scenario)
    chain = system.asylum_part(
        scenario,
        scenario.asylum.policies[0],
        np.asarray(run_ids),
        parameters,
        record=("housed", "housing_quota"),
    )
    part = system.municipal_part(
        section, default_parameters("municipal"), scenario.seed, run_ids, scenario.start_year
    )
    result = system.run(system.System(scenario.start_year, scenario.months, asylum=chain, municipal=part))
    assert result.municipal is not None
    pmf = part.params.pass_pmf
    months = (pmf * np.arange(pmf.shape[1])).sum(axis=1)
    reception = reception_frame(section, scenario.start_year)
    return MunicipalRun(scenario, section, result.municipal, reception, months, part.params.pass_rate)


@cache
def default_run(runs: int = DEFAULT_RUNS) -> MunicipalRun:
    """The default municipal run, remembered (the dashboard and report share it)."""
    return run(default_scenario(runs))


def attributes(towns: Municipalities) -> pd.DataFrame:
    """Code, name, province, size class, urbanity and population per municipality."""
    return pd.DataFrame(
        {
            "code": towns.codes,
            "name": towns.names,
            "province": towns.provinces,
            "size_class": towns.size_class(),
            "urbanity": towns.urbanity,
            "population": towns.population,
        },
        index=towns.codes,
    )


def raw_frame(result: MunicipalRun) -> pd.DataFrame:
    """Per municipality (means over runs): flows per year as the mean over the horizon's calendar years
    (persons or EUR per year, matching the registry's units, so they add up to the national totals per
    year), the backlog at the end of the last year (persons), the indicators and the reception places.
    The realisation share is housed over task across the horizon; housed per 1,000 inhabitants is per
    year."""
    data = result.dataset
    frame = attributes(municipalities())
    for name in (*COUNTS, *AMOUNTS):
        frame[name] = data[name].mean(["year", "run"]).to_numpy()
    frame["backlog"] = data["backlog"].isel(year=-1).mean("run").to_numpy()
    frame["realisation_share"] = (
        (data["housed"].sum("year") / data["task"].sum("year")).mean("run").to_numpy()
    )
    frame["pass_rate"] = result.pass_rate.mean(axis=0)
    frame["housed_per_1000"] = 1000 * frame["housed"] / frame["population"]
    frame["months_to_pass"] = float(result.months_to_pass.mean())
    joined = frame.join(result.reception)
    joined.attrs["years"] = data.sizes["year"]  # the calendar years the flows are a mean over
    return joined


def national_per_year(result: MunicipalRun, name: str) -> pd.Series | None:
    """The national total of a monitor column per calendar year (mean over runs; persons or EUR per
    year), where the pillar records one (``total_<name>``), else None. Its mean over the years is the
    column's sum over the municipalities in ``raw_frame``."""
    total = f"total_{name}"
    if total not in result.dataset:
        return None
    return result.dataset[total].mean("run").to_series()


def housing_balance(result: MunicipalRun) -> pd.Series:
    """The national housing balance, persons per year (mean over the horizon's calendar years and the
    runs): the task, those housed, those written off (offered but not filled: the chain had fewer
    status holders ready to be housed, the half-yearly re-evaluation) and the change in the backlog,
    with task = housed + written off + backlog change (the backlog starts at 0)."""
    data = result.dataset
    years = data.sizes["year"]
    names = ("task", "housed", "written_off")
    flows = {name: float(data[f"total_{name}"].mean("run").mean("year")) for name in names}
    flows["backlog_change"] = float(data["total_backlog"].isel(year=-1).mean("run")) / years
    return pd.Series(flows)


def protected_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frame after disclosure control, and a frame of flags (``r``, ``s``, ``s2``) per cell."""
    shown, flags = frame.copy(), pd.DataFrame("", index=frame.index, columns=frame.columns)
    for name in COUNTS:
        shown[name], flags[name] = disclosure.protect_counts(frame[name], frame["province"])
    shown["backlog"], flags["backlog"] = disclosure.protect_balance(frame["backlog"], flags["housed"])
    for name, count in AMOUNTS.items():
        shown[name], flags[name] = disclosure.follow(frame[name], flags[count])
    shown["housed_per_1000"], flags["housed_per_1000"] = disclosure.protect_ratio(
        1000 * shown["housed"] / frame["population"], frame["housed"], frame["population"]
    )  # from the rounded count: the unrounded one is not to be read back from the ratio
    flags["housed_per_1000"] = flags["housed_per_1000"].where(shown["housed"].notna(), flags["housed"])
    for name, denominator in HORIZON_RATES.items():  # shares over the horizon: its persons the base
        base = frame[denominator] * frame.attrs["years"]
        shown[name], flags[name] = disclosure.protect_rate(frame[name], base)
    return shown, flags


def variable_of(name: str) -> Variable:
    """The registered variable or indicator behind a monitor column."""
    return registry("municipal").get(name) or indicators("municipal")[name]


MONITOR_COLUMNS = (
    "task",
    "housed",
    "backlog",
    "realisation_share",
    "housed_per_1000",
    "obliged_started",
    "passed",
    "pass_rate",
    "months_to_pass",
    "fined",
    "cost_eur",
    "extra_employed",
    *ADMINISTRATIVE,
)


PERIODS = {
    **dict.fromkeys((*COUNTS, *AMOUNTS, "housed_per_1000"), "per_year"),
    "backlog": "end",
    **dict.fromkeys(("realisation_share", "pass_rate"), "horizon"),
    "months_to_pass": "national",
    **dict.fromkeys(ADMINISTRATIVE, "target"),
}
"""What period a monitor column covers: ``per_year`` the mean per calendar year over the horizon,
``end`` the end of the last year, ``horizon`` the whole horizon, ``national`` one national value over
the horizon (the same for every municipality), ``target`` the Spreidingswet target of the first year
(see ``raw_frame`` and ``reception_frame``)."""


PEERS_PER_1000 = (*COUNTS, "backlog", "reception_places")
"""Columns whose peers' median is per 1,000 inhabitants (the others' is as is)."""


def benchmarks(frame: pd.DataFrame, shown: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per municipality, the median of its peers (same size class and urbanity) per 1,000 inhabitants
    for counts (``PEERS_PER_1000``) and as is for rates and for housed per 1,000 inhabitants. Computed
    from the values after disclosure control (suppressed cells left out), so a median reveals no more
    than the published cells; groups of fewer than ``disclosure.MIN_GROUP`` municipalities get no
    median. ``shown`` is ``frame`` after disclosure control, where the caller has it already."""
    if shown is None:
        shown, _ = protected_frame(frame)
    per_1000 = shown[list(PEERS_PER_1000)].div(frame["population"], axis=0) * 1000
    values = per_1000.join(shown[["realisation_share", "pass_rate", "housed_per_1000"]])
    peers = values.groupby([frame["size_class"], frame["urbanity"]]).transform("median")
    count = frame.groupby(["size_class", "urbanity"])["code"].transform("count")
    peers, _ = disclosure.protect_groups(peers, count)
    peers["peer_count"] = count
    return peers


def records(shown: pd.DataFrame, flags: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as JSON-ready records: values (None where suppressed) and the disclosure flag per cell."""
    values = json.loads(shown.to_json(orient="records"))
    marks = flags.to_dict(orient="records")
    return [
        {**row, "disclosure": {k: v for k, v in mark.items() if v}}
        for row, mark in zip(values, marks, strict=True)
    ]


def find(text: str, source: str = "municipality") -> int:
    """Position of a municipality by code or name (InputError with the nearest matches if unknown)."""
    return municipalities().index_of(text, source)


def matched_set(position: int, excluded: np.ndarray, count: int = MATCHED) -> np.ndarray:
    """The ``count`` most similar municipalities (log population, urbanity, non-European share), not
    in ``excluded``: the comparison group of a local experiment."""
    towns = municipalities()
    features = np.stack(
        [np.log(towns.population), towns.urbanity.astype(float), towns.share_non_european], axis=1
    )
    features = (features - features.mean(axis=0)) / features.std(axis=0)
    distance = np.sqrt(((features - features[position]) ** 2).sum(axis=1))
    distance[excluded] = np.inf
    return np.argsort(distance, kind="stable")[:count]


@dataclass(frozen=True)
class ExperimentComparison:
    """An experiment's municipalities next to their matched set, per 1,000 inhabitants or as rates,
    after disclosure control (``flags``: ``s`` where a cell is suppressed)."""

    name: str
    members: list[str]
    matched: list[str]
    outcomes: pd.DataFrame  # rows: outcome; columns: experiment, matched, difference
    flags: pd.DataFrame  # same shape as ``outcomes``


EXPERIMENT_OUTCOMES = {
    "housed": "housed",
    "backlog": "backlog",
    "passed": "passed",
    "extra_employed": "extra_employed",
    "cost_eur": "obliged_started",
}
"""Outcomes per 1,000 inhabitants of a group, with the count of persons each is built from."""
EXPERIMENT_RATES = {"realisation_share": "task", "pass_rate": "obliged_started"}
"""Rates of a group (mean over its municipalities), with the persons they are a share of."""


def group_outcomes(frame: pd.DataFrame, positions: np.ndarray) -> pd.Series:
    """A group's outcomes after disclosure control (NaN where suppressed): counts pooled per 1,000
    inhabitants of the group, rates as the mean over its municipalities."""
    years, group = frame.attrs["years"], frame.iloc[positions]
    sums = group[[*COUNTS, "backlog", *AMOUNTS, "population"]].sum()
    values, counts, denominators = {}, {}, {}
    for name, count in EXPERIMENT_OUTCOMES.items():  # outcomes, not municipalities
        values[name] = 1000 * sums[name] / sums["population"]
        counts[name], denominators[name] = sums[count], sums["population"]
    for name, base in EXPERIMENT_RATES.items():
        persons = sums[base] * years  # over the horizon, as the rates are
        values[name], counts[name], denominators[name] = group[name].mean(), persons, persons
    shown, _ = disclosure.protect_ratio(pd.Series(values), pd.Series(counts), pd.Series(denominators))
    return shown


def comparison_table(frame: pd.DataFrame, members: np.ndarray, matched: np.ndarray) -> pd.DataFrame:
    """Experiment, matched set and their difference per outcome (NaN where suppressed)."""
    table = pd.DataFrame(
        {"experiment": group_outcomes(frame, members), "matched": group_outcomes(frame, matched)}
    )
    difference = table["experiment"] - table["matched"]
    scale = table[["experiment", "matched"]].abs().max(axis=1)
    table["difference"] = difference.mask(difference.abs() <= 1e-9 * scale, 0.0)  # no rounding noise
    return table


def compare_experiments(result: MunicipalRun) -> list[ExperimentComparison]:
    """Every local experiment of the run against a matched set of similar municipalities."""
    frame = raw_frame(result)
    towns = municipalities()
    comparisons = []
    for experiment in result.section.experiments:  # experiments, not municipalities
        members = municipal_setup.members(towns, experiment)
        matched = np.unique(np.concatenate([matched_set(p, members) for p in members]))
        table = comparison_table(frame, members, matched)
        flags = pd.DataFrame(
            np.where(table.isna(), disclosure.SUPPRESSED, ""), index=table.index, columns=table.columns
        )
        comparisons.append(
            ExperimentComparison(
                experiment.name, list(towns.codes[members]), list(towns.codes[matched]), table, flags
            )
        )
    return comparisons


def spreading_points() -> pd.DataFrame:
    """The published indicative numbers of single municipalities next to the key's estimate for them
    and a spread by population only (places, first cycle). The key's two proxy coefficients are fitted
    to these five numbers, so the comparison is an in-sample fit, not an independent test."""
    towns, targets = municipalities(), provincial_targets()
    _, places = spreiding.places(targets.places.sum(), towns, targets)
    points = published_points()
    index = np.searchsorted(towns.codes, points["gemeentecode"].to_numpy(dtype=str))
    return pd.DataFrame(
        {
            "municipality": towns.names[index],
            "published": points["indicative_places"].to_numpy(dtype=float),
            "key": places[index],
            "population_only": np.round(targets.places.sum() * towns.population_share[index]),
        },
        index=towns.codes[index],
    )


def spreading_table() -> pd.DataFrame:
    """Per province: the published target, the sum of the key's municipal estimates (equal to the
    published target by construction: the provincial SES level is calibrated to it, so it is no check)
    and the population-only spread."""
    towns, targets = municipalities(), provincial_targets()
    provinces, _ = spreiding.places(targets.places.sum(), towns, targets)
    population = np.array([towns.population[towns.province_codes == code].sum() for code in targets.codes])
    return pd.DataFrame(
        {
            "province": targets.names,
            "published": targets.places,
            "key": provinces,
            "population_only": np.round(targets.places.sum() * population / population.sum()),
        },
        index=targets.codes,
    )


def backtest(runs: int = 200) -> pd.DataFrame:
    """Observed half-years: task incl. backlog, observed housed, modelled median and 5-95% range."""
    rows = []
    for half in municipal_backtest.backtest(default_parameters("municipal"), run_ids=range(runs)):
        low, median, high = np.percentile(half.modelled_housed, [5, 50, 95])
        rows.append(
            {
                "period": half.period,
                "task_incl_backlog": half.task_incl_backlog,
                "observed_housed": half.observed_housed,
                "modelled_median": median,
                "modelled_p5": low,
                "modelled_p95": high,
            }
        )
    return pd.DataFrame(rows)
