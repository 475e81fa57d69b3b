"""Render plans for people (a table) or programs (proto3 JSON)."""

from __future__ import annotations

from decimal import Decimal

from google.protobuf import json_format
from google.protobuf.message import Message
from google.type import money_pb2

from recommender.api.v1 import common_pb2


def money_text(m: money_pb2.Money) -> str:
    """``1,234.56 USD``."""
    value = Decimal(m.units) + Decimal(m.nanos) / Decimal(1_000_000_000)
    return f"{value:,.2f} {m.currency_code}".strip()


def to_json(message: Message) -> str:
    """Proto3 JSON mapping (the form grpcurl reads and prints)."""
    return json_format.MessageToJson(message, indent=2, sort_keys=False)


def plans_table(plans: list[common_pb2.SavingsPlan]) -> str:
    """A ranked table of plans followed by each plan's actions and explanation."""
    if not plans:
        return "No plan: nothing saves money for this input."
    header = (
        f"{'rank':>4}  {'plan':<52} {'saves/month':>18} {'%':>6} "
        f"{'upfront':>16} {'break-even':>10} {'util':>6}"
    )
    rows = [header, "-" * len(header)]
    for p in plans:
        be = f"{p.break_even_months:.1f} mo" if p.HasField("break_even_months") else "never"
        rows.append(
            f"{p.rank:>4}  {p.title[:52]:<52} {money_text(p.monthly_savings):>18} {p.savings_percent:>5.1f}% "
            f"{money_text(p.upfront_cost):>16} {be:>10} {100 * p.commitment_utilization:>5.1f}%"
        )
    for p in plans:
        rows.append("")
        rows.append(
            f"#{p.rank} {p.title}  [{p.plan_id}{', xor ' + p.xor_group_id if p.xor_group_id else ''}]"
        )
        for a in p.actions:
            rows.append(
                f"   {a.order}. {a.description}  (saves {money_text(a.monthly_savings)}/month, "
                f"utilisation {100 * a.utilization:.1f} %, coverage {100 * a.coverage:.1f} %)"
            )
        rows.append(f"   {p.explanation}")
        if p.solver.solver:
            rows.append(
                f"   solver: {p.solver.solver}, status {common_pb2.SolveStatus.Name(p.solver.status)}, "
                f"gap {p.solver.relative_gap:.1e}, {p.solver.solve_time.ToMilliseconds()} ms"
            )
    return "\n".join(rows)
