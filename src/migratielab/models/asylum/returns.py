"""Return levers: departure shares of rejected applicants (origin cooperation, detention, lighter measures).

Rejected applicants leave reception as before (``rejected_mean_months_in_reception``); the levers
change how those who leave are split over forced departure, independent departure under DT&V
supervision, departure without supervision and staying (``remain_share``, unchanged):

* forced departure needs travel documents from the country of origin and, for part of the cases,
  a detention place: ``forced = base_forced * cooperation ** forced_elasticity * detention``, with
  ``detention = 1 - s + s * min(1, places / places_in_use)`` (``s`` the share of forced departures
  that go through detention). Places beyond those in use add nothing: in 2020 about 440 of the 933
  places were occupied, so capacity was not what limited forced return;
* independent departure also needs documents, less strictly (laissez-passer):
  ``independent = base_independent * cooperation ** independent_elasticity * (1 + effect * lighter)``;
* departures without supervision are the remainder. If forced plus independent plus remain would
  exceed one, forced and independent are scaled down together so the remainder is zero.

Shares are per run (run,), dimensionless.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from migratielab.models.asylum.parameters import ChainParameters
from migratielab.params import ParameterSet
from migratielab.scenario import ReturnPolicy


def detention_factor(places: float, params: ParameterSet) -> float:
    """Relative forced-departure capacity from detention places (1 when places cover those in use)."""
    share = params.scalar("forced_via_detention_share")
    in_use = params.scalar("detention_places_in_use")
    return 1.0 - share + share * min(1.0, places / in_use)


def departure_shares(
    chain: ChainParameters, levers: ReturnPolicy, params: ParameterSet
) -> tuple[np.ndarray, np.ndarray]:
    """Independent and forced departure shares (run,) of rejected applicants leaving reception."""
    cooperation = levers.origin_cooperation
    forced = (
        chain.departure_share_forced
        * cooperation ** params.scalar("cooperation_elasticity_forced")
        * detention_factor(levers.detention_places, params)
    )
    independent = (
        chain.departure_share_independent
        * cooperation ** params.scalar("cooperation_elasticity_independent")
        * (1.0 + params.scalar("lighter_measures_effect") * levers.lighter_measures_share)
    )
    room = 1.0 - chain.remain_share
    total = forced + independent
    scale = np.where(total > room, room / np.where(total > 0, total, 1.0), 1.0)
    return np.asarray(independent * scale), np.asarray(forced * scale)


def with_return_levers(chain: ChainParameters, levers: ReturnPolicy, params: ParameterSet) -> ChainParameters:
    """The chain parameters with the departure shares the return levers give."""
    independent, forced = departure_shares(chain, levers, params)
    return replace(chain, departure_share_independent=independent, departure_share_forced=forced)
