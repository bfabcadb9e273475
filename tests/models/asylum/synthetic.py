"""A synthetic, data-free set-up of the asylum chain for tests."""

from __future__ import annotations

import numpy as np

from migratielab.models.asylum.chain import ChainConfig, ChainInputs, State
from migratielab.models.asylum.parameters import build_parameters
from migratielab.models.asylum.policies import policy_arrays
from migratielab.models.asylum.simulate import ChainRun, InitialComposition, initial_state, simulate
from migratielab.params import default_parameters
from migratielab.scenario import Policy

START_YEAR = 2025
COMPOSITION = InitialComposition(
    residents=30_000,
    share_in_procedure=0.35,
    share_in_appeal=0.10,
    share_rejected=0.15,
    share_status_holders=0.40,
    applications_per_month=2_000,
)


def chain_setup(
    applications: np.ndarray,
    policy: Policy | None = None,
    overrides: dict[str, float] | None = None,
    per_run_values: dict[str, np.ndarray] | None = None,
) -> tuple[State, ChainConfig, ChainInputs]:
    """A synthetic start, its configuration and inputs for an applications matrix (run, month)."""
    runs, months = applications.shape
    parameters = default_parameters("asylum").with_values(overrides or {})
    chain_parameters = build_parameters(parameters, runs, START_YEAR, months, per_run_values)
    arrays = policy_arrays(policy or Policy(name="test"), runs, START_YEAR, months)
    state = initial_state(COMPOSITION, chain_parameters, arrays)
    return state, ChainConfig(chain_parameters, arrays), ChainInputs(START_YEAR, applications)


def run_chain(
    applications: np.ndarray,
    policy: Policy | None = None,
    overrides: dict[str, float] | None = None,
    per_run_values: dict[str, np.ndarray] | None = None,
) -> ChainRun:
    """Simulate the chain from a synthetic start for an applications matrix (run, month)."""
    state, config, inputs = chain_setup(applications, policy, overrides, per_run_values)
    return simulate(state, config.parameters, config.policy, inputs)


def surge(
    months: int = 72, base: float = 2_000, peak: float = 8_000, at: int = 12, length: int = 12
) -> np.ndarray:
    """A one-run applications path with a rectangular surge (persons per month)."""
    path = np.full((1, months), base)
    path[:, at : at + length] = peak
    return path
