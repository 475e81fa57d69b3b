"""google.type.Money encoding against exact rational arithmetic (fractions.Fraction)."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from recommender.server.codec.common import from_money, to_money


def _oracle(amount: Decimal | float) -> tuple[int, int]:
    """(units, nanos): the amount rounded half-to-even to whole nanos, both parts carrying its sign."""
    exact = Fraction(Decimal(str(amount)) if isinstance(amount, float) else amount)
    total = round(exact * 1_000_000_000)  # Fraction rounds half to even
    units = abs(total) // 1_000_000_000
    nanos = abs(total) % 1_000_000_000
    return (units, nanos) if total >= 0 else (-units, -nanos)


EDGES: list[Decimal | float] = [
    0.0,
    -0.0,
    Decimal("0.0000000005"),  # half a nano: rounds to even (0)
    Decimal("0.0000000015"),  # rounds to even (2)
    Decimal("-0.0000000025"),
    Decimal("-1.9999999995"),
    Decimal("999999999999.999999999"),
    Decimal("-123456789012.123456789"),
    1e-12,
    -1e-12,
    0.1 + 0.2,
]


@pytest.mark.parametrize("amount", EDGES, ids=str)
def test_edges(amount: Decimal | float) -> None:
    money = to_money(amount, "EUR")
    assert (money.units, money.nanos) == _oracle(amount)
    assert money.currency_code == "EUR"


def test_random_amounts_and_round_trip() -> None:
    rng = random.Random(7)
    for _ in range(5_000):
        decimal_amount = Decimal(str(round(rng.uniform(-1e9, 1e9), rng.randrange(0, 14))))
        float_amount = rng.uniform(-1e6, 1e6)
        for amount in (decimal_amount, float_amount):
            money = to_money(amount, "USD")
            assert (money.units, money.nanos) == _oracle(amount)
            assert abs(money.nanos) < 1_000_000_000
            assert money.units * money.nanos >= 0  # same sign
            assert from_money(money) == Fraction(money.units) + Fraction(money.nanos, 10**9)
