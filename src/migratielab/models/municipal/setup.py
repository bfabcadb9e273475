"""Set-up of the municipal pillar from data, parameters and the scenario's ``municipal`` section.

Per-run randomness comes only from ``pillar_stream(seed, "municipal", run)``: each run draws, in a
fixed order, the uncertain parameters (uniform over their ranges, when sampling) and one standard
normal per municipality for its share of lettings and one for its pass rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from migratielab.models.municipal.data import Municipalities, municipalities
from migratielab.models.municipal.step import Params, State
from migratielab.models.random import pillar_stream
from migratielab.params import ParameterSet
from migratielab.scenario import LocalExperiment, MunicipalSection

MONTHS_PER_YEAR = 12
MAX_INTAKE_DELAY = 6
"""Longest intake delay the pipeline holds (months); the pipeline covers delay plus term."""
UNCERTAIN = (
    "share_allocated_to_status_holders",
    "municipal_share_spread",
    "backlog_pressure_months",
    "lead_allowance_months",
    "persons_per_dwelling",
    "persons_per_flexible_home",
    "obliged_share_of_status_holders",
    "route_share_z",
    "pass_within_term_b1",
    "pass_within_term_education",
    "pass_within_term_z",
    "months_to_pass_mean",
    "municipal_quality_spread",
    "budget_elasticity",
    "employment_gain_b1",
    "invitation_uptake",
)
"""Parameters drawn per run when sampling, in this order (then 2 x M normals)."""
LEVERS = ("flexible_homes_per_year", "share_allocated", "quality_lift", "budget_per_person")
"""National levers of the section that may also take a value per run (experiments): extra flexible
homes per year (dwellings per year, national), share of lettings to status holders (fraction),
pass-rate lift (share) and route budget (EUR per person)."""
PER_RUN = (*UNCERTAIN, *LEVERS)
"""Names that ``parameters(..., per_run=...)`` accepts: uncertain parameters and national levers."""
PASS_TIME_SHAPE = 4.0
"""Gamma shape of the time to pass after the route starts (months); an assumption, see docs."""


def draws(seed: int, run_ids: Sequence[int], towns: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform draws (run, len(UNCERTAIN)) and standard normals (run, 2, towns) from each run's stream."""
    uniforms, normals = [], []
    for run in run_ids:  # one generator per run: a run's numbers never depend on the others
        stream = pillar_stream(seed, "municipal", int(run))
        uniforms.append(stream.random(len(UNCERTAIN)))
        normals.append(stream.standard_normal((2, towns)))
    return np.asarray(uniforms).reshape(len(run_ids), -1), np.asarray(normals).reshape(len(run_ids), 2, towns)


