"""The planner passes ``checked=True`` to ``solve_routing``: the problems ``build_model``
assembles (and their restrictions) must pass the full ``RoutingProblem.check``."""

from __future__ import annotations

import numpy as np

from recommender.api.v1 import routing_pb2 as wpb
from recommender.planning.routing_model import build_model
from recommender.planning.routing_options import (
    OptionNotes,
    build_compute_options,
    default_api_options,
    gpu_specs,
)
from recommender.server.codec.routing import decode_route_workloads
from tests.reliability.harness import small_routing_request


def test_built_problems_pass_the_full_check() -> None:
    apis = default_api_options()
    for seed in range(60):
        message = wpb.RouteWorkloadsRequest.FromString(small_routing_request(seed=seed).SerializeToString())
        request = decode_route_workloads(message)
        specs = gpu_specs(request)
        options = build_compute_options(request, list(request.compute_offers), specs, OptionNotes())
        problem = build_model(request, options, apis, specs).problem
        problem.check()
        keep = np.random.default_rng(seed).random(problem.n_arcs) < 0.5
        problem.restricted(keep).check()
