"""Schemathesis against the OpenAPI spec: generated requests never cause a server error.

Generation is deterministic and small. Ensemble sizes and horizons are mapped down so each
simulated call takes well under a second; everything else (levers, inflow specs, names) is
generated freely, including invalid inputs that must be answered with 4xx.

Every check runs, including "schema-valid data must be accepted": the schema states every rule of
the request models (the horizon cap as the end year's range, the bundled scenario names as an
enumeration, the tag of each policy and inflow union member as required, integers written as
``1.0`` accepted).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from migratielab.api import Settings, create_app

TEST_HOSTS = ("testserver",)
"""Schemathesis's ASGI client sends ``Host: testserver``; the app allows only the hosts it is given."""
APP = create_app(Settings(simulation_processes=0, allowed_hosts=TEST_HOSTS))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


def body_properties(path: str) -> set[str]:
    """The properties of an operation's JSON request body (empty when it has none)."""
    document = APP.openapi()
    body = document["paths"].get(path, {}).get("post", {}).get("requestBody", {})
    reference = body.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    model = document["components"]["schemas"].get(reference.rsplit("/", 1)[-1], {})
    return set(model.get("properties", {}))


SMALL_RUNS = 5
TEST_END_YEAR = 2027


@schema.hook
def map_case(context: schemathesis.HookContext, case: schemathesis.Case) -> schemathesis.Case:
    """Keep valid simulations small (generated and boundary examples); invalid cases stay as they are."""
    body = case.body
    positive = case.meta is None or case.meta.generation.mode == schemathesis.GenerationMode.POSITIVE
    if positive and isinstance(body, dict):
        horizon = "end" if case.operation.path.startswith("/api/population") else "end_year"
        limits = {"runs": SMALL_RUNS, horizon: TEST_END_YEAR + (3 if horizon == "end" else 0)}
        allowed = body_properties(case.operation.path)
        for key, limit in limits.items():
            if key not in allowed:
                continue
            value = body.get(key)
            if value is None or (
                isinstance(value, (int, float)) and not isinstance(value, bool) and value > limit
            ):
                body[key] = limit  # also when left out: the defaults are full-size simulations
    return case


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails_with_a_server_error(case: schemathesis.Case) -> None:
    """Every generated request gets a response that conforms to the spec and is not a 5xx."""
    case.call_and_validate()
