"""Scenarios: one YAML schema for a whole question, with an optional section per pillar.

A scenario has a horizon, an ensemble (runs, seed) and sections: ``asylum`` (inflow future,
policies to compare, parameter overrides), ``population`` (a multi-year migration plan: gross
immigration per channel with low-high bands, fertility and life expectancy) and ``municipal``
(housing of status holders, spreading of reception, civic integration, local experiments).
Levers are the choices a minister can make; uncertainties (the inflow future, parameter ranges)
are separate. Files are validated by these pydantic models with unknown keys rejected; the older
file formats (an asylum scenario without sections, a stand-alone migration plan) are read and
converted transparently.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, field_validator, model_validator

from migratielab import limits
from migratielab.errors import InputError
from migratielab.params import ParamValue, check_override, default_parameters, did_you_mean
from migratielab.yamlio import Strict, WholeNumber, integral, read_yaml_mapping, validate_mapping

ASYLUM_KEYS = ("inflow", "policies", "parameters")
"""Keys of an asylum scenario written before sections existed (moved into ``asylum``)."""
LAST_POPULATION_START = limits.LAST_POPULATION_START
"""The population starts from CBS's 1 January population, bundled up to 2025."""
LAST_POPULATION_YEAR = limits.LAST_YEAR - 1
"""The last simulated year of a population projection (its last 1 January is 2100)."""


Year = Annotated[int, Field(ge=limits.YEAR.low, le=limits.YEAR.high, strict=False)]
"""A calendar year inside the range every input may use (as a mapping key it may be text: JSON keys are)."""
YEAR_KEYS: dict[str, Any] = {"propertyNames": {"pattern": "^(20[0-9]{2}|2100)$"}}
"""JSON Schema of mappings keyed by year: the keys are the years 2000-2100 written as text."""
Places = Annotated[int, Field(ge=limits.PLACES.low, le=limits.PLACES.high), BeforeValidator(integral)]
"""Reception places."""
AnnualInflow = Annotated[float, Field(ge=limits.ANNUAL_INFLOW.low, le=limits.ANNUAL_INFLOW.high)]
"""Persons per year."""


def _tag_required(schema: dict[str, Any]) -> None:
    """JSON Schema of a union member: its tag (``rule``/``kind``) is required, as the union needs it."""
    properties = schema.get("properties", {})
    tags = [name for name in ("rule", "kind") if name in properties]
    schema["required"] = sorted({*schema.get("required", []), *tags})


class Tagged(Strict):
    """A member of a tagged union (policies, inflow futures): its tag names it. Values are not
    converted (``false`` is no number, ``"5"`` no integer): these models are also API request bodies."""

    model_config = ConfigDict(json_schema_extra=_tag_required, strict=True)


class ForecastLinkedReception(Tagged):
    """Half-yearly capacity decisions following an inflow forecast made ``forecast_lag_months`` earlier."""

    rule: Literal["forecast_linked"] = "forecast_linked"
    forecast_lag_months: WholeNumber = Field(
        14, ge=0, le=36, description="information lag of the forecast, months"
    )


class FixedBufferReception(Tagged):
    """Stable regular capacity plus an iron buffer of reserve places activated within some months."""

    rule: Literal["fixed_buffer"] = "fixed_buffer"
    base_places: WholeNumber = limits.PLACES.field(description="stable regular places")
    buffer_places: WholeNumber = limits.PLACES.field(description="reserve places kept ready")
    activation_months: WholeNumber = Field(
        3, ge=1, le=24, description="months to bring the buffer fully into use"
    )
    trigger_share: float = Field(
        0.95, gt=0, le=1.0, description="occupancy of regular places (share) that triggers activation"
    )


class CapacityPathReception(Tagged):
    """A user-given regular capacity path: places by year (linear in between, held after the last)."""

    rule: Literal["path"] = "path"
    places: dict[Year, Places] = Field(
        min_length=1, description="regular places by calendar year (1 January)", json_schema_extra=YEAR_KEYS
    )


ReceptionPolicy = Annotated[
    ForecastLinkedReception | FixedBufferReception | CapacityPathReception, Field(discriminator="rule")
]


