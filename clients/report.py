"""A Recommend response as a report for people: Markdown (PNG files next to it) or HTML
(PNG images embedded as base64), with the savings curve and per-lever plots.

Plots (matplotlib, Agg backend, no display needed):

* ``waterfall``: the rank-1 plan from today's monthly cost to the planned cost, lever by lever;
* ``levers``: monthly savings per lever of every plan;
* ``categories``: monthly savings per technology category of every plan;
* ``kpis``: ESR, commitment coverage, utilisation and waste before and after, per plan;
* ``sequencing``: commit-first against sequenced monthly cost, per plan;
* ``curve``: savings vs commitment of the rank-1 plan (its purchase scaled 0 to 2x on the
  usage its usage actions leave), with coverage, utilisation and waste.
"""

from __future__ import annotations

import base64
import html
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from google.type import money_pb2

from recommender.api.v1 import common_pb2, recommend_pb2

_LEVERS = {
    common_pb2.LEVER_VENDOR_CONSOLIDATION: "consolidation",
    common_pb2.LEVER_WORKLOAD_ROUTING: "routing",
    common_pb2.LEVER_RIGHT_SIZING: "right-sizing",
    common_pb2.LEVER_COMMITMENTS: "commitments",
}
_LEVER_COLORS = {
    "consolidation": "tab:purple",
    "routing": "tab:orange",
    "right-sizing": "tab:green",
    "commitments": "tab:blue",
}


def amount(m: money_pb2.Money) -> float:
    """Money as a float."""
    return float(Decimal(m.units) + Decimal(m.nanos) / Decimal(1_000_000_000))


def _fmt(m: money_pb2.Money) -> str:
    return f"{amount(m):,.2f} {m.currency_code}".strip()


def _category(value: int) -> str:
    return common_pb2.TechnologyCategory.Name(value).removeprefix("TECHNOLOGY_CATEGORY_").lower()


def _profile(value: int) -> str:
    return common_pb2.RiskProfile.Name(value).removeprefix("RISK_PROFILE_").lower()


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _label(plan: common_pb2.SavingsPlan) -> str:
    return f"#{plan.rank} {_profile(plan.risk_profile)}"


def _save(plt: Any, fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _grouped_bars(ax: Any, ticks: list[str], groups: list[tuple[str, list[float], str | None]]) -> None:
    """One bar per group at each tick, side by side (``groups``: label, heights, colour)."""
    width = 0.8 / len(groups)
    for k, (label, heights, color) in enumerate(groups):
        xs = [i + (k - (len(groups) - 1) / 2) * width for i in range(len(ticks))]
        ax.bar(xs, heights, width, label=label, color=color)
    ax.set_xticks(range(len(ticks)), ticks)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)


def plot_waterfall(response: recommend_pb2.RecommendResponse, path: Path) -> Path | None:
    """Rank-1 plan: baseline, each lever's savings, planned cost."""
    if not response.plans:
        return None
    plt = _pyplot()
    plan, breakdown = response.plans[0], response.breakdowns[0]
    cur = plan.currency_code
    labels = ["today"]
    values = [amount(plan.baseline_monthly_cost)]
    level = values[0]
    bottoms = [0.0]
    colors = ["grey"]
    for ls in breakdown.levers:
        saved = amount(ls.monthly_savings)
        level -= saved
        labels.append(_LEVERS.get(ls.lever, "?"))
        values.append(saved)
        bottoms.append(level)
        colors.append(_LEVER_COLORS.get(labels[-1], "tab:gray"))
    labels.append("planned")
    values.append(amount(plan.planned_monthly_cost))
    bottoms.append(0.0)
    colors.append("black")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.bar(labels, values, bottom=bottoms, color=colors)
    for x, (v, b) in enumerate(zip(values, bottoms, strict=True)):
        ax.text(x, b + v, f"{v:,.0f}", ha="center", va="bottom", fontsize=8)
    ax.set_ylabel(f"{cur} per month")
    ax.set_title(f"{_label(plan)}: from today's cost to the plan, lever by lever")
    ax.grid(axis="y", alpha=0.3)
    return _save(plt, fig, path)


def plot_levers(response: recommend_pb2.RecommendResponse, path: Path) -> Path | None:
    """Monthly savings per lever, one group of bars per plan."""
    if not response.plans:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    groups: list[tuple[str, list[float], str | None]] = [
        (
            name,
            [
                sum(amount(ls.monthly_savings) for ls in b.levers if _LEVERS.get(ls.lever) == name)
                for b in response.breakdowns
            ],
            color,
        )
        for name, color in _LEVER_COLORS.items()
    ]
    _grouped_bars(ax, [_label(p) for p in response.plans], groups)
    ax.set_ylabel(f"savings per month ({response.plans[0].currency_code})")
    ax.set_title("Savings per lever")
    return _save(plt, fig, path)


