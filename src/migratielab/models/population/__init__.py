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

Coupling interface (for ``models/system.py``)
---------------------------------------------
* ``service.population.project_plan(plan, runs, seed, asylum_arrivals=A, asylum_family_arrivals=F)``
  with A and F arrays shaped (run, year) over the flow years ``plan.start .. plan.end - 1``
  (persons per year, e.g. asylum-chain grants and their follow-on family). They replace the
  plan's ``asylum`` and ``asylum_family`` inflows run by run; asylum arrivals join the asylum
  motive, follow-on family the family motive.
* ``service.population.plan_asylum_level(plan, years)`` returns the plan's central asylum
  level per year (year,), to drive the asylum chain's inflow; ``plan_levels`` gives the
  central/low/high levels of every inflow category.
* At model level, ``simulate(Paths(..., arrivals=(run, inflow, year)))`` takes the same arrays
  directly; inflow order is ``INFLOWS``.
"""

from migratielab.models.population.data import BaseData, load_base_data
from migratielab.models.population.projection import INFLOWS, MOTIVES, State, step
from migratielab.models.population.simulate import GROUPS, Paths, simulate

__all__ = ["GROUPS", "INFLOWS", "MOTIVES", "BaseData", "Paths", "State", "load_base_data", "simulate", "step"]
