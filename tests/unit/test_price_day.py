"""The day that prices a card: a quote is priced on the day the premium is paid, the cover start is its own date, and
a known change between the two is named with the price it would give (worked examples around 1/7/2026)."""

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from donation.common.errors import InvalidInput
from donation.premium import rule_data
from donation.premium.calculator import ALLOWED_MONTHS, RuleBook, quote_premium
from donation.premium.pledge_quote import CHANGE_NOTICE, quote_pledge

RULES = RuleBook(rule_data.RULE_VERSIONS, {g.key: g for g in rule_data.GROUPS}, rule_data.TOP_UPS)


def q(group, on, cover_from, members=1, months=12, **kwargs):
    return quote_premium(RULES, group=group, members=members, months=months, on=on, cover_from=cover_from, **kwargs)


@pytest.mark.parametrize(
    ("group", "members", "province", "on", "cover_from", "version", "donor", "later"),
    [
        # Paid 30/6/2026, cover from 1/8/2026: the 2,340,000 base salary of the payment day, the rise named.
        ("household", 1, None, date(2026, 6, 30), date(2026, 8, 1), "2025-07", 1_263_600,
         [(date(2026, 7, 1), "2026-07", 1_366_200, 1_366_200)]),
        ("household", 1, None, date(2026, 7, 1), date(2026, 7, 31), "2026-07", 1_366_200, []),
        ("household", 1, None, date(2026, 7, 1), date(2026, 8, 1), "2026-07", 1_366_200, []),
        # The change on the cover start itself counts; a change after it does not.
        ("household", 1, None, date(2026, 6, 30), date(2026, 7, 1), "2025-07", 1_263_600,
         [(date(2026, 7, 1), "2026-07", 1_366_200, 1_366_200)]),
        ("household", 1, None, date(2026, 5, 31), date(2026, 6, 30), "2025-07", 1_263_600, []),
        ("household", 1, None, date(2026, 6, 30), date(2026, 6, 30), "2025-07", 1_263_600, []),
        # 1.263.600 + 884.520 + 758.160; after the rise 1.366.200 + 956.340 + 819.720.
        ("household", 3, None, date(2026, 6, 30), date(2026, 7, 30), "2025-07", 2_906_280,
         [(date(2026, 7, 1), "2026-07", 3_142_260, 3_142_260)]),
        # A version that changes nothing for this group (2025-07 kept the household price) is not listed.
        ("household", 1, None, date(2025, 6, 30), date(2026, 7, 1), "2024-07", 1_263_600,
         [(date(2026, 7, 1), "2026-07", 1_366_200, 1_366_200)]),
        # Same base salary, a larger state share from 1/7/2025 (students 30% -> 50%).
        ("student", 1, None, date(2025, 6, 30), date(2025, 7, 30), "2024-07", 884_520,
         [(date(2025, 7, 1), "2025-07", 1_263_600, 631_800)]),
        # A provincial top-up starting between the two days (Hồ Chí Minh City pays pupils' rest from 14/11/2025).
        ("pupil", 1, 79, date(2025, 11, 1), date(2025, 12, 1), "2025-07", 631_800,
         [(date(2025, 11, 14), "2025-07", 1_263_600, 0)]),
        # The top-up in force on the payment day counts, whatever the cover start.
        ("pupil", 1, 79, date(2025, 11, 14), date(2025, 12, 14), "2025-07", 0, []),
        ("near_poor", 1, 66, date(2026, 6, 30), date(2026, 7, 30), "2025-07", 379_080,
         [(date(2026, 7, 1), "2026-07", 1_366_200, 409_860)]),
    ],
)
def test_priced_on_the_payment_day(group, members, province, on, cover_from, version, donor, later):
    quote = q(group, on, cover_from, members=members, province_code=province)
    assert (quote.rule_version, quote.donor_pays_total) == (version, donor)
    assert (quote.priced_on, quote.cover_start) == (on, cover_from)
    assert [(c.from_day, c.rule_version, c.full_premium_total, c.donor_pays_total) for c in quote.later] == later


def test_the_note_gives_the_other_price_when_the_rise_falls_between():
    quote = q("household", date(2026, 6, 30), date(2026, 8, 1))
    assert ("Từ 01/07/2026 lương cơ sở là 2.530.000 ₫ (quy định 2026-07): nếu tiền được nộp cho BHXH từ ngày đó, "
            "mức đóng là 1.366.200 ₫, nhà tài trợ đóng 1.366.200 ₫.") in quote.notes
    assert "ngày đóng tiền 30/06/2026; thẻ có hiệu lực từ 01/08/2026" in quote.note
    assert "không phải đóng thêm cho thời gian đã đóng" in quote.note


@pytest.mark.parametrize(("on", "cover_from"), [(date(2026, 7, 1), date(2026, 8, 1)),
                                                (date(2026, 5, 1), date(2026, 6, 30)),
                                                (date(2026, 6, 30), date(2026, 6, 30))])
