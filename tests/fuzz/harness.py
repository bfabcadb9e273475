"""Fuzzing harness: mutate valid input files, feed them to the CLI, and judge each outcome.

An outcome is one of ``refused`` (exit 2 with one ``error:`` line naming the file or option),
``accepted`` (exit 0 with finite, non-negative stocks), ``no_run`` (explore: exit 1 because no run
succeeded, nothing stored) or a *violation*: a traceback, another exit code, exit 0 with NaN or
negative stocks, or files written by a refused command. The suite runs a few hundred cases through
Hypothesis (``test_fuzz.py``); ``scripts/fuzz_inputs.py`` runs ten thousand and more.
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from typer.testing import CliRunner

from migratielab.cli import app
from migratielab.scenario import bundled_scenario_path

RUNNER = CliRunner()
NASTY: tuple[Any, ...] = (
    float("nan"), float("inf"), -float("inf"), -1, -1e9, 0, 0.0, 1e308, 10**30, 2**63, -(2**63) - 1,
    "", "1_000", "abc", "١٢٣", None, True, [], [1, 2], {}, {"a": 1}, 0.5, 1.5, 120, 1e-300,
)  # fmt: skip
"""Values a careless or hostile user puts where a number or a mapping belongs."""
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Outcome:
    """How one input was handled: its class and, for a violation, what went wrong."""

    kind: str  # refused, accepted, no_run or violation
    detail: str = ""


def small_scenario() -> dict[str, Any]:
    """The bundled scenario cut to two years and three runs (quick to simulate)."""
    content = yaml.safe_load(bundled_scenario_path().read_text(encoding="utf-8"))
    return {**content, "start_year": 2025, "end_year": 2026, "runs": 3}


def small_plan() -> dict[str, Any]:
    """The bundled example migration plan cut to three years."""
    path = bundled_scenario_path().parent / "plans" / "example.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {**content, "start": 2025, "end": 2028}


def small_parameters() -> dict[str, Any]:
    """A parameter file overriding a few asylum parameters, with provenance."""
    entry = {"description": "fuzz", "unit": "share", "estimate": True, "reasoning": "fuzz"}
    return {
        "parameters": {
            "remain_share": {**entry, "value": 0.05},
            "appeal_share": {**entry, "value": 0.3},
            "family_per_grant": {**entry, "unit": "persons per grant", "value": 0.6},
        }
    }


def small_experiment() -> dict[str, Any]:
    """A tiny experiment: two uncertainties, two policies, four futures, two years."""
    return {
        "name": "fuzz",
        "start_year": 2025,
        "end_year": 2026,
        "seed": 1,
        "uncertainties": [
            {
                "name": "level",
                "target": "inflow.level_multiplier",
                "distribution": "uniform",
                "low": 0.5,
                "high": 2,
            },
            {"name": "remain", "target": "remain_share", "distribution": "uniform", "low": 0.0, "high": 0.2},
        ],
        "policies": [{"name": "a"}, {"name": "b", "staffing": {"rule": "stable", "fte": 1500}}],
        "sampler": {"kind": "latin_hypercube", "size": 4},
        "outcomes": ["nights_without_shelter", "total_cost_eur"],
    }


SAMPLE_CSV = (
    '"ID";"Perioden";"EersteAsielverzoekenPersonen_2"\n"0";"2019JJ00";"22540"\n"1";"2020JJ00";"13720"\n'
)


def leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every value (leaves and containers) in a nested mapping/list."""
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += leaves(value, (*path, index))
    return found


def set_at(node: Any, path: tuple[Any, ...], value: Any) -> None:
    """Replace the value at ``path``."""
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def value_at(node: Any, path: tuple[Any, ...]) -> Any:
    """The value at ``path``."""
    for part in path:
        node = node[part]
    return node


def delete_at(node: Any, path: tuple[Any, ...]) -> None:
    """Remove the value at ``path``."""
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]


def typo(key: str, rng: random.Random) -> str:
    """``key`` with one letter dropped or doubled."""
    if len(key) < 2:
        return key + "x"
    index = rng.randrange(len(key))
    return key[:index] + key[index + 1 :] if rng.random() < 0.5 else key[:index] + key[index] + key[index:]