class ForecastLinkedStaffing(Tagged):
    """Half-yearly hiring towards the FTE the lagged inflow forecast needs; new staff ramp up."""

    rule: Literal["forecast_linked"] = "forecast_linked"
    forecast_lag_months: WholeNumber = Field(14, ge=0, le=36)


class StableStaffing(Tagged):
    """A constant number of IND decision officers, whatever the inflow."""

    rule: Literal["stable"] = "stable"
    fte: float = Field(gt=0, le=limits.FTE.high, description="decision-officer FTE")


StaffingPolicy = Annotated[ForecastLinkedStaffing | StableStaffing, Field(discriminator="rule")]


class ForecastHousingQuota(Tagged):
    """Half-yearly municipal quota (the current practice): the quota already published for the
    half-year where there is one, else expected grants plus part of the waiting list."""

    rule: Literal["forecast"] = "forecast"


class FixedHousingQuota(Tagged):
    """A fixed half-yearly quota of status holders to be housed."""

    rule: Literal["fixed"] = "fixed"
    per_half_year: WholeNumber = limits.HALF_YEAR_QUOTA.field()


HousingPolicy = Annotated[ForecastHousingQuota | FixedHousingQuota, Field(discriminator="rule")]


class ReturnPolicy(Strict):
    """Levers of return (departure of rejected applicants); the defaults are the 2015-2019 situation
    (values not converted)."""

    model_config = ConfigDict(strict=True)

    origin_cooperation: float = Field(
        1.0,
        ge=0.0,
        le=2.0,
        description="cooperation of countries of origin relative to 2015-2019 (1 = as then)",
    )
    detention_places: WholeNumber = Field(
        933, ge=0, le=5000, description="immigration detention places (933 from 2016)"
    )
    lighter_measures_share: float = Field(
        0.0, ge=0.0, le=1.0, description="share of rejected applicants under a reporting duty or guarantee"
    )


class Policy(Strict):
    """One combination of levers, compared against others in a scenario (values not converted)."""

    model_config = ConfigDict(strict=True)

    name: str = Field(min_length=1, max_length=80)
    reception: ReceptionPolicy = Field(default_factory=ForecastLinkedReception)
    staffing: StaffingPolicy = Field(default_factory=ForecastLinkedStaffing)
    decision_term_months: WholeNumber = Field(6, ge=1, le=36, description="statutory decision term, months")
    housing: HousingPolicy = Field(default_factory=ForecastHousingQuota)
    returns: ReturnPolicy = Field(default_factory=ReturnPolicy)


class StochasticInflow(Tagged):
    """Inflow paths drawn from the generator calibrated on the observed history."""

    kind: Literal["stochastic"] = "stochastic"
    level_multiplier: float = Field(
        1.0, gt=0, le=limits.INFLOW_LEVEL_MULTIPLIER.high, description="scales the long-run mean level"
    )


class BandInflow(Tagged):
    """A deterministic low, medium or high inflow band, as in the government's multi-year forecast."""

    kind: Literal["band"] = "band"
    band: Literal["low", "medium", "high"] = "medium"


class PathInflow(Tagged):
    """A user-given annual inflow path of first plus repeat applications (persons per year)."""

    kind: Literal["path"] = "path"
    per_year: dict[Year, AnnualInflow] = Field(
        min_length=1, description="persons per year by calendar year", json_schema_extra=YEAR_KEYS
    )


class ForecastInflow(Tagged):
    """Sample paths of the probabilistic applications forecast (ETS on the observed history, yearly
    level shifts drawn from the observed 12-month changes; see ``models/asylum/forecast.py``)."""

    kind: Literal["forecast"] = "forecast"


InflowSpec = Annotated[
    StochasticInflow | BandInflow | PathInflow | ForecastInflow, Field(discriminator="kind")
]


