"""Scenario files: horizon, inflow future, policies (sets of levers) and parameter overrides.

A scenario is YAML validated by these pydantic models (unknown keys rejected). Levers are the
choices a minister can make; uncertainties (the inflow future, parameter ranges) are separate.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from migratielab.params import ParamValue, Strict
from migratielab.yamlio import load_model


class ForecastLinkedReception(Strict):
    """Half-yearly capacity decisions following an inflow forecast made ``forecast_lag_months`` earlier."""

    rule: Literal["forecast_linked"] = "forecast_linked"
    forecast_lag_months: int = Field(14, ge=0, le=36, description="information lag of the forecast, months")


class FixedBufferReception(Strict):
    """Stable regular capacity plus an iron buffer of reserve places activated within some months."""

    rule: Literal["fixed_buffer"] = "fixed_buffer"
    base_places: int = Field(ge=0, le=300_000, description="stable regular places")
    buffer_places: int = Field(ge=0, le=300_000, description="reserve places kept ready")
    activation_months: int = Field(3, ge=1, le=24, description="months to bring the buffer fully into use")
    trigger_share: float = Field(
        0.95, gt=0, le=1.0, description="occupancy of regular places (share) that triggers activation"
    )


class CapacityPathReception(Strict):
    """A user-given regular capacity path: places by year (linear in between, held after the last)."""

    rule: Literal["path"] = "path"
    places: dict[int, int] = Field(min_length=1, description="regular places by calendar year (1 January)")


ReceptionPolicy = Annotated[
    ForecastLinkedReception | FixedBufferReception | CapacityPathReception, Field(discriminator="rule")
]


class ForecastLinkedStaffing(Strict):
    """Half-yearly hiring towards the FTE the lagged inflow forecast needs; new staff ramp up."""

    rule: Literal["forecast_linked"] = "forecast_linked"
    forecast_lag_months: int = Field(14, ge=0, le=36)


class StableStaffing(Strict):
    """A constant number of IND decision officers, whatever the inflow."""

    rule: Literal["stable"] = "stable"
    fte: float = Field(gt=0, le=20_000, description="decision-officer FTE")


StaffingPolicy = Annotated[ForecastLinkedStaffing | StableStaffing, Field(discriminator="rule")]


class ForecastHousingQuota(Strict):
    """Half-yearly municipal quota: expected grants plus part of the waiting list (the current practice)."""

    rule: Literal["forecast"] = "forecast"


class FixedHousingQuota(Strict):
    """A fixed half-yearly quota of status holders to be housed."""

    rule: Literal["fixed"] = "fixed"
    per_half_year: int = Field(ge=0, le=100_000)


HousingPolicy = Annotated[ForecastHousingQuota | FixedHousingQuota, Field(discriminator="rule")]


class Policy(Strict):
    """One combination of levers, compared against others in a scenario."""

    name: str = Field(min_length=1, max_length=80)
    reception: ReceptionPolicy = Field(default_factory=ForecastLinkedReception)
    staffing: StaffingPolicy = Field(default_factory=ForecastLinkedStaffing)
    decision_term_months: int = Field(6, ge=1, le=36, description="statutory decision term, months")
    housing: HousingPolicy = Field(default_factory=ForecastHousingQuota)


class StochasticInflow(Strict):
    """Inflow paths drawn from the generator calibrated on the observed history."""

    kind: Literal["stochastic"] = "stochastic"
    level_multiplier: float = Field(1.0, gt=0, le=10, description="scales the long-run mean level")


class BandInflow(Strict):
    """A deterministic low, medium or high inflow band, as in the government's multi-year forecast."""

    kind: Literal["band"] = "band"
    band: Literal["low", "medium", "high"] = "medium"


class PathInflow(Strict):
    """A user-given annual inflow path of first plus repeat applications (persons per year)."""

    kind: Literal["path"] = "path"
    per_year: dict[int, float] = Field(min_length=1)


InflowSpec = Annotated[StochasticInflow | BandInflow | PathInflow, Field(discriminator="kind")]


class Scenario(Strict):
    """A complete question: horizon, inflow future, policies to compare, ensemble and overrides."""

    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    start_year: int = Field(2025, ge=2015, le=2060)
    end_year: int = Field(2035, ge=2015, le=2100, description="last simulated year (inclusive)")
    runs: int = Field(1000, ge=1, le=1_000_000)
    seed: int = Field(20251127, ge=0)
    inflow: InflowSpec = Field(default_factory=StochasticInflow)
    policies: list[Policy] = Field(min_length=1)
    parameters: dict[str, ParamValue] = Field(default_factory=dict, description="parameter overrides")

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        if self.end_year < self.start_year:
            raise ValueError(f"end_year ({self.end_year}) must not precede start_year ({self.start_year})")
        names = [policy.name for policy in self.policies]
        if len(set(names)) != len(names):
            raise ValueError(f"policy names must be unique, got {names}")
        return self

    @property
    def months(self) -> int:
        """Number of simulated months."""
        return 12 * (self.end_year - self.start_year + 1)


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario YAML file (InputError names file, key and expectation)."""
    return load_model(path, Scenario)


def bundled_scenario_path(name: str = "default") -> Path:
    """Path of a scenario bundled with the package."""
    return Path(str(resources.files("migratielab.scenarios").joinpath(f"{name}.yaml")))


def bundled_scenario_names() -> list[str]:
    """Names of the scenarios bundled with the package."""
    folder = resources.files("migratielab.scenarios")
    return sorted(
        entry.name.removesuffix(".yaml") for entry in folder.iterdir() if entry.name.endswith(".yaml")
    )