def values(
    params: ParameterSet,
    uniforms: np.ndarray,
    sample: bool,
    year: int,
    per_run: Mapping[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Every numeric parameter as a (run, 1) array: drawn within its range when sampling, else its value;
    a parameter in ``per_run`` ((run,) arrays, e.g. an experiment's uncertainty) takes that value."""
    runs = uniforms.shape[0]
    out = {name: np.full((runs, 1), params.scalar(name, year)) for name in params}
    if sample:
        for k, name in enumerate(UNCERTAIN):
            spread = params[name].uncertainty
            if spread is not None:
                out[name] = (spread.low + (spread.high - spread.low) * uniforms[:, k])[:, None]
    for name, column in (per_run or {}).items():
        if name in UNCERTAIN:
            out[name] = np.asarray(column, dtype=float).reshape(runs, 1)
    return out


def national_levers(
    section: MunicipalSection, runs: int, per_run: Mapping[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """The section's national levers as (run, 1) arrays (NaN: the sourced parameter applies); a lever
    in ``per_run`` ((run,) arrays) replaces the section's value."""
    given = {
        "flexible_homes_per_year": section.flexible_homes_per_year,
        "share_allocated": section.share_allocated,
        "quality_lift": section.integration.quality_lift,
        "budget_per_person": section.integration.budget_per_person,
    }
    out = {name: np.full((runs, 1), np.nan if value is None else value) for name, value in given.items()}
    for name, column in (per_run or {}).items():
        if name in LEVERS:
            out[name] = np.asarray(column, dtype=float).reshape(runs, 1)
    return out


def members(towns: Municipalities, experiment: LocalExperiment) -> np.ndarray:
    """Positions of an experiment's municipalities (InputError with the nearest names if unknown)."""
    source = f"municipal.experiments ({experiment.name}).municipalities"
    return np.array([towns.index_of(text, source) for text in experiment.municipalities], dtype=int)


@dataclass(frozen=True)
class LocalLevers:
    """Per-municipality levers after local experiments (arrays of length M)."""

    flexible_homes_per_year: np.ndarray  # extra homes of local experiments, dwellings per year
    share_allocated: np.ndarray  # share set by a local experiment; NaN where the national share applies
    share_small_locations: np.ndarray
    pass_rate_lift: np.ndarray
    employment_gain_extra: np.ndarray


def local_levers(section: MunicipalSection, towns: Municipalities) -> LocalLevers:
    """Levers per municipality set by local experiments (the national levers: ``national_levers``)."""
    levers = LocalLevers(
        flexible_homes_per_year=np.zeros(towns.size),
        share_allocated=np.full(towns.size, np.nan),
        share_small_locations=np.full(towns.size, section.reception.share_small_locations),
        pass_rate_lift=np.zeros(towns.size),
        employment_gain_extra=np.zeros(towns.size),
    )
    for experiment in section.experiments:
        where = members(towns, experiment)
        levers.flexible_homes_per_year[where] += (
            experiment.flexible_homes_per_1000 * towns.population[where] / 1000
        )
        if experiment.share_allocated is not None:
            levers.share_allocated[where] = experiment.share_allocated
        if experiment.small_locations:
            levers.share_small_locations[where] = 1.0
        levers.pass_rate_lift[where] += experiment.pass_rate_lift
        levers.employment_gain_extra[where] += experiment.employment_gain_extra
    return levers


def pass_pmf(mean_months: np.ndarray, delay: int, term: int) -> np.ndarray:
    """When those who pass do so (run, L), by months since housing: zero up to the intake delay, then a
    discretised gamma (shape ``PASS_TIME_SHAPE``, mean ``mean_months``) truncated at the term."""
    length = MAX_INTAKE_DELAY + term + 1
    since_start = np.arange(length) - delay
    scale = mean_months / PASS_TIME_SHAPE  # (run, 1)
    x = np.clip(since_start, 0, None)[None, :] / scale
    density = np.where(
        (since_start > 0) & (since_start <= term), x ** (PASS_TIME_SHAPE - 1) * np.exp(-x), 0.0
    )
    return np.asarray(density / density.sum(axis=1, keepdims=True), dtype=float)


def _pass_rate(
    section: MunicipalSection,
    v: dict[str, np.ndarray],
    normals: np.ndarray,
    lift: np.ndarray,
    national: dict[str, np.ndarray],
) -> np.ndarray:
    """Pass rate within the term per run and municipality (share), after the integration levers
    (``national``: the national levers, (run, 1))."""
    z, education = v["route_share_z"], v["route_share_education"]
    average = (
        (1.0 - z - education) * v["pass_within_term_b1"]
        + education * v["pass_within_term_education"]
        + z * v["pass_within_term_z"]
    )
    budget = _budget(v, national)
    factor = 1.0 + v["budget_elasticity"] * (budget / v["budget_per_person"] - 1.0)
    spread = v["municipal_quality_spread"] * normals
    rate = average * factor + national["quality_lift"] + lift[None, :] + spread
    floor = section.integration.quality_floor
    if floor is not None:
        rate = np.maximum(rate, floor)
    return np.asarray(np.clip(rate, 0.02, 0.98), dtype=float)


def _budget(v: dict[str, np.ndarray], national: dict[str, np.ndarray]) -> np.ndarray:
    """Route budget (run, 1), EUR per person: the lever where set, else the sourced parameter."""
    chosen = national["budget_per_person"]
    return np.where(np.isnan(chosen), v["budget_per_person"], chosen)


def allocated_shares(
    v: Mapping[str, np.ndarray],
    national: Mapping[str, np.ndarray],
    local: np.ndarray,
    normals: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The national share of lettings to status holders (run, 1) and each municipality's (run, town).

    Without a national lever municipalities scatter log-normally around the sourced national share
    (``normals`` (run, town) standard-normal draws); a national lever sets every municipality's
    share; a local experiment's ``local`` share (town,; NaN = none) overrides both.
    """
    national_share = np.where(
        np.isnan(national["share_allocated"]),
        v["share_allocated_to_status_holders"],
        national["share_allocated"],
    )
    sigma = v["municipal_share_spread"]
    spread = np.where(
        np.isnan(national["share_allocated"]),
        national_share * np.exp(sigma * normals - sigma**2 / 2),
        national_share,
    )
    return national_share, np.where(np.isnan(local), spread, local)


def parameters(
    section: MunicipalSection,
    params: ParameterSet,
    seed: int,
    run_ids: Sequence[int],
    year: int,
    sample: bool = True,
    per_run: Mapping[str, np.ndarray] | None = None,
) -> Params:
    """The pillar's arrays for ``run_ids`` (first simulated ``year`` picks dated parameter values).

    ``per_run`` gives (run,) values of names in ``PER_RUN``: uncertain parameters or national levers.
    """
    towns = municipalities()
    uniforms, normals = draws(seed, run_ids, towns.size)
    v = values(params, uniforms, sample, year, per_run)
    levers = local_levers(section, towns)
    national = national_levers(section, len(run_ids), per_run)
    national_share, base = allocated_shares(v, national, levers.share_allocated, normals[:, 0])
    flexible = (
        (v["flexible_homes_per_year_baseline"] + national["flexible_homes_per_year"]) * towns.population_share
        + levers.flexible_homes_per_year
    ) / MONTHS_PER_YEAR
    integration = section.integration
    delay = (
        int(v["intake_delay_months"][0, 0])
        if integration.intake_within_months is None
        else integration.intake_within_months
    )
    fined = v["fined_share_strict"] if integration.fines == "strict" else v["fined_share_human"]
    voluntary = v["non_obliged_newcomers_per_year"] * v["invitation_uptake"] / MONTHS_PER_YEAR
    return Params(
        population_share=towns.population_share,
        lettings_per_month=v["social_rental_vacancies_per_year"][0, 0]
        * towns.household_share
        / MONTHS_PER_YEAR,
        base_share=np.minimum(base, 0.5),
        max_share=np.maximum(v["max_share_allocated"], national_share),
        pressure_months=v["backlog_pressure_months"],
        lead_months=v["lead_allowance_months"],
        persons_per_dwelling=v["persons_per_dwelling"],
        flexible_persons_per_month=flexible
        * v["flexible_share_to_status_holders"]
        * v["persons_per_flexible_home"],
        obliged_share=v["obliged_share_of_status_holders"],
        family_obliged_per_month=float(params.scalar("family_migrants_obliged_per_year", year))
        * towns.population_share
        / MONTHS_PER_YEAR,
        pass_rate=_pass_rate(section, v, normals[:, 1], levers.pass_rate_lift, national),
        pass_pmf=pass_pmf(
            v["months_to_pass_mean"], min(delay, MAX_INTAKE_DELAY), int(v["term_months"][0, 0])
        ),
        fined_share=fined,
        fine_amount=float(v["fine_amount"][0, 0]),
        cost_per_person=_budget(v, national) + v["execution_cost_per_person"],
        employment_gain=v["employment_gain_b1"] + levers.employment_gain_extra[None, :],
        voluntary_per_month=(voluntary * towns.population_share)
        if integration.invite_non_obliged
        else np.zeros((len(run_ids), towns.size)),
        voluntary_cost_public=v["invitation_course_cost"] * (1.0 - integration.employer_contribution),
    )


def initial_state(params: Params, backlog_national: np.ndarray) -> State:
    """Start backlogs: ``backlog_national`` (run,) persons spread pro rata population; empty pipeline."""
    runs, length = params.pass_pmf.shape
    return State(
        backlog=backlog_national[:, None] * params.population_share[None, :],
        pipeline=np.zeros((runs, params.population_share.size, length)),
    )