def plot_categories(response: recommend_pb2.RecommendResponse, path: Path) -> Path | None:
    """Monthly savings per technology category, one group of bars per plan."""
    cats = sorted({c.category for p in response.plans for c in p.category_savings})
    if not cats:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    groups: list[tuple[str, list[float], str | None]] = [
        (
            _category(cat),
            [
                sum(amount(c.monthly_savings) for c in p.category_savings if c.category == cat)
                for p in response.plans
            ],
            None,
        )
        for cat in cats
    ]
    _grouped_bars(ax, [_label(p) for p in response.plans], groups)
    ax.set_ylabel(f"savings per month ({response.plans[0].currency_code})")
    ax.set_title("Savings per technology category")
    return _save(plt, fig, path)


def plot_kpis(response: recommend_pb2.RecommendResponse, path: Path) -> Path | None:
    """FinOps KPIs before and after each plan."""
    plans = [p for p in response.plans if p.HasField("kpis_after")]
    if not plans:
        return None
    plt = _pyplot()
    names = ["ESR", "coverage", "utilisation", "waste"]

    def values(k: common_pb2.Kpis) -> list[float]:
        return [
            100 * k.effective_savings_rate,
            100 * k.commitment_coverage,
            100 * k.commitment_utilization,
            100 * k.commitment_waste,
        ]

    fig, ax = plt.subplots(figsize=(8, 4.5))
    groups: list[tuple[str, list[float], str | None]] = [("today", values(plans[0].kpis_before), None)]
    groups += [(_label(p), values(p.kpis_after), None) for p in plans]
    _grouped_bars(ax, names, groups)
    ax.set_ylabel("%")
    ax.set_ylim(0, 105)
    ax.set_title("FinOps KPIs (usage ledger, pre-tax)")
    return _save(plt, fig, path)


def plot_sequencing(response: recommend_pb2.RecommendResponse, path: Path) -> Path | None:
    """Commit-first against sequenced monthly cost of the ledger, per plan."""
    pairs = [
        (p, b) for p, b in zip(response.plans, response.breakdowns, strict=True) if b.HasField("sequencing")
    ]
    if not pairs:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    xs = range(len(pairs))
    first = [amount(b.sequencing.commit_first_monthly_cost) for _, b in pairs]
    seq = [amount(b.sequencing.sequenced_monthly_cost) for _, b in pairs]
    ax.bar([x - 0.2 for x in xs], first, 0.4, label="commit first, then right-size", color="tab:red")
    ax.bar([x + 0.2 for x in xs], seq, 0.4, label="right-size, then commit (plan)", color="tab:blue")
    ax.set_xticks(list(xs), [_label(p) for p, _ in pairs])
    ax.set_ylabel(f"ledger cost per month ({pairs[0][0].currency_code})")
    ax.set_title("Sequencing: commitments bought before or after the usage actions")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return _save(plt, fig, path)


