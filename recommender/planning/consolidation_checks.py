"""Why a consolidation problem has no solution, explained by the rules that bind.

Before solving, :func:`precheck` detects the common cases precisely: a capability no
vendor left offers (naming the excluded vendors that offered it), a contract-locked
vendor that is excluded, more forced vendors than a limit allows, fewer vendors
allowed than it takes to cover every capability (a minimum set cover), and more
demand for a capability than all capacities together.

When the MILP is infeasible anyway, :func:`diagnose` runs a deletion filter over the
policy's rule groups (vendor limits, must-keep, contract locks, capacities, single
sourcing, single plans, no over-buying): starting from all of them, a group is
dropped when the problem stays infeasible without it. What is left is a minimal set
of rules that cannot hold together: relaxing any one of them makes the problem
feasible.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

from recommender.domain.common import TechnologyCategory
from recommender.errors import InfeasibleError
from recommender.planning.consolidation_inputs import CATEGORIES, Prepared
from solvers.vendor_problem import Keep, Vendor, VendorProblem
from solvers.vendor_selection import check_feasible, min_cover


def _names(prepared: Prepared, vendors: list[int]) -> str:
    return ", ".join(prepared.vendor_label(v) for v in vendors)


def _cat(index: int) -> str:
    return CATEGORIES[index].value


def precheck(prepared: Prepared) -> None:
    """Raise :class:`InfeasibleError` for infeasibilities visible without solving."""
    problem, request = prepared.problem, prepared.request
    messages: list[str] = []
    binding: list[str] = []
    forced = [v for v, vd in enumerate(problem.vendors) if vd.keep == Keep.FORCED]

    uncovered: dict[str, list[str]] = {}
    for i, d in enumerate(problem.demands):
        if d.quantity <= 0:
            continue
        if all(problem.vendors[problem.lines[li].vendor].keep == Keep.EXCLUDED for li in d.eligible):
            cap = request.demands[prepared.cohorts[i].demand_index].capability
            uncovered.setdefault(cap, [])
            if d.name not in uncovered[cap]:
                uncovered[cap].append(d.name)
    for cap, demand_ids in uncovered.items():
        offering = sorted(
            {
                prepared.line_refs[li].vendor_index
                for li, ln in enumerate(problem.lines)
                if any(c == cap for c in prepared.line_refs[li].line.capabilities)
            }
        )
        who = ", ".join(demand_ids[:5]) + (" ..." if len(demand_ids) > 5 else "")
        if offering:
            messages.append(
                f"capability '{cap}' (demand {who}) is offered only by excluded vendor(s) "
                f"{_names(prepared, offering)}"
            )
            binding += [f"coverage[{cap}]", "excluded_vendor_ids"]
        else:
            messages.append(f"no vendor offers capability '{cap}' needed by demand {who}")
            binding.append(f"coverage[{cap}]")

    for v in prepared.locked:
        if (
            problem.vendors[v].keep == Keep.EXCLUDED
            or request.vendors[v].vendor_id in request.policy.excluded_vendor_ids
        ):
            end = request.vendors[v].contract_end
            messages.append(
                f"{prepared.vendor_label(v)} is excluded but its contract cannot be left before "
                f"{end.date().isoformat() if end else 'its end'}"
            )
            binding += [f"contract_lock[{request.vendors[v].vendor_id}]", "excluded_vendor_ids"]

    def forced_reason(vs: list[int]) -> list[str]:
        out = []
        if any(v not in prepared.locked for v in vs):
            out.append("must_keep_vendor_ids")
        out += [f"contract_lock[{request.vendors[v].vendor_id}]" for v in vs if v in prepared.locked]
        return out

    if problem.max_vendors is not None and len(forced) > problem.max_vendors:
        messages.append(
            f"{len(forced)} vendors must be kept ({_names(prepared, forced)}) "
            f"but max_vendors is {problem.max_vendors}"
        )
        binding += ["max_vendors", *forced_reason(forced)]
    for cat, limit in sorted(problem.category_limits.items()):
        mine = [v for v in forced if problem.vendors[v].category == cat]
        if len(mine) > limit:
            messages.append(
                f"{len(mine)} {_cat(cat)} vendors must be kept ({_names(prepared, mine)}) but the "
                f"{_cat(cat)} limit is {limit}"
            )
            binding += [f"max_vendors_per_category[{_cat(cat)}]", *forced_reason(mine)]

    if not messages and not _every_vendor_fits(problem):
        cover = min_cover(problem, time_limit=10)
        if cover is None:
            if problem.category_limits:
                messages.append(
                    "no set of vendors within the per-category limits serves every demand "
                    f"({_limits_text(problem)})"
                )
                binding.append("max_vendors_per_category")
        elif problem.max_vendors is not None and len(cover) > problem.max_vendors:
            messages.append(
                f"serving every demand takes at least {len(cover)} vendors (e.g. {_names(prepared, cover)}) "
                f"but max_vendors is {problem.max_vendors}"
            )
            binding += ["max_vendors", "coverage"]

    if not messages:
        messages += _capacity_messages(prepared, binding)
    if messages:
        text = "No vendor portfolio satisfies the request: " + "; ".join(messages) + "."
        raise InfeasibleError(text, binding=list(dict.fromkeys(binding)))


def _every_vendor_fits(problem: VendorProblem) -> bool:
    """Whether keeping every vendor not excluded respects ``max_vendors`` and the category limits.

    Then no minimum cover is needed: once every demand has a line at a vendor not excluded
    (checked first), those vendors together are a cover within every limit, so the minimum
    cover is too and neither limit can be the obstacle.
    """
    allowed = [vd for vd in problem.vendors if vd.keep != Keep.EXCLUDED]
    if problem.max_vendors is not None and len(allowed) > problem.max_vendors:
        return False
    limits = problem.category_limits.items()
    return all(sum(1 for vd in allowed if vd.category == cat) <= limit for cat, limit in limits)


def _limits_text(problem: VendorProblem) -> str:
    return ", ".join(f"{_cat(c)} ≤ {k}" for c, k in sorted(problem.category_limits.items()))


def _capacity_messages(prepared: Prepared, binding: list[str]) -> list[str]:
    """Demand of a capability above every capacity that could serve it."""
    problem, request = prepared.problem, prepared.request
    need: dict[str, float] = {}
    lines_for: dict[str, set[int]] = {}
    for i, d in enumerate(problem.demands):
        if d.quantity <= 0:
            continue
        cap = request.demands[prepared.cohorts[i].demand_index].capability
        need[cap] = need.get(cap, 0.0) + d.quantity
        lines_for.setdefault(cap, set()).update(
            li for li in d.eligible if problem.vendors[problem.lines[li].vendor].keep != Keep.EXCLUDED
        )
    out = []
    for cap, qty in need.items():
        by_vendor: dict[int, float] = {}
        for li in lines_for[cap]:
            v = problem.lines[li].vendor
            by_vendor[v] = by_vendor.get(v, 0.0) + problem.lines[li].max_quantity
        total = sum(min(c, problem.vendors[v].max_total_quantity) for v, c in by_vendor.items())
        if math.isfinite(total) and total + 1e-9 < qty:
            out.append(f"capability '{cap}' needs {qty:g} but all vendors together can supply {total:g}")
            binding.append(f"capacity[{cap}]")
    return out


def _relaxations(prepared: Prepared) -> list[tuple[str, Callable[[VendorProblem], VendorProblem]]]:
    """Rule groups present in the problem and how to lift each."""
    problem, request = prepared.problem, prepared.request
    must = set(request.policy.must_keep_vendor_ids)
    groups: list[tuple[str, Callable[[VendorProblem], VendorProblem]]] = []

    def set_vendors(p: VendorProblem, fn: Callable[[int, Vendor], Vendor]) -> VendorProblem:
        return replace(p, vendors=tuple(fn(v, vd) for v, vd in enumerate(p.vendors)))

    if problem.max_vendors is not None:
        groups.append(("max_vendors", lambda p: replace(p, max_vendors=None)))
    if problem.category_limits:
        groups.append(("max_vendors_per_category", lambda p: replace(p, category_limits={})))
    if any(request.vendors[v].vendor_id in must for v in range(len(problem.vendors))):
        groups.append(
            (
                "must_keep_vendor_ids",
                lambda p: set_vendors(
                    p,
                    lambda v, vd: (
                        replace(vd, keep=Keep.FREE)
                        if vd.keep == Keep.FORCED
                        and request.vendors[v].vendor_id in must
                        and v not in prepared.locked
                        else vd
                    ),
                ),
            )
        )
    if prepared.locked:
        ids = ",".join(request.vendors[v].vendor_id for v in prepared.locked)
        groups.append(
            (
                f"contract_lock[{ids}]",
                lambda p: set_vendors(
                    p,
                    lambda v, vd: (
                        replace(vd, keep=Keep.FREE)
                        if v in prepared.locked and request.vendors[v].vendor_id not in must
                        else vd
                    ),
                ),
            )
        )
    if any(math.isfinite(ln.max_quantity) for ln in problem.lines) or any(
        math.isfinite(vd.max_total_quantity) for vd in problem.vendors
    ):
        groups.append(
            (
                "capacity",
                lambda p: replace(
                    set_vendors(p, lambda v, vd: replace(vd, max_total_quantity=math.inf)),
                    lines=tuple(replace(ln, max_quantity=math.inf) for ln in p.lines),
                ),
            )
        )
    if problem.single_sourcing:
        groups.append(("single_sourcing", lambda p: replace(p, single_sourcing=False)))
    if any(vd.single_line for vd in problem.vendors):
        groups.append(("single_plan", lambda p: set_vendors(p, lambda v, vd: replace(vd, single_line=False))))
    if not problem.allow_overbuy:
        groups.append(("forbid_overbuy", lambda p: replace(p, allow_overbuy=True)))
    return groups


def diagnose(prepared: Prepared, problem: VendorProblem, time_limit: float | None) -> InfeasibleError:
    """A minimal set of rule groups that make ``problem`` infeasible (deletion filter)."""
    groups = _relaxations(prepared)
    deadline = None if time_limit is None else time.monotonic() + max(time_limit, 1.0)

    def feasible(active: list[str]) -> bool | None:
        p = problem
        for name, relax in groups:
            if name not in active:
                p = relax(p)
        left = None if deadline is None else max(0.5, deadline - time.monotonic())
        return check_feasible(p, time_limit=left)

    names = [name for name, _ in groups]
    if not names or feasible([]) is not True:
        return InfeasibleError(
            "No vendor portfolio satisfies the request, even without the policy's limits: the demands "
            "cannot all be served by the lines they are eligible for (check minimum order quantities, "
            "capacities and seat plans).",
            binding=["coverage"],
        )
    active = list(names)
    for name in names:
        trial = [n for n in active if n != name]
        if feasible(trial) is False:
            active = trial
    rules = " + ".join(active)
    return InfeasibleError(
        f"No vendor portfolio satisfies these rules together: {rules}. Relaxing any one of them makes the "
        f"problem feasible ({_explain_groups(prepared, active)}).",
        binding=active,
    )


def _explain_groups(prepared: Prepared, active: list[str]) -> str:
    problem = prepared.problem
    parts = []
    for name in active:
        if name == "max_vendors":
            parts.append(f"max_vendors = {problem.max_vendors}")
        elif name == "max_vendors_per_category":
            parts.append(f"per-category limits {_limits_text(problem)}")
        elif name == "must_keep_vendor_ids":
            parts.append("must keep " + ", ".join(prepared.request.policy.must_keep_vendor_ids))
        elif name.startswith("contract_lock"):
            parts.append("locked contracts of " + _names(prepared, prepared.locked))
        elif name == "capacity":
            parts.append("line and vendor capacities")
        elif name == "single_sourcing":
            parts.append("one vendor per demand")
        elif name == "single_plan":
            parts.append("one plan per single-plan vendor")
        elif name == "forbid_overbuy":
            parts.append("no over-buying (minimum order quantities)")
    return "; ".join(parts)


def category_name(category: TechnologyCategory) -> str:
    """Lower-case category name for rule names."""
    return category.value
