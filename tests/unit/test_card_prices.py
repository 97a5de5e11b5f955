"""A card as an allocation prices it (`card_prices.price_nominations`): at the rule in force on the allocation's date
(its rule version and provincial top-up), not on the card's expected first day; a young child judged on that first
day. Worked examples around the base salary's rise on 1/7/2026 (2,340,000 ₫ to 2,530,000 ₫, 4,5% a month)."""

from datetime import date

import numpy as np
import pytest

from donation.premium import rule_data
from donation.premium.calculator import RuleBook
from donation.premium.card_prices import cover_start, day_number_of, price_nominations

RULES = RuleBook(rule_data.RULE_VERSIONS, {g.key: g for g in rule_data.GROUPS}, rule_data.TOP_UPS)
GROUPS = sorted(RULES.groups)
ADULT = date(1980, 5, 1)


def priced(on, rows):
    """`rows`: (household, group, province, card until or None, birth) each, ids in order."""
    households, groups, provinces, until, births = zip(*rows, strict=True)
    return price_nominations(
        RULES, on, ids=np.arange(1, len(rows) + 1), households=np.array(households),
        groups=np.array([GROUPS.index(g) for g in groups]), group_names=GROUPS, provinces=np.array(provinces),
        poor=np.zeros(len(rows), dtype=bool), card_until=np.array([day_number_of(d) for d in until]),
        birth=np.array([day_number_of(b) for b in births]))


@pytest.mark.parametrize(
    ("on", "group", "province", "card_until", "start", "price_12"),
    [
        # allocated 15/06/2026, a first card expected from 15/07/2026: the reservation is at the 2024 base salary
        # (12 × 4,5% × 2,340,000), not at the 2,530,000 in force on its first day (1,366,200 before issue 20)
        (date(2026, 6, 15), "household", 66, None, date(2026, 7, 15), 1_263_600),
        (date(2026, 6, 30), "household", 66, None, date(2026, 7, 30), 1_263_600),
        (date(2026, 7, 1), "household", 66, None, date(2026, 7, 31), 1_366_200),
        # a current card until 31/12/2026: cover from 1/1/2027, still at the run's rule
        (date(2026, 6, 15), "household", 66, date(2026, 12, 31), date(2027, 1, 1), 1_263_600),
        # Cà Mau's pupils: its 20% top-up starts 1/9/2025; a run on 31/08/2025 reserves without it (631,800) though
        # the card starts on 30/09/2025 (379,080 before issue 20)
        (date(2025, 8, 31), "pupil", 96, None, date(2025, 9, 30), 631_800),
        (date(2025, 9, 1), "pupil", 96, None, date(2025, 10, 1), 379_080),
    ],
)
def test_a_card_is_reserved_at_the_rule_of_the_allocation_day(on, group, province, card_until, start, price_12):
    result = priced(on, [(1, group, province, card_until, ADULT)])
    assert result.start_days[result.starts[0]] == start == cover_start(card_until, on)
    assert result.prices[12][0] == price_12


def test_the_ladder_is_priced_at_the_run_day_too():
    result = priced(date(2026, 6, 15), [(7, "household", 66, None, ADULT), (7, "household", 66, None, ADULT),
                                        (8, "household", 66, None, ADULT)])
    assert result.prices[12].tolist() == [1_263_600, 884_520, 1_263_600]  # 2nd member: 70%
    assert result.prices[3].tolist() == [315_900, 221_130, 315_900]


@pytest.mark.parametrize(
    ("birth", "child"),
    [
        (date(2020, 7, 20), True),  # 5 on the run day and on the card's first day (15/07/2026): the state pays
        (date(2020, 7, 10), False),  # 5 on the run day, 6 on the card's first day: a donor pays, at the run's rule
    ],
)
def test_a_young_child_is_judged_on_the_card_s_first_day(birth, child):
    result = priced(date(2026, 6, 15), [(1, "household", 66, None, birth)])
    assert bool(result.child[0]) is child
    assert result.prices[12][0] == (0 if child else 1_263_600)
