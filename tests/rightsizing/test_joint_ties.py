"""Joint right-sizing under held commitments: among choices that bill the same, no change.

Oracle: the held-commitment bill of every combination by brute force (the billing
simulator, not the MILP), and the rule that a move is made only when it lowers it.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from solvers.commitment_problem import HeldCommitment, ReservedOffer
from solvers.rightsizing_costs import CommitmentBook
from solvers.rightsizing_select import Choice, select_jointly

RATES = np.array([0.384, 0.096])  # m5.2xlarge-like and m5.large-like classes
NORM = np.array([16.0, 4.0])


def _book(units: float, outside: tuple[float, float] = (0.0, 0.0)) -> CommitmentBook:
    ri = ReservedOffer("ri", covered=(0, 1), normalized_units=16.0, unit_cost=0.242)
    return CommitmentBook(RATES, NORM, (HeldCommitment(ri, units),), np.array(outside))


def _menus(count: int, movable: int) -> list[list[Choice]]:
    stay = Choice(0, float(RATES[0]))
    return [[stay, Choice(1, float(RATES[1]))] if r >= count - movable else [stay] for r in range(count)]


def _brute_bills(book: CommitmentBook, menus: list[list[Choice]]) -> dict[tuple[int, ...], float]:
    bills = {}
    for combo in itertools.product(*(range(len(m)) for m in menus)):
        usage = book.other_usage.copy()
        for r, o in enumerate(combo):
            usage[menus[r][o].usage_class] += 1.0
        bills[combo] = float(book.residual(usage)[0])
    return bills


@pytest.mark.parametrize("units", [10.0, 12.0, 40.0])
def test_no_change_when_moving_bills_the_same(units: float) -> None:
    """Ten VMs on the reserved class, the reservation size-flexible: moving four to the small
    class bills the same (everything stays covered), so nothing moves."""
    book, menus = _book(units), _menus(10, 4)
    bills = _brute_bills(book, menus)
    stay = (0,) * 10
    assert bills[stay] == pytest.approx(min(bills.values()), abs=1e-12)
    selection = select_jointly(menus, np.ones(10), book, book.other_usage, current=[0] * 10)
    assert selection.chosen.tolist() == [0] * 10


def test_a_real_saving_still_moves() -> None:
    """Twelve VMs, ten reserved units: moving four of them to the small class fits them all
    inside the reservation (6 x 16 + 4 x 4 + ... units) and saves their on-demand bill."""
    book, menus = _book(10.0), _menus(12, 4)
    bills = _brute_bills(book, menus)
    best = min(bills, key=lambda c: (round(bills[c], 9), sum(c)))
    assert bills[best] < bills[(0,) * 12] - 0.1
    selection = select_jointly(menus, np.ones(12), book, book.other_usage, current=[0] * 12)
    chosen = tuple(selection.chosen.tolist())
    assert bills[chosen] == pytest.approx(bills[best], abs=1e-9)
    assert sum(chosen) == sum(best)  # the fewest moves among the cheapest combinations