def numeric_nudge(value: Any, rng: random.Random) -> Any:
    """A plausible-looking but possibly out-of-range number near ``value``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return rng.choice(NASTY)
    factor = rng.choice([-1.0, 0.0, 0.5, 0.9, 1.1, 2.0, 10.0, 1000.0, 1.0000001])
    return type(value)(value * factor) if isinstance(value, int) else value * factor


def mutate(content: dict[str, Any], rng: random.Random, steps: int = 2) -> str | bytes:
    """A YAML text (or raw bytes) derived from ``content`` by a few random mutations."""
    mutated = copy.deepcopy(content)
    for _ in range(rng.randint(1, steps)):
        paths = leaves(mutated)
        if not paths:
            break
        numbers = [path for path in paths if isinstance(value_at(mutated, path), (int, float))]
        path = rng.choice(numbers if numbers and rng.random() < 0.6 else paths)
        action = rng.random()
        if path in numbers and rng.random() < 0.6:
            action = 0.5  # mostly nudge numbers: near-valid inputs reach the model
        try:
            if action < 0.35:
                set_at(mutated, path, rng.choice(NASTY))
            elif action < 0.65:
                parent = mutated
                for part in path[:-1]:
                    parent = parent[part]
                set_at(mutated, path, numeric_nudge(parent[path[-1]], rng))
            elif action < 0.75:
                delete_at(mutated, path)
            elif action < 0.85 and isinstance(path[-1], str):
                parent = mutated
                for part in path[:-1]:
                    parent = parent[part]
                parent[typo(path[-1], rng)] = parent.pop(path[-1])
        except (KeyError, IndexError, TypeError):
            continue
    text = yaml.safe_dump(mutated, allow_unicode=True, sort_keys=False)
    special = rng.random()
    if special < 0.03:
        return text.encode("utf-8") + b"\nname: \xff\xfe\n"
    if special < 0.06:
        first = text.splitlines()[0] if text else "name: x"
        return text + "\n" + first + "\n"  # a duplicate key
    if special < 0.08:
        return text + f"\nseed: {'9' * 5000}\n"
    return text


def mutate_csv(rng: random.Random) -> str | bytes:
    """A StatLine-like CSV with a mutated cell, period code or field."""
    lines = SAMPLE_CSV.splitlines()
    row = rng.randrange(1, len(lines))
    cells = lines[row].split(";")
    column = rng.randrange(len(cells))
    choices = ['"-1"', '"1e308"', '"1_000"', '"١٢٣"', '"0000JJ00"', '"2019MM13"', '"nan"', '""', '"."',
               '"' + "9" * 140_000 + '"', '"12,5"', '"1.234,5"', '"inf"', '"2019JJ00"', '"0"']  # fmt: skip
    cells[column] = rng.choice(choices)
    lines[row] = ";".join(cells)
    text = "\n".join(lines) + "\n"
    return text.encode("latin-1", errors="replace") + b"\xe9" if rng.random() < 0.05 else text


def write(path: Path, content: str | bytes) -> Path:
    """Write text as UTF-8 or bytes as given."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def judge_exit(result: Any, out: Path | None = None) -> Outcome | None:
    """The outcome of a non-zero exit (None for exit 0, which the caller judges)."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return Outcome("violation", f"traceback: {type(result.exception).__name__}: {result.exception}")
    if result.exit_code == 0:
        return None
    if out is not None and out.exists() and any(out.rglob("*")):
        return Outcome("violation", f"exit {result.exit_code} but files were written in {out}")
    if result.exit_code == 2 and "rror" in result.output:
        return Outcome("refused")
    return Outcome("violation", f"exit {result.exit_code}: {result.output[-300:]}")


def stocks_ok(frame: pd.DataFrame, column: str = "value") -> str:
    """Empty if every value is finite and not below zero by more than round-off, else a description."""
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    if not len(values):
        return ""
    if not all(math.isfinite(value) for value in values):
        return "non-finite result"
    scale = max(1.0, float(abs(values).max()))
    if values.min() < -TOLERANCE * scale:
        return f"negative result {values.min():g}"
    return ""


STOCK_VARIABLES = ("in_chain", "occupancy", "backlog", "holders", "appeals", "rejected", "at_centre")


def run_scenario(path: Path, work: Path, extra: tuple[str, ...] = ()) -> Outcome:
    """``migratielab run`` on a scenario; exit 0 must give finite, non-negative stock results."""
    out = work / "out"
    result = RUNNER.invoke(app, ["run", str(path), "--runs", "3", "--out", str(out), *extra])
    judged = judge_exit(result, out)
    if judged is not None:
        return judged
    frames = [pd.read_parquet(file) for file in out.rglob("results.parquet")]
    if not frames:
        return Outcome("violation", "exit 0 without results")
    frame = pd.concat(frames)
    name_column = "variable" if "variable" in frame.columns else frame.columns[0]
    stocks = frame[frame[name_column].astype(str).str.contains("|".join(STOCK_VARIABLES), case=False)]
    problem = stocks_ok(stocks)
    return Outcome("violation", f"exit 0 with {problem}") if problem else Outcome("accepted")


def run_plan(path: Path, work: Path) -> Outcome:
    """``migratielab project PLAN --json``: exit 0 must print finite, non-negative levels."""
    result = RUNNER.invoke(app, ["project", str(path), "--runs", "2", "--json"])
    judged = judge_exit(result)
    if judged is not None:
        return judged
    try:
        records = json.loads(result.stdout)
    except json.JSONDecodeError:
        return Outcome("violation", f"exit 0 without JSON: {result.stdout[:200]}")
    frame = pd.DataFrame(records).drop(columns=["year", "net_migration"], errors="ignore")
    values = frame.melt()["value"]
    if values.isna().any():
        return Outcome("violation", "exit 0 with missing (NaN) values")
    problem = stocks_ok(values.to_frame())
    return Outcome("violation", f"exit 0 with {problem}") if problem else Outcome("accepted")


def run_variant(options: list[str]) -> Outcome:
    """``migratielab project`` with flags only."""
    result = RUNNER.invoke(app, ["project", "--json", *options])
    judged = judge_exit(result)
    if judged is not None:
        return judged
    frame = pd.DataFrame(json.loads(result.stdout)).drop(columns=["year", "net_migration"], errors="ignore")
    values = frame.melt()["value"]
    if values.isna().any():
        return Outcome("violation", "exit 0 with missing (NaN) values")
    problem = stocks_ok(values.to_frame())
    return Outcome("violation", f"exit 0 with {problem}") if problem else Outcome("accepted")


def run_experiment(path: Path, work: Path) -> Outcome:
    """``migratielab explore``: exit 0 catalogues it; exit 1 (no run succeeded) or 2 leave no folder."""
    store = work / "store"
    result = RUNNER.invoke(app, ["explore", str(path), "--store", str(store), "--size", "4"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return Outcome("violation", f"traceback: {type(result.exception).__name__}: {result.exception}")
    folders = [entry for entry in store.iterdir() if entry.is_dir()] if store.exists() else []
    if result.exit_code == 0:
        return Outcome("accepted") if len(folders) == 1 else Outcome("violation", "exit 0 without one folder")
    if folders:
        return Outcome("violation", f"exit {result.exit_code} left {folders[0].name}")
    if result.exit_code == 1 and "none of the" in result.output:
        return Outcome("no_run")
    return judge_exit(result) or Outcome("violation", "unexpected")


def run_csv(path: Path, work: Path) -> Outcome:
    """``migratielab data import-cbs`` into a private store: refused, or finite non-negative values."""
    result = RUNNER.invoke(
        app,
        ["data", "import-cbs", str(path), "--table", "83102NED", "--column",
         "EersteAsielverzoekenPersonen_2=cbs.fuzz_first", "--unit", "persons"],
        env={"MIGRATIELAB_HOME": str(work / "home")},
    )  # fmt: skip
    return judge_exit(result) or Outcome("accepted")


KINDS: dict[str, Callable[[random.Random, Path], Outcome]] = {}


def kind(
    name: str,
) -> Callable[[Callable[[random.Random, Path], Outcome]], Callable[[random.Random, Path], Outcome]]:
    """Register a fuzz target by name."""

    def register(
        function: Callable[[random.Random, Path], Outcome],
    ) -> Callable[[random.Random, Path], Outcome]:
        KINDS[name] = function
        return function

    return register


@kind("scenario")
def fuzz_scenario(rng: random.Random, work: Path) -> Outcome:
    """A mutated scenario through ``run``."""
    return run_scenario(write(work / "scenario.yaml", mutate(small_scenario(), rng)), work)


@kind("parameters")
def fuzz_parameters(rng: random.Random, work: Path) -> Outcome:
    """A mutated parameter file through ``run --parameters``."""
    scenario = write(work / "scenario.yaml", yaml.safe_dump(small_scenario()))
    parameters = write(work / "parameters.yaml", mutate(small_parameters(), rng))
    return run_scenario(scenario, work, ("--parameters", str(parameters)))


@kind("plan")
def fuzz_plan(rng: random.Random, work: Path) -> Outcome:
    """A mutated migration plan through ``project``."""
    return run_plan(write(work / "plan.yaml", mutate(small_plan(), rng)), work)


@kind("experiment")
def fuzz_experiment(rng: random.Random, work: Path) -> Outcome:
    """A mutated experiment through ``explore``."""
    return run_experiment(write(work / "experiment.yaml", mutate(small_experiment(), rng)), work)


@kind("csv")
def fuzz_csv(rng: random.Random, work: Path) -> Outcome:
    """A mutated StatLine CSV through ``data import-cbs``."""
    return run_csv(write(work / "export.csv", mutate_csv(rng)), work)


@kind("options")
def fuzz_options(rng: random.Random, work: Path) -> Outcome:
    """Random ``project`` flags (short horizons)."""

    def number() -> str:
        return str(rng.choice([*[v for v in NASTY if isinstance(v, (int, float))], rng.uniform(-1e6, 1e6)]))

    options = ["--end", str(rng.choice([2026, 2027, 2028, 2100, 2200, 1900, 2025]))]
    for flag in ("--tfr", "--e0-male", "--e0-female", "--net-migration", "--start"):
        if rng.random() < 0.4:
            options += [flag, number() if flag != "--start" else str(rng.choice([2020, 2025, 1900, 2030]))]
    return run_variant(options)
