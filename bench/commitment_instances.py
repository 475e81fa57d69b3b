"""Reproducible fleet-scale commitment instances (seeded), with every instrument.

Usage classes are instance family x size x region x platform. AWS classes (Linux and
Windows) get:

* standard RIs, 1 and 3 years x no / partial / all upfront: size-flexible regional pools
  per (family, region) for Linux (a unit = the smallest size's normalised units), one
  offer per instance type for Windows;
* EC2 Instance Savings Plans per (family, region) (6 offers), covering Linux and Windows;
* Compute Savings Plans over all AWS classes (6 offers), with one discount per (family,
  region), below the instance plans' discounts.

GCP classes (Linux) get resource CUDs pooled per (family, region) (1 and 3 years) and
flexible CUDs over all GCP classes (1 and 3 years). A few held commitments (RIs and
savings plans) expire at different hours of the window.

Prices: linear in normalised size within a (family, region, platform); Windows adds a
licence per vCPU (RIs do not discount it; savings plans give Windows 80 % of the Linux
discount, one discount per platform; the Compute plan one per (family, region)).
Upfront payments are amortised at 5 %/year.
This keeps the provider billing order the cheapest allocation (the conditions in
``solvers/billing.py``), so the engine's bound and billed cost refer to one function.

Usage: instance counts per hour from a per-class level with diurnal and weekly
seasonality, a linear trend, multiplicative noise, occasional bursts, and some classes
that start or are decommissioned part-way.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from solvers.commitment_problem import CommitmentProblem, HeldCommitment, ReservedOffer, SpendOffer

AWS_FAMILIES = {  # on-demand $ per normalised unit-hour (Linux, us-east-1)
    "m5": 0.024,
    "c5": 0.02125,
    "r5": 0.0315,
    "m6i": 0.024,
    "c6i": 0.02125,
    "r6i": 0.0315,
    "m7g": 0.0204,
    "c7g": 0.018125,
    "r7g": 0.026775,
    "t3": 0.0104,
    "m6a": 0.0216,
    "c6a": 0.0191,
}
GCP_FAMILIES = {"n2": 0.0243, "c2": 0.0261, "e2": 0.0168, "n2d": 0.0211}
SIZES = {"large": 4.0, "xlarge": 8.0, "2xlarge": 16.0, "4xlarge": 32.0, "8xlarge": 64.0}
AWS_REGIONS = {
    "us-east-1": 1.0,
    "us-west-2": 1.0,
    "eu-west-1": 1.07,
    "eu-central-1": 1.15,
    "ap-southeast-1": 1.2,
    "ap-northeast-1": 1.25,
    "sa-east-1": 1.55,
    "ca-central-1": 1.1,
}
GCP_REGIONS = {"us-central1": 1.0, "europe-west1": 1.1, "asia-east1": 1.16}
WINDOWS_LICENCE = 0.046 / 4.0  # $ per normalised unit-hour (≈ per vCPU-hour / 2)
PAYMENTS = {"no": 0.0, "partial": 0.5, "all": 1.0}
RI_DISCOUNT = {
    (1, "no"): 0.28,
    (1, "partial"): 0.32,
    (1, "all"): 0.34,
    (3, "no"): 0.45,
    (3, "partial"): 0.52,
    (3, "all"): 0.55,
}
SP_FACTOR = {
    (1, "no"): 0.72,
    (1, "partial"): 0.70,
    (1, "all"): 0.69,
    (3, "no"): 0.53,
    (3, "partial"): 0.51,
    (3, "all"): 0.50,
}
HOURS_PER_YEAR = 8760.0
COST_OF_CAPITAL = 0.05


def _annuity_per_hour(years: int) -> float:
    """Hourly payment that repays 1 paid upfront over ``years`` at COST_OF_CAPITAL."""
    i = (1.0 + COST_OF_CAPITAL) ** (1.0 / 12.0) - 1.0
    months = 12 * years
    return i / (1.0 - (1.0 + i) ** (-months)) / (HOURS_PER_YEAR / 12.0)


def _class_catalogue(rng: np.random.Generator, classes: int) -> list[tuple[str, str, str, str, str]]:
    """``classes`` distinct (provider, family, size, region, platform), spread over the space."""
    aws = list(itertools.product(["aws"], AWS_FAMILIES, SIZES, AWS_REGIONS, ["linux", "windows"]))
    gcp = list(itertools.product(["gcp"], GCP_FAMILIES, SIZES, GCP_REGIONS, ["linux"]))
    if classes > len(aws) + len(gcp):
        raise ValueError(f"at most {len(aws) + len(gcp)} classes")
    n_gcp = min(len(gcp), max(1, classes // 6))

    # Concentrate on a few (family, region) groups per provider, as real estates do.
    def pick(pool: list[tuple[str, str, str, str, str]], n: int) -> list[tuple[str, str, str, str, str]]:
        groups: dict[tuple[str, str], list[tuple[str, str, str, str, str]]] = {}
        for item in pool:
            groups.setdefault((item[1], item[3]), []).append(item)
        keys = list(groups)
        rng.shuffle(keys)  # type: ignore[arg-type]
        out: list[tuple[str, str, str, str, str]] = []
        for key in keys:
            members = groups[key]
            rng.shuffle(members)  # type: ignore[arg-type]
            out += members
            if len(out) >= n:
                break
        return out[:n]

    return pick(aws, classes - n_gcp) + pick(gcp, n_gcp)


def _usage(rng: np.random.Generator, hours: int, classes: int) -> np.ndarray:
    t = np.arange(hours, dtype=np.float64)
    hour_of_day, day_of_week = t % 24, (t // 24) % 7
    level = rng.lognormal(mean=1.0, sigma=1.1, size=classes)
    diurnal_amp = rng.uniform(0.0, 0.6, classes)
    peak = rng.uniform(10, 18, classes)
    weekend = rng.uniform(0.0, 0.4, classes)
    trend = rng.uniform(-0.3, 0.5, classes)  # relative change over a year
    diurnal = 1.0 + diurnal_amp[None, :] * np.cos(2 * np.pi * (hour_of_day[:, None] - peak[None, :]) / 24.0)
    weekly = 1.0 - weekend[None, :] * (day_of_week[:, None] >= 5)
    growth = 1.0 + trend[None, :] * (t[:, None] / HOURS_PER_YEAR)
    noise = rng.gamma(20.0, 1.0 / 20.0, size=(hours, classes))
    mean = level[None, :] * diurnal * weekly * growth * noise
    bursts = rng.random((hours, classes)) < 0.003
    mean = mean + bursts * level[None, :] * rng.uniform(1.0, 5.0, (hours, classes))
    usage = np.floor(mean + rng.random((hours, classes)))  # instance counts
    # Some classes start late, some are decommissioned part-way.
    for j in np.flatnonzero(rng.random(classes) < 0.08):
        cut = int(rng.integers(hours // 4, hours))
        if rng.random() < 0.5:
            usage[cut:, j] = 0.0
        else:
            usage[: hours - cut, j] = 0.0
    return np.maximum(usage, 0.0)


def make_instance(classes: int, hours: int, seed: int = 0, *, whole_units: bool = True) -> CommitmentProblem:
    """A reproducible instance with ``classes`` usage classes over ``hours`` hours."""
    rng = np.random.default_rng([seed, classes, hours])
    catalogue = _class_catalogue(rng, classes)
    norm = np.array([SIZES[c[2]] for c in catalogue])
    per_unit_price = np.array(
        [
            (AWS_FAMILIES if c[0] == "aws" else GCP_FAMILIES)[c[1]]
            * (AWS_REGIONS if c[0] == "aws" else GCP_REGIONS)[c[3]]
            for c in catalogue
        ]
    )
    licence = np.array([WINDOWS_LICENCE if c[4] == "windows" else 0.0 for c in catalogue])
    compute_price = per_unit_price * norm
    rate = compute_price + licence * norm
    labels = tuple(":".join(c) for c in catalogue)

    reserved: list[ReservedOffer] = []
    spend: list[SpendOffer] = []
    pools: dict[tuple[str, str, str, str], list[int]] = {}
    for j, (prov, fam, size, region, platform) in enumerate(catalogue):
        key = (prov, fam, region, platform if platform == "linux" else size + ":windows")
        pools.setdefault(key, []).append(j)
    for (prov, fam, region, kind), cov in sorted(pools.items()):
        unit = min(norm[j] for j in cov)
        od_per_norm = per_unit_price[cov[0]] + licence[cov[0]]
        compute_per_norm = per_unit_price[cov[0]]
        for years in (1, 3):
            payments = PAYMENTS if prov == "aws" else {"no": 0.0}
            for pay, prepaid in payments.items():
                disc = RI_DISCOUNT[(years, pay)] + (0.09 if prov == "gcp" else 0.0)
                hourly = unit * (od_per_norm - disc * compute_per_norm)
                upfront = prepaid * hourly * HOURS_PER_YEAR * years
                reserved.append(
                    ReservedOffer(
                        f"{'ri' if prov == 'aws' else 'cud'}-{years}y-{pay}-{fam}-{region}-{kind}",
                        tuple(cov),
                        float(unit),
                        (1 - prepaid) * hourly + upfront * _annuity_per_hour(years),
                        upfront_per_unit=upfront,
                        whole_units=whole_units,
                    )
                )

    fam_regions: dict[tuple[str, str, str], list[int]] = {}
    for j, (prov, fam, _size, region, _platform) in enumerate(catalogue):
        fam_regions.setdefault((prov, fam, region), []).append(j)
    # Savings-plan rates are (on-demand) x (class factor) x (term/payment factor): within a
    # plan's scope every term and payment option has the same relative rates, as a held
    # plan of another term has, so the billing order stays the cheapest allocation.
    compute_factor = {key: float(rng.uniform(0.95, 1.05)) for key in fam_regions}
    for (prov, fam, region), cov in sorted(fam_regions.items()):
        if prov != "aws":
            continue
        base = float(rng.uniform(0.95, 1.0))
        for years in (1, 3):
            for pay, prepaid in PAYMENTS.items():
                kappa = base * SP_FACTOR[(years, pay)]
                # Windows: the licence share is not discounted (a higher relative rate).
                rates = tuple(
                    float(rate[j] * min(1.0, kappa * (1.1 if catalogue[j][4] == "windows" else 1.0)))
                    for j in cov
                )
                spend.append(_spend(f"ec2sp-{years}y-{pay}-{fam}-{region}", cov, rates, years, prepaid))
    aws = [j for j, c in enumerate(catalogue) if c[0] == "aws"]
    gcp = [j for j, c in enumerate(catalogue) if c[0] == "gcp"]
    for years in (1, 3):
        for pay, prepaid in PAYMENTS.items():
            # One relative rate per (family, region) on both platforms: the broad plan has one
            # discount on each instance plan's classes.
            kappa = SP_FACTOR[(years, pay)] * 1.18
            rates = tuple(
                float(
                    rate[j]
                    * min(1.0, kappa * compute_factor[(catalogue[j][0], catalogue[j][1], catalogue[j][3])])
                )
                for j in aws
            )
            spend.append(_spend(f"computesp-{years}y-{pay}", aws, rates, years, prepaid))
        if gcp:
            disc = 0.28 if years == 1 else 0.46
            rates = tuple(float(rate[j] * (1 - disc)) for j in gcp)
            spend.append(_spend(f"flexcud-{years}y", gcp, rates, years, 0.0))

    usage = _usage(rng, hours, classes)
    held = _held(rng, hours, reserved, spend, usage)
    return CommitmentProblem(
        usage=usage,
        on_demand_rate=rate,
        normalization=norm,
        reserved=tuple(reserved),
        spend=tuple(spend),
        held=held,
        labels=labels,
    )


def _spend(name: str, cov: list[int], rates: tuple[float, ...], years: int, prepaid: float) -> SpendOffer:
    term_hours = HOURS_PER_YEAR * years
    return SpendOffer(
        name,
        tuple(cov),
        rates,
        cost_per_commitment=(1.0 - prepaid) + prepaid * term_hours * _annuity_per_hour(years),
        upfront_per_commitment=prepaid * term_hours,
    )


def _held(
    rng: np.random.Generator,
    hours: int,
    reserved: list[ReservedOffer],
    spend: list[SpendOffer],
    usage: np.ndarray,
) -> tuple[HeldCommitment, ...]:
    held: list[HeldCommitment] = []
    for k in rng.choice(len(reserved), size=min(len(reserved), max(2, len(reserved) // 40)), replace=False):
        offer = reserved[int(k)]
        base = float(np.quantile(usage[:, list(offer.covered)].sum(axis=1), 0.2))
        quantity = math.floor(0.5 * base * 4.0 / offer.normalized_units)
        if quantity <= 0:
            continue
        expiry = int(rng.integers(0, hours + 1))
        held.append(HeldCommitment(offer, float(quantity), np.arange(hours) < expiry))
    for s in rng.choice(len(spend), size=min(len(spend), 2), replace=False):
        offer = spend[int(s)]
        covered = usage[:, list(offer.covered)] @ np.array(offer.rates)
        expiry = int(rng.integers(hours // 3, hours + 1))
        held.append(HeldCommitment(offer, float(0.15 * np.quantile(covered, 0.1)), np.arange(hours) < expiry))
    return tuple(held)