def test_no_note_when_no_change_falls_between(on, cover_from):
    quote = q("household", on, cover_from)
    assert quote.later == () and "Từ 01/07/2026" not in quote.note


def test_a_top_up_starting_between_is_named_with_its_effective_share():
    quote = q("pupil", date(2025, 11, 1), date(2025, 12, 1), province_code=79)
    assert quote.notes[-1].startswith("Từ 14/11/2025 tỉnh hỗ trợ thêm 50% (Nghị quyết 75/2025")
    assert quote.notes[-1].endswith("nhà tài trợ đóng 0 ₫.")


@pytest.mark.parametrize(("cover_from", "donor"), [(date(2026, 7, 14), 0), (date(2026, 7, 15), 1_263_600),
                                                   (date(2026, 8, 1), 1_263_600)])
def test_a_childs_age_is_judged_on_the_cover_start(cover_from, donor):
    """Born 15/07/2020: under 6 until 15/07/2026. Paid 30/06/2026 at the 2025-07 rule."""
    quote = q("household", date(2026, 6, 30), cover_from, birth_dates=[date(2020, 7, 15)])
    assert quote.donor_pays_total == donor


def test_without_a_cover_start_the_quote_is_as_before():
    quote = quote_premium(RULES, group="household", members=1, months=12, on=date(2026, 7, 1))
    assert (quote.cover_start, quote.donor_pays_total, quote.later) == (date(2026, 7, 1), 1_366_200, ())


def test_a_cover_start_before_the_payment_is_refused():
    with pytest.raises(InvalidInput, match="Ngày thẻ có hiệu lực 29/06/2026 trước ngày đóng tiền 30/06/2026"):
        q("household", date(2026, 6, 30), date(2026, 6, 29))


def test_the_dict_says_both_days_and_the_later_price():
    data = q("household", date(2026, 6, 30), date(2026, 8, 1)).as_dict()
    assert (data["on"], data["priced_on"], data["cover_from"]) == ("2026-06-30", "2026-06-30", "2026-08-01")
    assert data["later_prices"] == [{"from": "2026-07-01", "rule_version": "2026-07", "base_salary": 2_530_000,
                                     "full_premium_total": 1_366_200, "donor_pays_total": 1_366_200}]


@given(
    group=st.sampled_from([g.key for g in rule_data.GROUPS]),
    members=st.integers(1, 6),
    months=st.sampled_from(ALLOWED_MONTHS),
    on=st.dates(date(2019, 7, 1), date(2027, 12, 31)),
    wait=st.integers(0, 800),
    province=st.sampled_from([None, 15, 79, 96]),
)
def test_the_cover_start_changes_the_price_only_through_the_child_rule(group, members, months, on, wait, province):
    """Without birth dates the lines are the payment day's whatever the cover start, and each later price is exactly
    the quote of a payment on that day, listed in order between the two days, each one a change of price."""
    assume(group in RULES.version_on(on).shares)  # a group the law added later is refused before it starts
    cover_from = on + timedelta(days=wait)
    quote = q(group, on, cover_from, members=members, months=months, province_code=province)
    same_day = q(group, on, on, members=members, months=months, province_code=province)
    assert quote.lines == same_day.lines and quote.rule_version == same_day.rule_version
    days = [change.from_day for change in quote.later]
    assert days == sorted(set(days)) and all(on < day <= cover_from for day in days)
    prices = [(c.full_premium_total, c.donor_pays_total) for c in quote.later]
    prices.insert(0, (quote.full_premium_total, quote.donor_pays_total))
    assert all(before != after for before, after in itertools.pairwise(prices))  # each listed change changes the price
    for change in quote.later:
        then = q(group, change.from_day, cover_from, members=members, months=months, province_code=province)
        assert (then.full_premium_total, then.donor_pays_total) == (change.full_premium_total, change.donor_pays_total)
        assert then.rule_version == change.rule_version


@pytest.mark.parametrize(
    ("on", "says"),
    [
        (date(2026, 5, 15), True),
        (date(2026, 5, 2), True),  # 1/7/2026 is exactly CHANGE_NOTICE away
        (date(2026, 5, 1), False),
        (date(2026, 7, 1), False),
    ],
)
def test_the_pledge_form_says_when_a_change_comes_within_sixty_days(on, says):
    assert CHANGE_NOTICE == timedelta(days=60)
    quote = quote_pledge(RULES, amount=10_000_000, groups=["household", "student"], on=on)
    sentence = quote.change_sentence()
    if says:
        assert quote.rule_version == "2025-07" and quote.prices[0].per_card == 1_263_600  # today's price
        assert sentence == ("Từ 01/07/2026 lương cơ sở là 2.530.000 ₫ (quy định 2026-07): nếu tiền được nộp cho BHXH "
                            "từ ngày đó, giá 12 tháng: một thẻ hộ gia đình 1.366.200 ₫, một thẻ sinh viên 683.100 ₫.")
    else:
        assert sentence == ""