class AsylumSection(Strict):
    """The asylum chain's part of a scenario: inflow future, policies to compare, parameter overrides."""

    inflow: InflowSpec = Field(default_factory=StochasticInflow)
    policies: list[Policy] = Field(min_length=1)
    parameters: dict[str, ParamValue] = Field(default_factory=dict, description="parameter overrides")

    @model_validator(mode="after")
    def _unique_names(self) -> AsylumSection:
        names = [policy.name for policy in self.policies]
        if len(set(names)) != len(names):
            raise ValueError(f"policy names must be unique, got {names}")
        return self

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, parameters: dict[str, ParamValue]) -> dict[str, ParamValue]:
        check_asylum_overrides(parameters)
        return parameters


def check_asylum_overrides(overrides: dict[str, ParamValue]) -> None:
    """ValueError unless every override names an asylum parameter, has its shape, lies in its limits
    and keeps groups of shares at most 1 (``migratielab.limits``)."""
    defaults = default_parameters("asylum")
    try:
        for name, value in overrides.items():
            if name not in defaults:
                raise InputError("", name, f"a known asylum parameter{did_you_mean(name, defaults)}")
            check_override(name, defaults[name], value, "", name)
        defaults.with_values(overrides)
    except InputError as error:
        raise ValueError(f"{error.key}: {error.expected}") from None


class Band(Strict):
    """Gross immigration of a channel from year ``from`` on: central, low and high (persons per year)."""

    from_year: int = Field(alias="from", ge=limits.YEAR.low, le=limits.YEAR.high)
    central: float = limits.ANNUAL_INFLOW.field()
    low: float = limits.ANNUAL_INFLOW.field()
    high: float = limits.ANNUAL_INFLOW.field()

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if not self.low <= self.central <= self.high:
            raise ValueError("low <= central <= high must hold")
        return self


class Inflows(Strict):
    """Bands per immigration channel (each a list of bands in force from their year)."""

    labour_eu: list[Band]
    labour_non_eu: list[Band]
    study: list[Band]
    family: list[Band]
    asylum: list[Band]
    asylum_family: list[Band]
    temporary_protection: list[Band]
    other: list[Band]


class Fertility(Strict):
    """A constant total fertility rate with a range (children per woman)."""

    tfr: float = limits.TFR.field()
    low: float = limits.TFR.field()
    high: float = limits.TFR.field()

    @model_validator(mode="after")
    def _ordered(self) -> Fertility:
        if not self.low <= self.tfr <= self.high:
            raise ValueError("low <= tfr <= high must hold")
        return self


class LifeExpectancy(Strict):
    """Life expectancy at birth reached in the last year (years), linear from the observed start value."""

    male: float = limits.LIFE_EXPECTANCY.field()
    female: float = limits.LIFE_EXPECTANCY.field()


class MigrationPlan(Strict):
    """The population's part of a scenario: a multi-year migration plan plus demography.

    With ``asylum_from_chain`` the asylum chain (the scenario's ``asylum`` section, first policy)
    supplies the asylum immigrants (its grants) and their follow-on family month by month instead
    of the plan's asylum and asylum-family levels.
    """

    inflows: Inflows
    fertility: Fertility | None = None
    life_expectancy_end: LifeExpectancy | None = None
    asylum_from_chain: bool = False


class MunicipalReception(Strict):
    """Spreidingswet levers: the national target and the size of reception locations."""

    target_places: int | None = Field(
        None, ge=0, le=300_000, description="national capacity target (places); default: the cycle in force"
    )
    share_small_locations: float = Field(
        0.0, ge=0, le=1, description="share of places in small locations (under 300 places)"
    )


class MunicipalIntegration(Strict):
    """Civic integration levers (Wet inburgering 2021)."""

    quality_floor: float | None = Field(
        None, ge=0, le=1, description="national quality standard: lowest pass rate within the term (share)"
    )
    quality_lift: float = Field(0.0, ge=-0.5, le=0.5, description="pass rate lift everywhere (share)")
    budget_per_person: float | None = Field(
        None, gt=0, le=100_000, description="route budget, EUR per person"
    )
    fines: Literal["strict", "human"] = "strict"
    intake_within_months: int | None = Field(
        None, ge=0, le=6, description="national standard: intake and plan within this many months of housing"
    )
    invite_non_obliged: bool = Field(
        False, description="invite newcomers without the obligation to learn Dutch"
    )
    employer_contribution: float = Field(0.0, ge=0, le=1, description="employers' share of the course cost")


