"""Population projection: cohort-component model by sex, single age and origin, over an ensemble.

Annual steps, ages 0..105+, two sexes; the population is split into people born in the
Netherlands (``born_nl``; at the start year this group also holds immigrants who arrived more
than ten years earlier) and immigrants by motive (labour_eu, labour_non_eu incl. knowledge
migrants, study, family, asylum, temporary_protection, other), each by years since arrival
0..10+. All arrays carry a leading ``run`` axis; the only Python loop is over years.

Components (see ``components`` and docs/population.md): fertility = CBS ASFR shape scaled to a
TFR path; mortality = Brass relational logit (slope 1) on the CBS-derived 2024 life table,
solved per run so e0 matches the path; native emigration = rate x Rogers-Castro schedule;
immigrants by motive arrive with Rogers-Castro age profiles (estimates) and leave with
piecewise-constant hazards calibrated on CBS stay figures.

Pillar contract
---------------
``simulate.prepare(paths, params, data)`` sets up a projection (``Projection``: the step's params),
``simulate.start_state`` gives the observed 1 January population, ``simulate.step(state, projection,
inputs, t)`` advances one year, ``simulate.year_inputs(projection, t, asylum)`` builds a year's inputs
(``asylum``: the chain's ``AsylumArrivals`` replace the plan's asylum numbers) and
``simulate.Recorder`` collects results. Paths from a plan or net migration: ``paths``. The time loop
is ``models.system.run``; the variables are registered in ``variables.yaml``.
"""

from migratielab.models.population.data import BaseData, load_base_data
from migratielab.models.population.projection import INFLOWS, MOTIVES, State, step
from migratielab.models.population.simulate import GROUPS, Paths

__all__ = ["GROUPS", "INFLOWS", "MOTIVES", "BaseData", "Paths", "State", "load_base_data", "step"]
