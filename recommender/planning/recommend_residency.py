"""Data residency for Recommend: whether a provider region is inside a residency rule.

A region is allowed when the rule lists it (``region`` or ``provider/region``) or its
country is one of the allowed countries. The country of a region comes from the
routing lever's bundled region table; a region of unknown country is neither allowed
nor forbidden by a country rule (``None``: callers treat it as not allowed for moves
and flag it).
"""

from __future__ import annotations

from collections.abc import Callable

from recommender.domain.recommend import ResidencyRule
from recommender.routing_defaults import region_country


def country_of(provider: str, region: str) -> str:
    """ISO 3166-1 alpha-2 country of a provider region ("" when unknown)."""
    return region_country(provider, region)


def region_allowed(rule: ResidencyRule) -> Callable[[str, str], bool | None]:
    """``allowed(provider, region)``: True, False, or None when the country is unknown."""
    regions = {r.lower() for r in rule.allowed_regions}
    countries = {c.upper() for c in rule.allowed_countries}

    def allowed(provider: str, region: str) -> bool | None:
        if not rule.is_set:
            return True
        if region.lower() in regions or f"{provider}/{region}".lower() in regions:
            return True
        if not countries:
            return False
        country = country_of(provider, region)
        if not country:
            return None
        return country in countries

    return allowed