class LocalExperiment(Strict):
    """A local experiment in named municipalities, compared with a matched set of similar ones."""

    name: str = Field(min_length=1, max_length=80)
    municipalities: list[str] = Field(min_length=1, description="CBS codes (GM0363) or names")
    flexible_homes_per_1000: float = Field(
        0.0, ge=0, le=50, description="extra flexible homes per year per 1,000 inhabitants"
    )
    share_allocated: float | None = Field(
        None, ge=0, le=0.5, description="share of lettings to status holders"
    )
    small_locations: bool = Field(False, description="all reception places in small locations")
    pass_rate_lift: float = Field(
        0.0, ge=0, le=0.5, description="pass rate lift from early language and work"
    )
    employment_gain_extra: float = Field(
        0.0, ge=0, le=0.5, description="extra chance of work for those housed"
    )


class MunicipalSection(Strict):
    """The municipalities' part of a scenario: housing, reception spreading, civic integration, experiments.

    The municipalities take the asylum chain's housing task (the scenario's first asylum policy) and
    their realisation is the chain's outflow of status holders, so an asylum section is required.
    """

    flexible_homes_per_year: float = Field(
        0.0, ge=0, le=200_000, description="extra flexible homes per year, national (spread by population)"
    )
    share_allocated: float | None = Field(
        None, ge=0, le=0.5, description="national share of lettings to status holders (default: sourced)"
    )
    reception: MunicipalReception = Field(default_factory=MunicipalReception)
    integration: MunicipalIntegration = Field(default_factory=MunicipalIntegration)
    experiments: list[LocalExperiment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> MunicipalSection:
        names = [experiment.name for experiment in self.experiments]
        if len(set(names)) != len(names):
            raise ValueError(f"experiment names must be unique, got {names}")
        return self


LABOUR_CHANNELS = ("labour_eu", "knowledge", "labour_non_eu_other", "study", "family", "asylum")
"""Channels of a labour plan (the partnership channel has its own block); order as in models/labour."""
FIRST_LABOUR_YEAR = 2025
"""The labour pillar starts from ROA's AIS 2030 outlook, which covers 2025-2030."""
LabourChannel = Literal["labour_eu", "knowledge", "labour_non_eu_other", "study", "family", "asylum"]


class LabourLevers(Strict):
    """Levers for migrants already here: the share of status holders and family migrants each reaches."""

    diploma_recognition: float = Field(0.0, ge=0, le=1, description="share reached by diploma recognition")
    intensive_guidance: float = Field(
        0.0, ge=0, le=1, description="share reached by intensive guidance to work"
    )


class Partnership(Strict):
    """A partnership with a country of origin: training there and here, places in shortage occupations."""

    country: str = Field(min_length=1, max_length=80)
    places_per_year: float = Field(ge=0, le=100_000, description="persons aged 18-64 per year")
    occupations: list[str] = Field(
        default_factory=list,
        description="BRC 2014 codes; empty = the occupations judged a case for labour migration",
    )


class LabourSection(Strict):
    """The labour pillar's part: a plan per channel, shortage weights and thresholds, levers, a partnership.

    ``plan`` gives arrivals aged 18-64 per year from ``start_year`` on; ``weights``, ``thresholds``
    and ``shortage_cutoff`` change the shortage assessment (names as in ``migratielab labour shortages``).
    """

    plan: dict[LabourChannel, float] = Field(default_factory=dict, description="persons aged 18-64 per year")
    weights: dict[str, float] = Field(default_factory=dict)
    thresholds: dict[str, float] = Field(default_factory=dict)
    shortage_cutoff: float | None = Field(None, gt=0, le=1)
    levers: LabourLevers = Field(default_factory=LabourLevers)
    partnership: Partnership | None = None
    parameters: dict[str, ParamValue] = Field(default_factory=dict, description="parameter overrides")

    @model_validator(mode="after")
    def _non_negative_plan(self) -> LabourSection:
        for channel, level in self.plan.items():
            if level < 0:
                raise ValueError(f"plan.{channel}: at least 0 persons per year, got {level}")
        return self


class Scenario(Strict):
    """A complete question: horizon, ensemble, and a section per pillar that takes part."""

    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    start_year: int = Field(2025, ge=2010, le=2060)
    end_year: int = Field(2035, ge=2010, le=2100, description="last simulated year (inclusive)")
    runs: int = Field(1000, ge=int(limits.RUNS.low), le=int(limits.RUNS.high))
    seed: int = limits.SEED.field(20251127)
    asylum: AsylumSection | None = None
    population: MigrationPlan | None = None
    municipal: MunicipalSection | None = None
    labour: LabourSection | None = None

    @model_validator(mode="before")
    @classmethod
    def _sections_from_older_files(cls, content: Any) -> Any:
        """Move the keys of an asylum scenario written before sections existed into ``asylum``."""
        if isinstance(content, dict) and "asylum" not in content and "policies" in content:
            moved = {key: content[key] for key in ASYLUM_KEYS if key in content}
            return {**{k: v for k, v in content.items() if k not in ASYLUM_KEYS}, "asylum": moved}
        return content

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        if self.end_year < self.start_year:
            raise ValueError(f"end_year ({self.end_year}) must not precede start_year ({self.start_year})")
        if self.asylum is None and self.population is None and self.labour is None:
            raise ValueError("a scenario needs at least one section: asylum, population or labour")
        if self.labour is not None and self.start_year < FIRST_LABOUR_YEAR:
            raise ValueError(
                f"start_year must be at least {FIRST_LABOUR_YEAR} with a labour section (ROA outlook)"
            )
        if self.population is not None and self.start_year > LAST_POPULATION_START:
            raise ValueError(
                f"start_year must be at most {LAST_POPULATION_START} with a population section "
                "(the projection starts from CBS's observed 1 January population)"
            )
        if self.population is not None and self.end_year > LAST_POPULATION_YEAR:
            raise ValueError(f"end_year must be at most {LAST_POPULATION_YEAR} with a population section")
        if self.municipal is not None and self.asylum is None:
            raise ValueError("a municipal section needs an asylum section (the chain sets the housing task)")
        if self.population is not None and self.population.asylum_from_chain and self.asylum is None:
            raise ValueError("population.asylum_from_chain needs an asylum section (its first policy runs)")
        return self

    @property
    def months(self) -> int:
        """Number of simulated months."""
        return 12 * (self.end_year - self.start_year + 1)

    @property
    def years(self) -> list[int]:
        """The simulated calendar years."""
        return list(range(self.start_year, self.end_year + 1))


def plan_file_as_scenario(content: dict[str, Any]) -> dict[str, Any]:
    """A stand-alone migration plan file (``name, start, end, inflows, ...``) as a scenario mapping.

    The plan's ``end`` is the last 1 January projected, so its last simulated year is ``end - 1``.
    """
    plan_keys = ("inflows", "fertility", "life_expectancy_end", "asylum_from_chain")
    scenario: dict[str, Any] = {
        "name": content.get("name"),
        "population": {key: content[key] for key in plan_keys if key in content},
    }
    if "start" in content:
        scenario["start_year"] = content["start"]
    if isinstance(content.get("end"), int):
        scenario["end_year"] = content["end"] - 1
    extra = set(content) - {"name", "start", "end", *plan_keys}
    scenario.update({key: content[key] for key in extra})  # unknown keys: refused by validation
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario YAML file (InputError names file, key and expectation).

    Stand-alone migration plan files (top-level ``inflows`` and ``start``) are read as a scenario
    with a population section.
    """
    file_path = Path(path)
    content = read_yaml_mapping(file_path)
    if "inflows" in content and "population" not in content:
        content = plan_file_as_scenario(content)
    return validate_mapping(content, Scenario, file_path)


def bundled_scenario_path(name: str = "default") -> Path:
    """Path of a scenario bundled with the package."""
    return Path(str(resources.files("migratielab.scenarios").joinpath(f"{name}.yaml")))


def bundled_scenario_names() -> list[str]:
    """Names of the scenarios bundled with the package."""
    folder = resources.files("migratielab.scenarios")
    return sorted(
        entry.name.removesuffix(".yaml") for entry in folder.iterdir() if entry.name.endswith(".yaml")
    )
