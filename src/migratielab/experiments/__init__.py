"""Experiments: designs over uncertainties and levers, chunked evaluation on backends, result stores."""

from migratielab.experiments.backends import make_backend
from migratielab.experiments.run import Exploration, run_experiment
from migratielab.experiments.schema import Experiment, load_experiment

__all__ = ["Experiment", "Exploration", "load_experiment", "make_backend", "run_experiment"]