def plot_curve(response: recommend_pb2.RecommendResponse, path: Path) -> Path | None:
    """Savings vs commitment of the rank-1 plan, with coverage, utilisation and waste."""
    if not response.breakdowns or not response.breakdowns[0].commitment_curve.points:
        return None
    plt = _pyplot()
    curve = response.breakdowns[0].commitment_curve
    cur = response.plans[0].currency_code
    points = list(curve.points)
    x = [amount(p.commitment_per_hour) for p in points]
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(8, 6.5), sharex=True, height_ratios=[3, 2])
    ax.plot(
        x, [amount(p.monthly_savings) for p in points], "-o", color="black", ms=3, label="commitment savings"
    )
    chosen = min(points, key=lambda p: abs(p.scale - 1.0))
    ax.plot(
        [amount(chosen.commitment_per_hour)], [amount(chosen.monthly_savings)], "D", ms=9, label="the plan"
    )
    ax.axhline(0, color="lightgrey", lw=0.8)
    ax.set_ylabel(f"savings per month ({cur})")
    ax.set_title("Savings vs commitment (rank-1 plan, post-action usage)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax2.plot(x, [100 * p.coverage for p in points], label="coverage %")
    ax2.plot(x, [100 * p.utilization for p in points], label="utilisation %")
    ax2.plot(x, [100 * p.waste for p in points], label="waste %")
    ax2.set_xlabel(f"commitment ({cur}/hour, effective)")
    ax2.set_ylim(0, 105)
    ax2.legend(fontsize=8)
    ax2.grid(alpha=0.3)
    return _save(plt, fig, path)


PLOTS: list[tuple[str, str, Callable[[recommend_pb2.RecommendResponse, Path], Path | None]]] = [
    ("waterfall", "From today's cost to the plan", plot_waterfall),
    ("levers", "Savings per lever", plot_levers),
    ("categories", "Savings per technology category", plot_categories),
    ("kpis", "FinOps KPIs before and after", plot_kpis),
    ("sequencing", "Sequenced vs commit-first", plot_sequencing),
    ("curve", "Savings curve", plot_curve),
]


def _tables(response: recommend_pb2.RecommendResponse) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading, header, rows) of every table of the report."""
    out: list[tuple[str, list[str], list[list[str]]]] = []
    rows = []
    for p, b in zip(response.plans, response.breakdowns, strict=True):
        be = f"{p.break_even_months:.1f}" if p.HasField("break_even_months") else "never"
        rows.append(
            [
                str(p.rank),
                p.title,
                _fmt(p.monthly_savings),
                f"{p.savings_percent:.1f} %",
                _fmt(b.risk_adjusted_horizon_savings),
                _fmt(p.upfront_cost),
                be,
                ", ".join(_LEVERS.get(lv, "?") for lv in p.levers),
            ]
        )
    out.append(
        (
            "Ranked plans (one xor group: apply one)",
            [
                "rank",
                "plan",
                "saves/month",
                "%",
                f"risk-adjusted {response.plans[0].horizon_months if response.plans else 12} months",
                "upfront",
                "break-even (months)",
                "levers",
            ],
            rows,
        )
    )
    for p, b in zip(response.plans, response.breakdowns, strict=True):
        out.append(
            (
                f"#{p.rank} {p.title}: levers",
                ["lever", "actions", "saves/month", "one-time", "from the lever's plan"],
                [
                    [
                        _LEVERS.get(ls.lever, "?"),
                        str(ls.action_count),
                        _fmt(ls.monthly_savings),
                        _fmt(ls.upfront_cost),
                        ls.source_plan_title,
                    ]
                    for ls in b.levers
                ],
            )
        )
        out.append(
            (
                f"#{p.rank}: savings per category (baseline {_fmt(p.baseline_monthly_cost)}/month)",
                ["category", "baseline/month", "saves/month"],
                [
                    [
                        _category(c.category),
                        next(
                            (
                                _fmt(x.monthly_cost)
                                for x in b.baseline_by_category
                                if x.category == c.category
                            ),
                            "-",
                        ),
                        _fmt(c.monthly_savings),
                    ]
                    for c in p.category_savings
                ],
            )
        )
        if p.HasField("kpis_after"):
            kb, ka = p.kpis_before, p.kpis_after
            out.append(
                (
                    f"#{p.rank}: FinOps KPIs (usage ledger, pre-tax)",
                    ["KPI", "before", "after"],
                    [
                        [
                            "effective savings rate",
                            f"{100 * kb.effective_savings_rate:.1f} %",
                            f"{100 * ka.effective_savings_rate:.1f} %",
                        ],
                        [
                            "commitment coverage",
                            f"{100 * kb.commitment_coverage:.1f} %",
                            f"{100 * ka.commitment_coverage:.1f} %",
                        ],
                        [
                            "commitment utilisation",
                            f"{100 * kb.commitment_utilization:.1f} %",
                            f"{100 * ka.commitment_utilization:.1f} %",
                        ],
                        [
                            "commitment waste",
                            f"{100 * kb.commitment_waste:.1f} %",
                            f"{100 * ka.commitment_waste:.1f} %",
                        ],
                        [
                            "on-demand-equivalent cost/month",
                            _fmt(kb.on_demand_equivalent_monthly_cost),
                            _fmt(ka.on_demand_equivalent_monthly_cost),
                        ],
                        [
                            "effective cost/month",
                            _fmt(kb.effective_monthly_cost),
                            _fmt(ka.effective_monthly_cost),
                        ],
                    ],
                )
            )
        if b.HasField("sequencing"):
            s = b.sequencing
            out.append(
                (
                    f"#{p.rank}: sequenced vs commit-first (ledger, per month)",
                    ["", "commit first", "sequenced (plan)"],
                    [
                        ["monthly cost", _fmt(s.commit_first_monthly_cost), _fmt(s.sequenced_monthly_cost)],
                        [
                            "commitment per hour",
                            _fmt(s.commit_first_commitment_per_hour),
                            _fmt(s.sequenced_commitment_per_hour),
                        ],
                        [
                            "utilisation",
                            f"{100 * s.commit_first_utilization:.1f} %",
                            f"{100 * s.sequenced_utilization:.1f} %",
                        ],
                        [
                            "unused commitment/month",
                            _fmt(s.commit_first_unused_commitment),
                            _fmt(s.sequenced_unused_commitment),
                        ],
                        ["sequencing saves/month", "", _fmt(s.sequenced_advantage)],
                    ],
                )
            )
        out.append(
            (
                f"#{p.rank}: actions (in order)",
                ["#", "lever", "action", "saves/month", "one-time"],
                [
                    [
                        str(a.order),
                        a.attributes.get("lever", ""),
                        a.description,
                        _fmt(a.monthly_savings),
                        _fmt(a.upfront_cost),
                    ]
                    for a in p.actions
                ],
            )
        )
    return out


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_report(response: recommend_pb2.RecommendResponse, path: Path) -> list[Path]:
    """Write the report (``.md`` or ``.html`` by suffix); returns the files written."""
    suffix = path.suffix.lower()
    if suffix not in (".md", ".html", ".htm"):
        raise ValueError(f"report must be .md or .html, got {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".md":
        assets = path.parent / f"{path.stem}_files"
        assets.mkdir(exist_ok=True)
        return _write_markdown(response, path, assets, _plots(response, assets))
    with tempfile.TemporaryDirectory(prefix="recommend-report-") as tmp:
        _write_html(response, path, _plots(response, Path(tmp)))
    return [path]


def _plots(response: recommend_pb2.RecommendResponse, directory: Path) -> list[tuple[str, Path]]:
    images: list[tuple[str, Path]] = []
    for key, title, fn in PLOTS:
        target = fn(response, directory / f"{key}.png")
        if target is not None:
            images.append((title, target))
    return images


def _heading(response: recommend_pb2.RecommendResponse) -> tuple[str, str]:
    heading = "FinOps savings plans across levers"
    overlay = (
        f"Amounts in {response.plans[0].currency_code if response.plans else response.input_currency_code} "
        f"(inputs in {response.input_currency_code}, exchange rate {response.exchange_rate:g}, "
        f"tax {100 * response.tax_rate:g} %)."
    )
    return heading, overlay


def _write_markdown(
    response: recommend_pb2.RecommendResponse, path: Path, assets: Path, images: list[tuple[str, Path]]
) -> list[Path]:
    heading, overlay = _heading(response)
    tables = _tables(response)
    explanations = [(f"#{p.rank} {p.title}", p.explanation) for p in response.plans]
    parts = [f"# {heading}", "", overlay, ""]
    if not response.plans:
        parts += ["No plan saves money.", ""]
    for title, img in images:
        parts += [f"## {title}", "", f"![{title}]({assets.name}/{img.name})", ""]
    for title, header, rows in tables:
        parts += [f"## {title}", "", _markdown_table(header, rows), ""]
    parts += ["## Explanations", ""]
    parts += [f"**{t}.** {e}\n" for t, e in explanations]
    if response.warnings:
        parts += ["## Notes", ""] + [f"* {w}" for w in response.warnings] + [""]
    path.write_text("\n".join(parts), encoding="utf-8")
    return [path, *(img for _, img in images)]


def _write_html(
    response: recommend_pb2.RecommendResponse, path: Path, images: list[tuple[str, Path]]
) -> None:
    heading, overlay = _heading(response)
    tables = _tables(response)
    explanations = [(f"#{p.rank} {p.title}", p.explanation) for p in response.plans]
    body = [f"<h1>{html.escape(heading)}</h1>", f"<p>{html.escape(overlay)}</p>"]
    if not response.plans:
        body.append("<p>No plan saves money.</p>")
    for title, img in images:
        data = base64.b64encode(img.read_bytes()).decode()
        body.append(
            f"<h2>{html.escape(title)}</h2><img alt='{html.escape(title)}' "
            f"src='data:image/png;base64,{data}'>"
        )
    for title, header, rows in tables:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        trs = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        body.append(f"<h2>{html.escape(title)}</h2><table><tr>{head}</tr>{trs}</table>")
    body.append(
        "<h2>Explanations</h2>"
        + "".join(f"<p><b>{html.escape(t)}.</b> {html.escape(e)}</p>" for t, e in explanations)
    )
    if response.warnings:
        body.append(
            "<h2>Notes</h2><ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in response.warnings) + "</ul>"
        )
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}img{max-width:100%}"
    )
    path.write_text(
        "<!DOCTYPE html><html><head><meta "
        f"charset='utf-8'><title>{heading}</title><style>{style}</style></head>"
        f"<body>{''.join(body)}</body></html>",
        encoding="utf-8",
    )
