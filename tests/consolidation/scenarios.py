"""Requests built from the real SaaS plans in ``shared/data/isa-saas-pricings``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from recommender.domain.common import TechnologyCategory
from recommender.domain.consolidation import (
    ConsolidationPolicy,
    ConsolidationRequest,
    Demand,
    SeatActivity,
    VendorOffer,
)
from recommender.ingest.saas_plans import load_saas_pricing

AS_OF = datetime(2025, 6, 1, tzinfo=UTC)
SAAS = TechnologyCategory.SAAS


def pricing(
    shared_data: Path, name: str, capabilities: list[str], vendor_id: str | None = None
) -> VendorOffer:
    """A vendor offer from one Pricing2Yaml file of the dataset."""
    path = shared_data / "isa-saas-pricings" / "latest_json" / name
    return load_saas_pricing(path, capabilities=capabilities, vendor_id=vendor_id).offer


def collaboration_suite(shared_data: Path, **policy: object) -> ConsolidationRequest:
    """Slack (chat, workspace-wide plan, contract running 120 more days, exit penalty 2,000),
    Zoom (video) and Microsoft 365 (chat + video + docs in one seat) for the same employees.

    Chat: 300 Slack BUSINESS_PLUS seats: 40 idle for 200 days, 100 using only PRO
    features, 160 using a BUSINESS_PLUS-only feature. Video: 250 Zoom BUSINESS seats.
    Docs: 400 Microsoft 365 BUSINESS_STANDARD seats.
    """
    slack = pricing(shared_data, "slack_2025.json", ["chat"]).model_copy(
        update={"single_plan": True, "contract_end": AS_OF + timedelta(days=120), "exit_penalty": 2000.0}
    )
    zoom = pricing(shared_data, "zoom_2025.json", ["video"])
    m365 = pricing(shared_data, "microsoft365Business_2025.json", ["chat", "video", "docs"], "m365")
    m365 = m365.model_copy(
        update={
            "lines": [
                ln.model_copy(update={"capabilities": ["docs"]}) if ln.line_id == "APPS_FOR_BUSINESS" else ln
                for ln in m365.lines
            ]
        }
    )
    plans = {ln.line_id: set(ln.features) for ln in slack.lines}
    plus_only = sorted(plans["BUSINESS_PLUS"] - plans["PRO"])[0]
    seats = []
    for k in range(300):
        user = f"u{k:03d}"
        if k < 40:
            seats.append(
                SeatActivity(demand_id="chat", user_id=user, last_active=AS_OF - timedelta(days=200))
            )
        elif k < 140:
            seats.append(
                SeatActivity(
                    demand_id="chat",
                    user_id=user,
                    last_active=AS_OF - timedelta(days=2),
                    features_used=["workflowBuilder", "canvas"],
                )
            )
        else:
            seats.append(
                SeatActivity(
                    demand_id="chat",
                    user_id=user,
                    last_active=AS_OF - timedelta(days=1),
                    features_used=["workflowBuilder", plus_only],
                )
            )
    demands = [
        Demand(
            demand_id="chat",
            capability="chat",
            quantity=300,
            unit="seats",
            current_vendor_id="slack",
            current_line_id="BUSINESS_PLUS",
            migration_cost_per_unit=20,
            population="employees",
            category=SAAS,
        ),
        Demand(
            demand_id="video",
            capability="video",
            quantity=250,
            unit="seats",
            current_vendor_id="zoom",
            current_line_id="BUSINESS",
            migration_cost_per_unit=10,
            population="employees",
            category=SAAS,
        ),
        Demand(
            demand_id="docs",
            capability="docs",
            quantity=400,
            unit="seats",
            current_vendor_id="m365",
            current_line_id="BUSINESS_STANDARD",
            population="employees",
            category=SAAS,
        ),
    ]
    return ConsolidationRequest(
        demands=demands,
        vendors=[slack, zoom, m365],
        seats=seats,
        policy=ConsolidationPolicy(as_of=AS_OF, **policy),  # type: ignore[arg-type]
    )
